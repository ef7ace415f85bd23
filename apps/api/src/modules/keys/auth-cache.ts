import type { Logger } from '../../lib/logger/logger';
import { duplicateForSubscriber, type Redis } from '../../lib/redis/redis';
import { systemClock } from '../../lib/time/clock';

/** What a valid API key resolves to. */
export interface KeyPrincipal {
  keyId: string;
  userId: string;
  premium: boolean;
  /** rotation grace end; the key stops working after it */
  expiresAt: number | null;
}

interface Entry {
  principal: KeyPrincipal;
  storedAt: number;
}

const MAX_UNKNOWN = 10_000;

const CHANNEL = 'twdown:auth:invalidate';

/**
 * In-process cache of key hash → principal, so the API does not query PostgreSQL on every
 * request. Any change to a key or an account's premium status is pushed to every process
 * over Redis pub/sub (and applied locally at once); the TTL bounds staleness if a message is
 * ever lost (e.g. while Redis is down).
 */
export function createAuthCache(deps: {
  ttlMs: number;
  /**
   * While the invalidation channel is down (Redis unreachable or silent), entries older than this
   * are re-read from PostgreSQL: a change made on another process then reaches this one within
   * this bound instead of the full TTL. Defaults to ttlMs (no cap).
   */
  outageTtlMs?: number;
  /** How often the subscriber connection checks that Redis still answers, ms. */
  heartbeatMs?: number;
  redis: Redis | null;
  logger: Logger;
  now?: () => number;
}) {
  const now = deps.now ?? (() => systemClock.now());
  const entries = new Map<string, Entry>();
  const unknown = new Map<string, number>(); // hash → when it was found not to exist
  let subscriber: Redis | null = null;
  let heartbeat: NodeJS.Timeout | undefined;
  // With Redis configured, the channel counts as down until the first subscription succeeds.
  let channelUp = !deps.redis;
  const outageTtlMs = Math.min(deps.outageTtlMs ?? deps.ttlMs, deps.ttlMs);
  const ttl = () => (channelUp ? deps.ttlMs : outageTtlMs);
  const pending = new Set<Promise<unknown>>();
  // Bumped by every invalidation: a database read that started before an invalidation must not
  // put its (now stale) answer in the cache.
  let generation = 0;

  function applyInvalidation(message: string): void {
    generation++;
    const [kind, id] = message.split(':', 2);
    if (kind === 'all') {
      entries.clear();
      unknown.clear();
    }
    if (kind === 'key' && id) {
      entries.delete(id);
      unknown.delete(id);
    }
    if (kind === 'user') {
      for (const [hash, entry] of entries) if (entry.principal.userId === id) entries.delete(hash);
    }
  }

  function publish(message: string): void {
    applyInvalidation(message);
    if (!deps.redis) return;
    const sent = deps.redis
      .publish(CHANNEL, message)
      .catch((err: unknown) => {
        deps.logger.warn({ err: String(err) }, 'auth invalidation not published; other processes catch up after the cache TTL');
      })
      .finally(() => pending.delete(sent));
    pending.add(sent);
  }

  return {
    get(hash: string): KeyPrincipal | null | undefined {
      const missAt = unknown.get(hash);
      if (missAt !== undefined) {
        if (now() - missAt <= ttl()) return null;
        unknown.delete(hash);
      }
      const entry = entries.get(hash);
      if (!entry) return undefined;
      if (now() - entry.storedAt > ttl()) {
        entries.delete(hash);
        return undefined;
      }
      return entry.principal;
    },
    /** Read before looking a key up; pass to set() so a lookup raced by a change is not cached. */
    generation(): number {
      return generation;
    },
    set(hash: string, principal: KeyPrincipal | null, readAtGeneration: number): void {
      if (deps.ttlMs <= 0 || readAtGeneration !== generation) return;
      if (principal) {
        entries.set(hash, { principal, storedAt: now() });
        return;
      }
      // Unknown keys live in their own bounded map (oldest evicted first), so a flood of made-up
      // keys can neither grow memory nor push real keys out of the cache.
      if (unknown.size >= MAX_UNKNOWN) {
        const oldest = unknown.keys().next();
        if (!oldest.done) unknown.delete(oldest.value);
      }
      unknown.set(hash, now());
    },
    /** A key was created, revoked, rotated or deleted. */
    keyChanged(hash: string): void {
      publish(`key:${hash}`);
    },
    /** An account's premium status changed. */
    userChanged(userId: string): void {
      publish(`user:${userId}`);
    },
    async listen(): Promise<void> {
      if (!deps.redis || subscriber) return;
      // Plain PUBLISH/SUBSCRIBE, also in a Redis Cluster: there a PUBLISH reaches subscribers on
      // every node (over the cluster bus). Sharded SPUBLISH would save that fan-out, but
      // invalidations are rare (key and plan changes), so one channel everywhere is simpler.
      const sub = duplicateForSubscriber(deps.redis);
      subscriber = sub;
      sub.on('error', () => undefined); // the main connection already logs Redis errors
      sub.on('message', (_channel: string, message: string) => applyInvalidation(message));
      const down = () => {
        if (channelUp) deps.logger.warn('auth invalidation channel down: cached keys are re-checked after the outage TTL');
        channelUp = false;
      };
      sub.on('close', down);
      sub.on('end', down);
      // (Re)subscribe on every ready connection: ioredis re-subscribes by itself only to channels
      // it once subscribed, so a Redis that was down at start-up would otherwise never be. We may
      // have missed messages while down: drop everything once the subscription is back.
      let resolveFirst: () => void = () => undefined;
      const first = new Promise<void>((resolve) => (resolveFirst = resolve));
      sub.on('ready', () => {
        sub.subscribe(CHANNEL).then(
          () => {
            channelUp = true;
            applyInvalidation('all:');
            resolveFirst();
          },
          (err: unknown) => deps.logger.warn({ err: String(err) }, 'auth invalidation channel not subscribed'),
        );
      });
      // A silent Redis closes no socket: a PING that gets no answer within the command deadline
      // does (the command deadline drops the connection), which marks the channel down.
      heartbeat = setInterval(() => {
        if (sub.status === 'ready') sub.ping().catch(() => undefined);
      }, deps.heartbeatMs ?? 1000);
      heartbeat.unref();
      // Do not hold start-up hostage to Redis: give up waiting after 2 s (it still subscribes later).
      await Promise.race([first, new Promise((r) => setTimeout(r, 2000).unref())]);
    },
    /** Resolves once every invalidation published so far has left (short-lived processes: the CLI). */
    async drain(): Promise<void> {
      await Promise.all([...pending]);
    },
    async close(): Promise<void> {
      await Promise.all([...pending]);
      clearInterval(heartbeat);
      if (subscriber) {
        subscriber.disconnect();
        subscriber = null;
      }
    },
  };
}

export type AuthCache = ReturnType<typeof createAuthCache>;
