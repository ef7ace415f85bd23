import { Redis } from 'ioredis';
import type { Logger } from '../logger/logger';

export type { Redis };

/**
 * Commands fail fast while Redis is down (no offline queue) so callers can fall back
 * (insurance rate limiter, cache bypass) instead of hanging requests.
 */
export function createRedis(url: string, logger: Logger, name = 'main'): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
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
