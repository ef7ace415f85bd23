/**
 * Guest tokens shared by every API process through Redis:
 * - the current token lives at `<prefix>x:{guest-token}` with a TTL ({…}: a Redis Cluster hash tag,
 *   so every guest-token key, lock included, is in one slot and may share a Lua script);
 * - a cold start takes `<prefix>x:{guest-token}:lock` (SET NX PX) so one process activates while
 *   the others poll for the result;
 * - each process keeps a short-lived in-memory copy, dropped when that token is retired;
 * - retirement deletes the Redis key only if it still holds the retired token (compare-and-delete).
 * If Redis is unreachable the store degrades to a per-process token (logged at warn).
 */
import { randomUUID } from 'node:crypto';
import {
  COMPARE_AND_DELETE_LUA,
  type Clock,
  type Logger,
  type RedisCommands,
  systemClock,
  UpstreamFailure,
} from './x-client.types';
import { createSharedWork } from './shared-work';
import { abortableSleep } from './x-http';

export interface GuestTokenStoreConfig {
  keyPrefix: string;
  ttlSeconds: number;
  /** How long a process trusts its in-memory copy before re-reading Redis. */
  memoryTtlMs?: number;
  lockTtlMs?: number;
  /** How long a process waits for another process's activation. */
  waitTimeoutMs?: number;
  pollIntervalMs?: number;
}


/** Only the tail of a token goes to logs. */
export const tokenTail = (token: string): string => `…${token.slice(-4)}`;

export function createGuestTokenStore(deps: {
  redis: RedisCommands;
  logger: Logger;
  /** Performs POST /1.1/guest/activate.json; throws UpstreamFailure, or the signal's reason once aborted. */
  activate: (signal: AbortSignal) => Promise<string>;
  config: GuestTokenStoreConfig;
  clock?: Clock;
}) {
  const { redis, logger, activate, config } = deps;
  const clock = deps.clock ?? systemClock;
  const key = `${config.keyPrefix}x:{guest-token}`;
  const lockKey = `${key}:lock`;
  const memoryTtlMs = config.memoryTtlMs ?? 30_000;
  const lockTtlMs = config.lockTtlMs ?? 10_000;
  const waitTimeoutMs = config.waitTimeoutMs ?? lockTtlMs;
  const pollIntervalMs = config.pollIntervalMs ?? 25;

  let memory: { token: string; expiresAt: number } | undefined;
  // One activation per process at a time; it is cancelled when every waiting extraction has gone.
  const activation = createSharedWork<string>();

  function remember(token: string): string {
    const ttlMs = Math.min(memoryTtlMs, config.ttlSeconds * 1000);
    memory = { token, expiresAt: clock.now() + ttlMs };
    return token;
  }

  async function activateLocally(signal: AbortSignal): Promise<string> {
    const token = await activate(signal);
    logger.info({ token: tokenTail(token) }, 'guest token activated (process-local, Redis unavailable)');
    return remember(token);
  }

  async function activateUnderLock(lockValue: string, signal: AbortSignal): Promise<string> {
    try {
      // Another process may have finished between our GET and our lock.
      const existing = await redis.get(key);
      if (existing) return remember(existing);
      const token = await activate(signal);
      await redis.set(key, token, 'EX', config.ttlSeconds);
      logger.info({ token: tokenTail(token), ttlSeconds: config.ttlSeconds }, 'guest token activated');
      return remember(token);
    } finally {
      await redis.eval(COMPARE_AND_DELETE_LUA, 1, lockKey, lockValue).catch((err: unknown) => {
        logger.warn({ err }, 'could not release guest-token lock (it expires on its own)');
      });
    }
  }

  async function load(signal: AbortSignal): Promise<string> {
    try {
      return await loadShared(signal);
    } catch (err: unknown) {
      if (err instanceof UpstreamFailure || signal.aborted) throw err;
      logger.warn({ err }, 'Redis unavailable for guest tokens; activating a process-local token');
      return activateLocally(signal);
    }
  }

  async function loadShared(signal: AbortSignal): Promise<string> {
    let current = await redis.get(key);
    if (current) return remember(current);

    const lockValue = randomUUID();
    const deadline = clock.now() + waitTimeoutMs;
    for (;;) {
      const locked = await redis.set(lockKey, lockValue, 'PX', lockTtlMs, 'NX');
      if (locked === 'OK') return activateUnderLock(lockValue, signal);
      await abortableSleep(pollIntervalMs, signal);
      current = await redis.get(key);
      if (current) return remember(current);
      if (clock.now() > deadline) {
        throw new UpstreamFailure('unavailable', 'timed out waiting for another process to activate a guest token');
      }
    }
  }

  return {
    /** The current shared guest token, activating one if there is none; `signal` stops waiting. */
    async get(signal?: AbortSignal): Promise<string> {
      if (memory && memory.expiresAt > clock.now()) return memory.token;
      return activation.run('token', load, signal);
    },

    /** Stop using `token` (403/429/low remaining); later get() calls obtain a fresh one. */
    async retire(token: string, reason: string): Promise<void> {
      if (memory?.token === token) memory = undefined;
      try {
        const deleted = await redis.eval(COMPARE_AND_DELETE_LUA, 1, key, token);
        logger.info({ token: tokenTail(token), reason, deletedShared: deleted === 1 }, 'guest token retired');
      } catch (err: unknown) {
        logger.warn({ err, reason }, 'Redis unavailable while retiring guest token');
      }
    },
  };
}

export type GuestTokenStore = ReturnType<typeof createGuestTokenStore>;
