/**
 * statusId → ParsedTweet, with a Redis cache in front of the X client:
 * - successes are cached for cacheTtlSeconds; content answers (not found, protected, suspended,
 *   age-restricted, no video) for negativeCacheTtlSeconds, so a hammered dead link stays off X;
 *   upstream failures (502/503) are never cached;
 * - concurrent calls for one uncached post share a single upstream call within the process, which
 *   is cancelled (every X call of it stops) once no caller waits any more (shared-work.ts);
 * - a small in-process layer (at most MEMORY_MAX_ENTRIES posts, at most MEMORY_TTL_MS) in front
 *   of Redis keeps hot posts off the network and out of JSON.parse on the hot path;
 * - if Redis is unreachable the cache is skipped (warn) and requests are still served.
 */
import { AppError } from '../../lib/errors/app-error';
import { isContentReason, type ParseOutcome, type ParsedTweet, type UnavailableReason } from './twitter.types';
import type { XClient } from './x-client/x-client';
import type { Logger } from './x-client/x-client.types';
import { createSharedWork } from './x-client/shared-work';
import type { KvStore } from '../../lib/kv/kv-store';
import { withTimeout } from '../../lib/time/clock';

type Cached = { ok: true; tweet: ParsedTweet } | { ok: false; reason: UnavailableReason };

const MEMORY_TTL_MS = 30_000;
const MEMORY_MAX_ENTRIES = 2_000;

function decode(raw: string): Cached | undefined {
  try {
    const v = JSON.parse(raw) as Partial<Cached> | null;
    if (v?.ok === true && typeof v.tweet === 'object' && v.tweet !== null) return v as Cached;
    if (v?.ok === false && typeof v.reason === 'string') return v as Cached;
  } catch {
    // fall through: treat as a miss
  }
  return undefined;
}

export function createExtractionService(deps: {
  xClient: Pick<XClient, 'fetchTweet'>;
  redis: Pick<KvStore, 'get' | 'set'>;
  logger: Logger;
  keyPrefix: string;
  cacheTtlSeconds?: number;
  negativeCacheTtlSeconds?: number;
  /** A Redis call slower than this is treated as Redis being down (default 250 ms). */
  redisTimeoutMs?: number;
}) {
  const { xClient, redis, logger, keyPrefix } = deps;
  const ttl = deps.cacheTtlSeconds ?? 300;
  const negativeTtl = deps.negativeCacheTtlSeconds ?? 60;
  const redisTimeoutMs = deps.redisTimeoutMs ?? 250;
  const inFlight = createSharedWork<Cached>();
  // {statusId} is a Redis Cluster hash tag: every key of one post lands in one slot
  const keyOf = (statusId: string) => `${keyPrefix}tweet:{${statusId}}`;
  const memory = new Map<string, { value: Cached; expiresAt: number }>();

  function remember(statusId: string, value: Cached, seconds: number): void {
    if (memory.size >= MEMORY_MAX_ENTRIES) {
      // Map keeps insertion order: drop the oldest entry
      const oldest = memory.keys().next();
      if (!oldest.done) memory.delete(oldest.value);
    }
    memory.set(statusId, { value, expiresAt: Date.now() + Math.min(seconds * 1000, MEMORY_TTL_MS) });
  }

  function recall(statusId: string): Cached | undefined {
    const entry = memory.get(statusId);
    if (!entry) return undefined;
    if (entry.expiresAt > Date.now()) return entry.value;
    memory.delete(statusId);
    return undefined;
  }

  async function readCache(statusId: string, requestId?: string): Promise<Cached | undefined> {
    try {
      const raw = await withTimeout(redis.get(keyOf(statusId)), redisTimeoutMs, `Redis did not answer within ${redisTimeoutMs} ms`);
      return raw === null ? undefined : decode(raw);
    } catch (err: unknown) {
      logger.warn({ err, requestId, statusId }, 'tweet cache read failed; serving without cache');
      return undefined;
    }
  }

  async function writeCache(statusId: string, value: Cached, seconds: number, requestId?: string): Promise<void> {
    try {
      await withTimeout(redis.set(keyOf(statusId), JSON.stringify(value), 'EX', seconds), redisTimeoutMs, `Redis did not answer within ${redisTimeoutMs} ms`);
    } catch (err: unknown) {
      logger.warn({ err, requestId, statusId }, 'tweet cache write failed');
    }
  }

  async function load(statusId: string, requestId: string | undefined, signal: AbortSignal): Promise<Cached> {
    const hit = await readCache(statusId, requestId);
    if (hit) {
      remember(statusId, hit, hit.ok ? ttl : negativeTtl);
      return hit;
    }
    const outcome: ParseOutcome = await xClient.fetchTweet(statusId, { requestId, signal });
    if (outcome.ok) {
      await writeCache(statusId, outcome, ttl, requestId);
      remember(statusId, outcome, ttl);
      return outcome;
    }
    const value: Cached = { ok: false, reason: outcome.reason };
    if (isContentReason(outcome.reason)) {
      await writeCache(statusId, value, negativeTtl, requestId);
      remember(statusId, value, negativeTtl);
    }
    return value;
  }

  return {
    /**
     * The parsed post when this process holds it (no I/O, nothing to wait for), else undefined:
     * the hot path answers a repeat without an abort controller, listeners or an await.
     */
    cached(statusId: string): ParsedTweet | undefined {
      const known = recall(statusId);
      return known?.ok ? known.tweet : undefined;
    },
    /** The parsed post, or an AppError named after the content reason / upstream failure. */
    /** `signal`: this caller stops waiting (client gone); the shared X call stops when no caller is left. */
    async extract(statusId: string, opts: { requestId?: string; signal?: AbortSignal } = {}): Promise<ParsedTweet> {
      const known = recall(statusId);
      if (known) {
        if (!known.ok) throw new AppError(known.reason);
        return known.tweet;
      }
      const result = await inFlight.run(statusId, (signal) => load(statusId, opts.requestId, signal), opts.signal);
      if (!result.ok) throw new AppError(result.reason);
      return result.tweet;
    },
  };
}

export type ExtractionService = ReturnType<typeof createExtractionService>;
