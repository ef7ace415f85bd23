import { Redis } from 'ioredis';
import type { Logger } from '../logger/logger';

export type { Redis };

/** The default of REDIS_COMMAND_TIMEOUT_MS (callers without a configuration, e.g. the CLI). */
export const DEFAULT_COMMAND_TIMEOUT_MS = 300;

/**
 * Commands fail fast while Redis is down (no offline queue) so callers can fall back
 * (insurance rate limiter, cache bypass, per-process guest tokens) instead of hanging requests.
 *
 * A Redis that is connected but silent (frozen, overloaded, a network black hole) would otherwise
 * hold every command forever: each command gets a deadline (`commandTimeout`), and a connection
 * that brings no answer within that deadline is destroyed (`socketTimeout`) and re-made. Until the
 * new connection is ready, commands are refused at once, exactly as with a dropped connection, so
 * a request waits on a silent Redis at most once, never once per command.
 */
export function createRedis(url: string, logger: Logger, name = 'main', opts: { commandTimeoutMs?: number } = {}): Redis {
  const timeoutMs = opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    lazyConnect: false,
  });
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
