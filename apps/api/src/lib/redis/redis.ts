import { Cluster, Redis as SingleRedis, type Command, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger/logger';
import { createCommandRing } from './command-ring';

/**
 * The app's Redis client: one server (ioredis `Redis`) or a Redis Cluster (ioredis `Cluster`).
 * Both expose the same command methods, so modules are written once against this type. What
 * differs in a cluster is that every command touching several keys (Lua scripts, MULTI,
 * pipelines, multi-key DEL) must keep them in one hash slot: modules put the part that groups
 * them in braces (`{accountId}`), see docs/deploy.md "Redis Cluster".
 */
export type Redis = SingleRedis | Cluster;

export interface RedisNode {
  host: string;
  port: number;
}

/** Where Redis is: a URL (one server) or the seed nodes of a cluster. */
export type RedisTarget = { url: string } | { clusterNodes: RedisNode[] };

/** REDIS_CLUSTER_NODES wins over REDIS_URL; neither set = no Redis (embedded mode). */
export function redisTargetFrom(env: { REDIS_URL?: string; REDIS_CLUSTER_NODES?: RedisNode[] }): RedisTarget | null {
  if (env.REDIS_CLUSTER_NODES && env.REDIS_CLUSTER_NODES.length > 0) return { clusterNodes: env.REDIS_CLUSTER_NODES };
  if (env.REDIS_URL) return { url: env.REDIS_URL };
  return null;
}

/** For logs: where a target points, without credentials. */
export function describeRedisTarget(target: RedisTarget): string {
  if ('clusterNodes' in target) return `cluster ${target.clusterNodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
  const u = new URL(target.url);
  return `${u.hostname}:${u.port || '6379'}`;
}

// Shared by both modes so a single server and a cluster fail the same way.
const CONNECT_TIMEOUT_MS = 2000;
// Reconnect attempts at most 1 s apart: a Redis that comes back is in use again within about a
// second (fault drill 3 holds it to 2 s).
const retryDelay = (times: number) => Math.min(times * 100, 1000);

/** The default of REDIS_COMMAND_TIMEOUT_MS (callers without a configuration, e.g. the CLI). */
export const DEFAULT_COMMAND_TIMEOUT_MS = 300;

const ignore = (): void => undefined;

/**
 * Every command gets a deadline; a command still unanswered at its deadline is rejected and, as
 * the connection has gone silent, the connection is dropped and re-made. Until the new
 * connection is ready commands are refused at once (no offline queue), exactly as with a dropped
 * connection, so a frozen Redis costs a request at most one deadline, not one per command.
 *
 * Why not ioredis's own `commandTimeout`/`socketTimeout`: they are plain timers, and after the
 * event loop was busy for longer than the deadline (a burst of requests on a loaded machine)
 * they fire before the poll phase reads replies that are already waiting in the socket. Redis
 * then looks down while it is not, and the rate limits fall back to per-process counting. Here
 * the deadline is checked once more after the poll phase (setImmediate), so only a reply that
 * really did not come in time counts.
 */
function enforceDeadline(redis: SingleRedis, timeoutMs: number): SingleRedis {
  const send = redis.sendCommand.bind(redis);
  // One timer for all commands instead of one per command (a setTimeout, a clearTimeout and a
  // promise reaction each were a visible share of a cache hit's CPU). Every command gets the
  // same deadline, so the ring in sending order is also in deadline order: the timer only ever
  // waits for the oldest command still unanswered.
  // Answered commands leave the ring as soon as they are answered (one connection answers in
  // sending order, so that is the head), not when the timer next fires: a command kept for its
  // whole deadline (300 ms) outlives a dozen young-generation GCs under load, so every command,
  // with its arguments and reply, was promoted to the old generation (docs/architecture.md,
  // fifth pass). The ring reuses its slots (command-ring.ts, seventh pass).
  const ring = createCommandRing<Command>();
  let timer: NodeJS.Timeout | undefined;

  function arm(): void {
    ring.release();
    const oldest = ring.oldestDeadline();
    if (oldest !== undefined) timer = setTimeout(expire, Math.max(0, oldest - performance.now()));
  }

  function expire(): void {
    // checked after the poll phase, so replies already waiting in the socket are read first
    setImmediate(() => {
      timer = undefined;
      // found first, rejected afterwards: a reject releases the ring's head (release()) as it goes
      const late = ring.late(performance.now());
      for (const command of late) command.reject(new Error(`Command timed out after ${timeoutMs} ms`));
      // Only a ready connection is dropped (while (re)connecting, the ready check's own failure
      // re-makes it). Destroyed rather than ended: a frozen server never completes a graceful
      // close, and the connection must count as closed now (ioredis then reconnects by itself).
      if (late.length > 0 && redis.status === 'ready') redis.stream.destroy();
      arm();
    });
  }

  redis.sendCommand = ((command: Command, stream?: Parameters<SingleRedis['sendCommand']>[1]) => {
    const position = ring.push(command, performance.now() + timeoutMs);
    // ioredis marks only success on the command (isResolved); a failure (error reply, dropped
    // connection, refused while offline) is noted here, before sending, as it may happen at once
    const reject = command.reject;
    command.reject = (err: Error) => {
      ring.fail(position, command);
      // A command nobody awaits (ioredis's own, e.g. the subscriber's re-subscribe, flushed with
      // "Connection is closed" when a deadline drops the connection) must not become an
      // unhandled rejection, which would end the process; callers' own handlers still see it.
      command.promise.catch(ignore);
      reject(err);
      ring.release();
    };
    const resolve = command.resolve;
    command.resolve = (value: unknown) => {
      resolve(value);
      ring.release();
    };
    const result = send(command, stream);
    if (!timer) arm();
    return result;
  });
  // Connections made from this one (the pub/sub subscriber) keep the same deadline.
  const duplicate = redis.duplicate.bind(redis);
  redis.duplicate = (override?: Partial<RedisOptions>) => enforceDeadline(duplicate(override), timeoutMs);
  return redis;
}

/**
 * The commands sent during one turn of the event loop leave in one write: the first one corks
 * the connection's socket and a setImmediate uncorks it, so they reach Redis together and are
 * answered together, as auto-pipelining did (a cache hit sends two commands, and with
 * concurrent requests a turn sends dozens) but without ioredis's Pipeline objects. Commands
 * keep their order (one socket buffer) and each its own promise and deadline. While the
 * connection is not ready nothing is corked: ioredis refuses or sends those commands itself.
 */
function coalesceWrites(redis: SingleRedis): SingleRedis {
  const send = redis.sendCommand.bind(redis);
  let corked: SingleRedis['stream'] | null = null;
  const uncork = () => {
    const stream = corked;
    corked = null;
    stream?.uncork();
  };
  redis.sendCommand = ((command: Command, stream?: Parameters<SingleRedis['sendCommand']>[1]) => {
    if (corked === null && redis.status === 'ready') {
      corked = redis.stream;
      corked.cork();
      setImmediate(uncork);
    }
    return send(command, stream);
  });
  return redis;
}

/**
 * The same deadline for a Redis Cluster. A cluster routes each command over one of many node
 * connections (and may re-route it: MOVED, ASK, CLUSTERDOWN and failover retries), so the
 * deadline is split in two:
 * - the caller's: every command entering the cluster client is rejected at its deadline (checked
 *   again after the poll phase, as above), with the reject the command had before the cluster
 *   wrapped it, so no redirection or retry can keep it waiting longer; and a command that timed
 *   out is never sent again (a retry after the deadline would count a request the caller has
 *   already handled as failed);
 * - the node's: at a deadline, every ready node connection whose oldest unanswered command was
 *   written more than a deadline ago has gone silent and is dropped (ioredis re-makes it when a
 *   command needs that node), and commands for that node are refused at once until a connection
 *   to it is ready again. A node that answers, even with an error, is left alone.
 * Why not ioredis's `commandTimeout`: the busy-event-loop false timeouts of enforceDeadline(),
 * which made 3 processes admit 67 requests of a limit of 60.
 */
/** How often a silent cluster node is tried again (one server's client: retryDelay, at most 1 s). */
const PROBE_MS = 250;

function enforceClusterDeadline(cluster: Cluster, timeoutMs: number): Cluster {
  const writtenAt = new WeakMap<object, number>();
  const expired = new WeakSet<Command>();
  const watched = new WeakSet<SingleRedis>();
  /** host:port of nodes dropped for silence, until a connection to them is ready again */
  const silent = new Set<string>();
  const keyOf = (node: SingleRedis) => `${node.options.host ?? ''}:${node.options.port ?? ''}`;
  const watchNode = (node: SingleRedis) => {
    if (watched.has(node)) return;
    watched.add(node);
    node.on('ready', () => silent.delete(keyOf(node)));
    const send = node.sendCommand.bind(node);
    node.sendCommand = ((command: Command, stream?: Parameters<SingleRedis['sendCommand']>[1]) => {
      // already answered (as a failure) to its caller: a retry or an offline-queue flush must not run it now
      if (expired.has(command)) return command.promise;
      // A node found silent is refused at once until a new connection to it is ready (as one
      // server's dropped connection is), rather than costing every command a deadline in the
      // new connection's queue; the connection attempt goes on, and its ready check (INFO, let
      // through) is the probe that ends it.
      if (node.status !== 'ready' && command.name !== 'info' && silent.has(keyOf(node))) {
        if (node.status === 'wait') node.connect().catch(() => undefined);
        command.reject(new Error(`Redis node ${keyOf(node)} is not answering`));
        return command.promise;
      }
      writtenAt.set(command, performance.now());
      return send(command, stream);
    });
  };
  // Node connections are made inside the constructor (the first ones) and on demand later.
  cluster.nodes('all').forEach(watchNode);
  cluster.on('+node', watchNode);
  // While a node is silent, try a connection to it every PROBE_MS, as one server's client
  // reconnects by itself: without this the node would only be tried again when a command needs
  // it, and that command (and any burst with it) would be refused although the node is back.
  let probe: NodeJS.Timeout | undefined;
  const probeSilentNodes = () => {
    if (silent.size === 0 || cluster.status === 'end') {
      clearInterval(probe);
      probe = undefined;
      return;
    }
    // re-reads the slot map, which re-creates a (lazy) connection for every node that lost its own
    cluster.refreshSlotsCache();
    for (const node of cluster.nodes('all')) {
      if (node.status === 'wait' && silent.has(keyOf(node))) node.connect().catch(() => undefined);
    }
  };
  const dropSilentNodes = () => {
    const now = performance.now();
    for (const node of cluster.nodes('all')) {
      const oldest = node.commandQueue.peekFront();
      const at = oldest ? writtenAt.get(oldest.command) : undefined;
      if (node.status === 'ready' && at !== undefined && now - at >= timeoutMs) {
        silent.add(keyOf(node));
        node.stream.destroy();
      }
    }
    if (silent.size > 0 && !probe) {
      probe = setInterval(probeSilentNodes, PROBE_MS);
      probe.unref();
    }
  };
  const send = cluster.sendCommand.bind(cluster);
  cluster.sendCommand = ((command: Command, stream?: Parameters<Cluster['sendCommand']>[1], node?: Parameters<Cluster['sendCommand']>[2]) => {
    // Taken before the cluster wraps it with its redirection handling (first send only).
    const reject = command.reject;
    const result = send(command, stream, node) as Promise<unknown>;
    let settled = false;
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (settled) return;
        expired.add(command);
        reject.call(command, new Error(`Command timed out after ${timeoutMs} ms`));
        dropSilentNodes();
      });
    }, timeoutMs);
    const done = () => {
      settled = true;
      clearTimeout(timer);
    };
    result.then(done, done);
    return result;
  }) as Cluster['sendCommand'];
  // The pub/sub subscriber made from this client keeps the same deadline, as on one server.
  const duplicate = cluster.duplicate.bind(cluster);
  cluster.duplicate = ((...args: Parameters<Cluster['duplicate']>) => enforceClusterDeadline(duplicate(...args), timeoutMs)) as Cluster['duplicate'];
  return cluster;
}

/**
 * Commands fail fast while Redis is down (no offline queue, one retry) so callers can fall back
 * (insurance rate limiter, cache bypass) instead of hanging requests. A cluster client gets the
 * same settings: the cluster-level offline queue is off and the node connections take the
 * timeout and retry count (ioredis keeps the per-node offline queue on by design; MOVED/ASK
 * redirections and slot refreshes are its own business). Both get a command deadline:
 * enforceDeadline() on one server, enforceClusterDeadline() on a cluster.
 */
export function createRedis(target: RedisTarget, logger: Logger, name = 'main', opts: { commandTimeoutMs?: number } = {}): Redis {
  const commandTimeoutMs = opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const redis: Redis =
    'clusterNodes' in target
      ? new Cluster(target.clusterNodes, {
          enableOfflineQueue: false,
          // Off in a cluster: an auto-pipelined command's caller waits on its pipeline, which
          // retries redirections and CLUSTERDOWN with commands of its own, out of reach of the
          // deadline (enforceClusterDeadline); sent one by one, the caller's promise is the command's.
          enableAutoPipelining: false,
          // A cluster that says it is down is down: fail now (the callers fall back) rather than
          // retry every 100 ms for up to 16 redirections (3.3 s measured with a frozen master).
          retryDelayOnClusterDown: 0,
          clusterRetryStrategy: retryDelay,
          slotsRefreshTimeout: CONNECT_TIMEOUT_MS,
          redisOptions: {
            maxRetriesPerRequest: 1,
            connectTimeout: CONNECT_TIMEOUT_MS,
            autoResendUnfulfilledCommands: false,
          },
        })
      : new SingleRedis(target.url, {
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          connectTimeout: CONNECT_TIMEOUT_MS,
          // A command cut off by a dropped connection has already been answered to its caller (as a
          // failure): sending it again after the reconnect would, e.g., count a request twice.
          autoResendUnfulfilledCommands: false,
          // Off: ioredis builds a Pipeline per batch, and its constructor gives every instance
          // its own `length` accessor, which kept each batch, its commands and the requests
          // waiting on them alive through young-generation GCs. coalesceWrites() batches the
          // writes of one event-loop turn into one instead (docs/architecture.md, seventh pass).
          enableAutoPipelining: false,
          retryStrategy: retryDelay,
          lazyConnect: false,
        });
  if (redis instanceof SingleRedis) coalesceWrites(enforceDeadline(redis, commandTimeoutMs));
  else enforceClusterDeadline(redis, commandTimeoutMs);
  let lastError = '';
  const onError = (err: Error) => {
    // ioredis emits the same error on every reconnect attempt; log changes only.
    if (err.message !== lastError) logger.warn({ err: err.message, redis: name }, 'redis error');
    lastError = err.message;
  };
  redis.on('error', onError);
  // a cluster reports a failing node separately from its own errors
  redis.on('node error', onError);
  redis.on('ready', () => {
    if (lastError) logger.info({ redis: name }, 'redis reconnected');
    lastError = '';
  });
  return redis;
}

/**
 * A second connection for SUBSCRIBE, with the offline queue on so the subscription waits for a
 * (re)connection; ioredis re-subscribes by itself after a reconnect (in a cluster, on another
 * node if the one it used fails).
 */
export function duplicateForSubscriber(redis: Redis): Redis {
  return redis instanceof Cluster ? redis.duplicate(undefined, { enableOfflineQueue: true }) : redis.duplicate({ enableOfflineQueue: true });
}

/** The connections that hold data: the masters of a cluster, or the single server. */
export function dataNodes(redis: Redis): SingleRedis[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}

/** Resolves once connected, or rejects after timeoutMs (used at boot and in tests). */
export async function waitForRedis(redis: Redis, timeoutMs = 5000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}
