import { Redis, type Command, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger/logger';

export type { Redis };

/** The default of REDIS_COMMAND_TIMEOUT_MS (callers without a configuration, e.g. the CLI). */
export const DEFAULT_COMMAND_TIMEOUT_MS = 300;

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
function enforceDeadline(redis: Redis, timeoutMs: number): Redis {
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((command: Command, stream?: Parameters<Redis['sendCommand']>[1]) => {
    const result = send(command, stream) as Promise<unknown>;
    let settled = false;
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (settled) return;
        command.reject(new Error(`Command timed out after ${timeoutMs} ms`));
        // Only a ready connection is dropped (while (re)connecting, the ready check's own failure
        // re-makes it). Destroyed rather than ended: a frozen server never completes a graceful
        // close, and the connection must count as closed now (ioredis then reconnects by itself).
        if (redis.status === 'ready') redis.stream.destroy();
      });
    }, timeoutMs);
    const done = () => {
      settled = true;
      clearTimeout(timer);
    };
    result.then(done, done);
    return result;
  });
  // Connections made from this one (the pub/sub subscriber) keep the same deadline.
  const duplicate = redis.duplicate.bind(redis);
  redis.duplicate = (override?: Partial<RedisOptions>) => enforceDeadline(duplicate(override), timeoutMs);
  return redis;
}

/**
 * Commands fail fast while Redis is down (no offline queue) so callers can fall back
 * (insurance rate limiter, cache bypass, per-process guest tokens) instead of hanging requests.
 */
export function createRedis(url: string, logger: Logger, name = 'main', opts: { commandTimeoutMs?: number } = {}): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    // A command cut off by a dropped connection has already been answered to its caller (as a
    // failure): sending it again after the reconnect would, e.g., count a request twice.
    autoResendUnfulfilledCommands: false,
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    lazyConnect: false,
  });
  enforceDeadline(redis, opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS);
  let lastError = '';
  redis.on('error', (err: Error) => {
    // ioredis emits the same error on every reconnect attempt; log changes only.
    if (err.message !== lastError) logger.warn({ err: err.message, redis: name }, 'redis error');
    lastError = err.message;
  });
  redis.on('ready', () => {
    if (lastError) logger.info({ redis: name }, 'redis reconnected');
    lastError = '';
  });
  return redis;
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
