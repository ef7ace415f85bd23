import { randomUUID } from 'node:crypto';
import type { Logger } from '../../lib/logger/logger';
import type { Redis } from '../../lib/redis/redis';

export interface WorkerTicket {
  /** Resolves when a worker is free for this job (at once when one already is). */
  ready: Promise<void>;
  /** Gives the worker back (or leaves the queue). Safe to call more than once. */
  release(): void;
}

/**
 * Per-process worker limit with a short FIFO queue. A job that finds every worker busy and the
 * queue full is refused at once (the route answers 503 + Retry-After) instead of piling up.
 */
export function createWorkerPool(opts: { concurrency: number; queueSize: number }) {
  let running = 0;
  const waiting: Array<() => void> = [];

  return {
    stats: () => ({ running, queued: waiting.length, concurrency: opts.concurrency, queueSize: opts.queueSize }),
    tryAcquire(): WorkerTicket | null {
      let granted = false;
      let done = false;
      let grant: () => void = () => undefined;
      const ready = new Promise<void>((resolve) => {
        grant = () => {
          granted = true;
          resolve();
        };
      });
      if (running < opts.concurrency) {
        running += 1;
        grant();
      } else if (waiting.length < opts.queueSize) {
        waiting.push(grant);
      } else {
        return null;
      }
      return {
        ready,
        release() {
          if (done) return;
          done = true;
          if (!granted) {
            const at = waiting.indexOf(grant);
            if (at !== -1) waiting.splice(at, 1);
            return;
          }
          const next = waiting.shift();
          if (next) next(); // the worker passes straight to the next job in line
          else running -= 1;
        },
      };
    },
  };
}

export type WorkerPool = ReturnType<typeof createWorkerPool>;

// Removes expired holders, then adds this one if the account is under its limit. The score is the
// holder's expiry, so a crashed instance's slot frees itself after the TTL.
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

export interface AccountSlot {
  release(): void;
}

/**
 * At most `max` conversions per account at once across every instance: a Redis sorted set of
 * holders per account, refreshed while a conversion runs (heartbeat) and expiring after `ttlMs`
 * if an instance dies. While Redis is unreachable (or absent) each process counts on its own.
 */
export function createAccountSlots(deps: { redis: Redis | null; keyPrefix: string; max: number; ttlMs?: number; logger: Logger }) {
  const ttlMs = deps.ttlMs ?? 60_000;
  const local = new Map<string, number>();
  const key = (userId: string) => `${deps.keyPrefix}:${userId}`;

  function acquireLocal(userId: string): AccountSlot | null {
    const held = local.get(userId) ?? 0;
    if (held >= deps.max) return null;
    local.set(userId, held + 1);
    let done = false;
    return {
      release() {
        if (done) return;
        done = true;
        const left = (local.get(userId) ?? 1) - 1;
        if (left <= 0) local.delete(userId);
        else local.set(userId, left);
      },
    };
  }

  async function acquire(userId: string): Promise<AccountSlot | null> {
    const redis = deps.redis;
    if (!redis) return acquireLocal(userId);
    const id = randomUUID();
    let ok: unknown;
    try {
      ok = await redis.eval(ACQUIRE, 1, key(userId), String(Date.now()), String(ttlMs), String(deps.max), id);
    } catch (err) {
      deps.logger.warn({ err: String(err) }, 'conversion slots: Redis unreachable, counting per process');
      return acquireLocal(userId);
    }
    if (ok !== 1) return null;
    const heartbeat = setInterval(() => {
      redis
        .zadd(key(userId), 'XX', Date.now() + ttlMs, id)
        .then(() => redis.pexpire(key(userId), ttlMs))
        .catch(() => undefined); // a missed beat only shortens the slot's life to its TTL
    }, Math.max(1000, Math.floor(ttlMs / 3)));
    heartbeat.unref();
    let done = false;
    return {
      release() {
        if (done) return;
        done = true;
        clearInterval(heartbeat);
        redis.zrem(key(userId), id).catch(() => undefined); // otherwise it expires with its TTL
      },
    };
  }

  return { acquire };
}

export type AccountSlots = ReturnType<typeof createAccountSlots>;
