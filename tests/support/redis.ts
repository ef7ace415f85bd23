import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Cluster, Redis as SingleRedis } from 'ioredis';
import type { Redis, RedisTarget } from '../../apps/api/src/lib/redis/redis';

/** Single-server URL of the tests (the shared Redis of the machine, or REDIS_URL). */
export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/**
 * Set by global-setup.ts when TEST_REDIS_MODE=cluster: the seed nodes of the throwaway local
 * Redis Cluster. A name of its own (not REDIS_CLUSTER_NODES) so processes the tests spawn only
 * use the cluster when a test says so.
 */
export const CLUSTER_NODES_VAR = 'TWDOWN_TEST_REDIS_CLUSTER_NODES';

export function clusterNodesOfRun(): string | undefined {
  return process.env[CLUSTER_NODES_VAR] || undefined;
}

/** The Redis the tests use by default: the run's cluster in cluster mode, else REDIS_URL. */
export function testRedisTarget(): RedisTarget {
  const nodes = clusterNodesOfRun();
  if (!nodes) return { url: REDIS_URL };
  return {
    clusterNodes: nodes.split(',').map((n) => {
      const [host, port] = n.split(':');
      return { host: host ?? '127.0.0.1', port: Number(port) };
    }),
  };
}

/** Environment for a spawned server/CLI that should use `target`. */
export function redisEnvFor(target: RedisTarget | null): Record<string, string> {
  if (!target) return { REDIS_URL: '', REDIS_CLUSTER_NODES: '' };
  if ('url' in target) return { REDIS_URL: target.url, REDIS_CLUSTER_NODES: '' };
  return { REDIS_URL: '', REDIS_CLUSTER_NODES: target.clusterNodes.map((n) => `${n.host}:${n.port}`).join(',') };
}

/** A plain client for test code (assertions, clean-up). */
export function connectTestRedis(target: RedisTarget = testRedisTarget()): Redis {
  return 'url' in target
    ? new SingleRedis(target.url, { maxRetriesPerRequest: 1 })
    : new Cluster(target.clusterNodes, { redisOptions: { maxRetriesPerRequest: 1 } });
}

/**
 * Deletes every key under a prefix. SCAN only sees the keys of the server it runs on, so in a
 * cluster it runs on every master; keys are deleted one command each (a multi-key DEL would
 * fail across slots), through the cluster client which routes each to its slot.
 */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<void> {
  if (redis.status !== 'ready') await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  const masters = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of masters) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      await Promise.all(keys.map((k) => redis.unlink(k)));
    } while (cursor !== '0');
  }
}

export async function deleteRedisPrefix(target: RedisTarget | string, prefix: string): Promise<void> {
  const redis = connectTestRedis(typeof target === 'string' ? { url: target } : target);
  try {
    await deleteKeysWithPrefix(redis, `${prefix}:`);
  } finally {
    redis.disconnect();
  }
}

/** A TCP port that is free now (and, for cluster nodes, whose bus port +10000 is free too). */
export async function freePort(opts: { clusterBus?: boolean } = {}): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = opts.clusterBus ? 20_000 + Math.floor(Math.random() * 30_000) : await listenZero();
    if (!opts.clusterBus) return port;
    if ((await canListen(port)) && (await canListen(port + 10_000))) return port;
  }
  throw new Error('no free port found');
}

function listenZero(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export interface RedisServer {
  port: number;
  url: string;
  proc: ChildProcess;
  /** Stops the server (SIGKILL unless told otherwise) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port (empty: nothing is persisted). */
  restart(): Promise<void>;
  /** Stops it for good and removes its directory. */
  close(): Promise<void>;
}

/** A throwaway redis-server on a free loopback port (never the shared one). */
export async function startRedisServer(extraArgs: string[] = [], port?: number): Promise<RedisServer> {
  const p = port ?? (await freePort());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'twdown-redis-'));
  let proc = await launch(p, dir, extraArgs);
  const server: RedisServer = {
    port: p,
    url: `redis://127.0.0.1:${p}`,
    get proc() {
      return proc;
    },
    async stop(signal: NodeJS.Signals = 'SIGKILL') {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill(signal);
      await exited;
    },
    async restart() {
      await server.stop();
      proc = await launch(p, dir, extraArgs);
    },
    async close() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

async function launch(port: number, dir: string, extraArgs: string[]): Promise<ChildProcess> {
  const proc = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`redis-server on port ${port} exited with ${proc.exitCode}`);
    if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG') return proc;
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface LocalCluster {
  nodes: string;
  servers: RedisServer[];
  dir: string;
  stop(): Promise<void>;
}

/**
 * A real Redis Cluster of `size` masters on loopback ports, no replicas, nothing persisted:
 * `redis-server --cluster-enabled yes` per node, then `redis-cli --cluster create`, then wait
 * until every node reports cluster_state:ok.
 */
export async function startRedisCluster(size = 3): Promise<LocalCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'twdown-cluster-'));
  const servers: RedisServer[] = [];
  try {
    for (let i = 0; i < size; i++) {
      const port = await freePort({ clusterBus: true });
      servers.push(
        await startRedisServer(['--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '2000'], port),
      );
    }
    const addrs = servers.map((s) => `127.0.0.1:${s.port}`);
    const created = spawnSync('redis-cli', ['--cluster', 'create', ...addrs, '--cluster-replicas', '0', '--cluster-yes'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed:\n${created.stdout}\n${created.stderr}`);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ok = servers.every((s) =>
        spawnSync('redis-cli', ['-p', String(s.port), 'cluster', 'info'], { encoding: 'utf8' }).stdout.includes('cluster_state:ok'),
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error('local Redis Cluster did not reach cluster_state:ok');
      await new Promise((r) => setTimeout(r, 100));
    }
    return {
      nodes: addrs.join(','),
      servers,
      dir,
      async stop() {
        await Promise.all(servers.map((s) => s.close()));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await Promise.all(servers.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
