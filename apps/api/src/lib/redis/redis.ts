import { Cluster, Redis as SingleRedis, type Command, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger/logger';

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

interface Pending {
  command: Command;
  /** performance.now() by which the answer must have come */
  deadline: number;
  failed: boolean;
}

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
  // same deadline, so the queue in sending order is also in deadline order: the timer only ever
  // waits for the oldest command still unanswered; answered ones are skipped when it fires.
  let queue: Pending[] = [];
  let head = 0;
  let timer: NodeJS.Timeout | undefined;
  const isSettled = (p: Pending) => p.failed || p.command.isResolved;

  function arm(): void {
    while (head < queue.length && isSettled(queue[head])) head++;
    if (head === queue.length) {
      queue = [];
      head = 0;
      return;
    }
    if (head > 1024) {
      queue = queue.slice(head);
      head = 0;
    }
    const oldest = queue[head];
    timer = setTimeout(expire, Math.max(0, oldest.deadline - performance.now()));
  }

  function expire(): void {
    // checked after the poll phase, so replies already waiting in the socket are read first
    setImmediate(() => {
      timer = undefined;
      const now = performance.now();
      let expired = false;
      while (head < queue.length) {
        const p = queue[head];
        if (!isSettled(p)) {
          if (p.deadline > now) break;
          p.command.reject(new Error(`Command timed out after ${timeoutMs} ms`));
          expired = true;
        }
        head++;
      }
      // Only a ready connection is dropped (while (re)connecting, the ready check's own failure
      // re-makes it). Destroyed rather than ended: a frozen server never completes a graceful
      // close, and the connection must count as closed now (ioredis then reconnects by itself).
      if (expired && redis.status === 'ready') redis.stream.destroy();
      arm();
    });
  }

  redis.sendCommand = ((command: Command, stream?: Parameters<SingleRedis['sendCommand']>[1]) => {
    const pending: Pending = { command, deadline: performance.now() + timeoutMs, failed: false };
    // ioredis marks only success on the command (isResolved); a failure (error reply, dropped
    // connection, refused while offline) is noted here, before sending, as it may happen at once
    const reject = command.reject;
    command.reject = (err: Error) => {
      pending.failed = true;
      reject(err);
    };
    queue.push(pending);
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
 * Commands fail fast while Redis is down (no offline queue, one retry) so callers can fall back
 * (insurance rate limiter, cache bypass) instead of hanging requests. A cluster client gets the
 * same settings: the cluster-level offline queue is off and the node connections take the
 * timeout and retry count (ioredis keeps the per-node offline queue on by design; MOVED/ASK
 * redirections and slot refreshes are its own business). A single server gets the deadline of
 * enforceDeadline(). A cluster has NO command deadline yet: enforceDeadline wraps one
 * connection's sendCommand (a cluster routes over many), and ioredis's own commandTimeout fires
 * falsely after a busy event loop (see enforceDeadline), which made 3 processes admit 67 of 60.
 */
export function createRedis(target: RedisTarget, logger: Logger, name = 'main', opts: { commandTimeoutMs?: number } = {}): Redis {
  const commandTimeoutMs = opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const redis: Redis =
    'clusterNodes' in target
      ? new Cluster(target.clusterNodes, {
          enableOfflineQueue: false,
          enableAutoPipelining: true,
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
          enableAutoPipelining: true,
          retryStrategy: retryDelay,
          lazyConnect: false,
        });
  if (redis instanceof SingleRedis) enforceDeadline(redis, commandTimeoutMs);
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
