import { COMPARE_AND_DELETE_LUA, type KvStore } from './kv-store';
import { systemClock } from '../time/clock';

interface Entry {
  value: string;
  expiresAt: number;
}

export interface MemoryStoreOptions {
  /** Entries kept at most; the oldest are dropped first (it holds a cache, so losing one is a miss). */
  maxEntries?: number;
  now?: () => number;
}

/**
 * A per-process stand-in for Redis in the embedded quick start (no REDIS_URL): the commands of
 * KvStore with Redis's semantics (TTLs, SET NX, the one Lua script the code runs). Every entry
 * has a TTL, because every SET the code sends has one.
 */
export function createMemoryStore(opts: MemoryStoreOptions = {}): KvStore & { readonly size: number } {
  const maxEntries = opts.maxEntries ?? 10_000;
  const now = opts.now ?? (() => systemClock.now());
  const entries = new Map<string, Entry>();

  const read = (key: string): string | null => {
    const entry = entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return null;
    }
    return entry.value;
  };

  const write = (key: string, value: string, ttlMs: number) => {
    entries.delete(key); // re-insert: Map order is the eviction order
    entries.set(key, { value, expiresAt: now() + ttlMs });
    if (entries.size <= maxEntries) return;
    const t = now();
    for (const [k, e] of entries) if (e.expiresAt <= t) entries.delete(k);
    for (const k of entries.keys()) {
      if (entries.size <= maxEntries) break;
      entries.delete(k);
    }
  };

  function set(key: string, value: string, mode: 'EX', seconds: number): Promise<'OK' | null>;
  function set(key: string, value: string, mode: 'PX', milliseconds: number, condition: 'NX'): Promise<'OK' | null>;
  function set(key: string, value: string, mode: 'EX' | 'PX', amount: number, condition?: 'NX'): Promise<'OK' | null> {
    if (!Number.isInteger(amount) || amount <= 0) return Promise.reject(new Error('ERR invalid expire time in set'));
    if (condition === 'NX' && read(key) !== null) return Promise.resolve(null);
    write(key, value, mode === 'EX' ? amount * 1000 : amount);
    return Promise.resolve('OK');
  }

  return {
    get: (key) => Promise.resolve(read(key)),
    set,
    eval(script, numKeys, ...keysAndArgs) {
      if (script !== COMPARE_AND_DELETE_LUA || numKeys !== 1 || keysAndArgs.length !== 2) {
        return Promise.reject(new Error('memory store: only the compare-and-delete script is supported'));
      }
      const [key = '', expected] = keysAndArgs;
      if (read(key) !== expected) return Promise.resolve(0);
      entries.delete(key);
      return Promise.resolve(1);
    },
    get size() {
      return entries.size;
    },
  };
}
