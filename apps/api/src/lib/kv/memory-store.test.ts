import { COMPARE_AND_DELETE_LUA } from './kv-store';
import { createMemoryStore } from './memory-store';

// The compare-and-delete script as Redis documents it (independent copy: the store must accept
// exactly what the guest-token code sends).
const CAD = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('in-memory key-value store (embedded mode stand-in for Redis)', () => {
  it('when a value is SET with EX, then GET returns it until the TTL passes, then null', async () => {
    const c = clock();
    const store = createMemoryStore({ now: c.now });
    expect(await store.set('a', '1', 'EX', 2)).toBe('OK');
    c.advance(1999);
    expect(await store.get('a')).toBe('1');
    c.advance(1);
    expect(await store.get('a')).toBeNull();
    expect(await store.get('never')).toBeNull();
  });

  it('when SET PX NX meets a live key, then it refuses (null); after expiry, it takes it', async () => {
    const c = clock();
    const store = createMemoryStore({ now: c.now });
    expect(await store.set('lock', 'me', 'PX', 100, 'NX')).toBe('OK');
    expect(await store.set('lock', 'you', 'PX', 100, 'NX')).toBeNull();
    expect(await store.get('lock')).toBe('me');
    c.advance(100);
    expect(await store.set('lock', 'you', 'PX', 100, 'NX')).toBe('OK');
    expect(await store.get('lock')).toBe('you');
  });

  it('when the compare-and-delete script runs, then it deletes only a key holding the given value (1/0)', async () => {
    expect(COMPARE_AND_DELETE_LUA).toBe(CAD);
    const store = createMemoryStore();
    await store.set('tok', 'abc', 'EX', 60);
    expect(await store.eval(CAD, 1, 'tok', 'other')).toBe(0);
    expect(await store.get('tok')).toBe('abc');
    expect(await store.eval(CAD, 1, 'tok', 'abc')).toBe(1);
    expect(await store.get('tok')).toBeNull();
    expect(await store.eval(CAD, 1, 'tok', 'abc')).toBe(0);
  });

  it('when asked for another script or a bad TTL, then it rejects instead of pretending', async () => {
    const store = createMemoryStore();
    await expect(store.eval("return redis.call('flushall')", 0)).rejects.toThrow(/only the compare-and-delete script/);
    await expect(store.set('a', '1', 'EX', 0)).rejects.toThrow(/invalid expire/);
    await expect(store.set('a', '1', 'EX', 1.5)).rejects.toThrow(/invalid expire/);
  });

  it('when more keys than the bound are written, then the oldest go first and the size stays bounded', async () => {
    const store = createMemoryStore({ maxEntries: 3 });
    for (const k of ['k1', 'k2', 'k3', 'k4', 'k5']) await store.set(k, k, 'EX', 60);
    expect(store.size).toBe(3);
    expect(await store.get('k1')).toBeNull();
    expect(await store.get('k2')).toBeNull();
    expect(await store.get('k5')).toBe('k5');
    // rewriting a key makes it the newest
    await store.set('k3', 'again', 'EX', 60);
    await store.set('k6', 'k6', 'EX', 60);
    expect(await store.get('k3')).toBe('again');
    expect(await store.get('k4')).toBeNull();
  });
});
