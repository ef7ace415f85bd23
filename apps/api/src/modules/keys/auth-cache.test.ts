import { createLogger } from '../../lib/logger/logger';
import { createAuthCache, type KeyPrincipal } from './auth-cache';

const logger = createLogger({ level: 'silent' });
const principal = (userId: string): KeyPrincipal => ({ keyId: `k-${userId}`, userId, premium: true, expiresAt: null });

describe('auth cache', () => {
  it('when a key changes while its lookup is in flight, then the stale answer is not cached', () => {
    const cache = createAuthCache({ ttlMs: 60_000, redis: null, logger });
    const before = cache.generation(); // the lookup starts
    cache.keyChanged('hash-a'); // a revoke commits meanwhile
    cache.set('hash-a', principal('u1'), before); // the lookup returns the pre-revoke row
    expect(cache.get('hash-a')).toBeUndefined(); // so the next request reads the database again
  });

  it('when nothing changed during the lookup, then the answer is cached until its TTL', () => {
    let t = 0;
    const cache = createAuthCache({ ttlMs: 1000, redis: null, logger, now: () => t });
    cache.set('hash-b', principal('u2'), cache.generation());
    expect(cache.get('hash-b')?.userId).toBe('u2');
    t = 1001;
    expect(cache.get('hash-b')).toBeUndefined();
  });

  it('when an account changes, then only that account’s keys are dropped', () => {
    const cache = createAuthCache({ ttlMs: 60_000, redis: null, logger });
    cache.set('h1', principal('u1'), cache.generation());
    cache.set('h2', principal('u2'), cache.generation());
    cache.userChanged('u1');
    expect(cache.get('h1')).toBeUndefined();
    expect(cache.get('h2')?.userId).toBe('u2');
  });

  it('when made-up keys flood in, then real keys stay cached and unknown ones stay bounded', () => {
    const cache = createAuthCache({ ttlMs: 60_000, redis: null, logger });
    cache.set('real', principal('u3'), cache.generation());
    for (let i = 0; i < 20_000; i++) cache.set(`fake-${i}`, null, cache.generation());
    expect(cache.get('real')?.userId).toBe('u3');
    expect(cache.get('fake-19999')).toBeNull(); // recent misses are remembered
    expect(cache.get('fake-0')).toBeUndefined(); // the oldest were evicted (bounded)
  });

  it('when a key is created for a hash that was cached as unknown, then the miss is forgotten', () => {
    const cache = createAuthCache({ ttlMs: 60_000, redis: null, logger });
    cache.set('new', null, cache.generation());
    expect(cache.get('new')).toBeNull();
    cache.keyChanged('new');
    expect(cache.get('new')).toBeUndefined();
  });

  it('when an entry or a miss is exactly as old as the TTL, then it still counts; 1 ms later it does not', () => {
    let t = 0;
    const cache = createAuthCache({ ttlMs: 1000, redis: null, logger, now: () => t });
    cache.set('hit', principal('u4'), cache.generation());
    cache.set('miss', null, cache.generation());
    t = 1000;
    expect(cache.get('hit')?.userId).toBe('u4');
    expect(cache.get('miss')).toBeNull();
    t = 1001;
    expect(cache.get('hit')).toBeUndefined();
    expect(cache.get('miss')).toBeUndefined();
  });

  it('when up to 10 000 made-up keys were seen, then all are remembered; the 10 001st pushes out the oldest', () => {
    const cache = createAuthCache({ ttlMs: 60_000, redis: null, logger });
    for (let i = 0; i < 10_000; i++) cache.set(`fake-${i}`, null, cache.generation());
    expect(cache.get('fake-0')).toBeNull();
    expect(cache.get('fake-1')).toBeNull();
    cache.set('fake-10000', null, cache.generation());
    expect(cache.get('fake-0')).toBeUndefined();
    expect(cache.get('fake-1')).toBeNull();
    expect(cache.get('fake-10000')).toBeNull();
  });

  it('when listen() is called without Redis, then it is a no-op', async () => {
    await expect(createAuthCache({ ttlMs: 1000, redis: null, logger }).listen()).resolves.toBeUndefined();
  });
});
