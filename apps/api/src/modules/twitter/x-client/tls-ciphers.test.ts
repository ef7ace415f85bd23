import tls from 'node:tls';
import { shuffleCipherList, startCipherShuffling } from './tls-ciphers';

describe('TLS cipher shuffling', () => {
  const original = tls.DEFAULT_CIPHERS;

  it('reorders only the first 8 suites and keeps every suite', () => {
    const entries = original.split(':');
    let seed = 1;
    const shuffled = shuffleCipherList(original, () => ((seed = (seed * 16807) % 2147483647) / 2147483647)).split(':');
    expect(shuffled.slice(8)).toEqual(entries.slice(8));
    expect([...shuffled.slice(0, 8)].sort()).toEqual([...entries.slice(0, 8)].sort());
    expect(shuffled.slice(0, 8)).not.toEqual(entries.slice(0, 8));
    expect(() => tls.createSecureContext({ ciphers: shuffled.join(':') })).not.toThrow();
  });

  it('when started by two users, then it shuffles until the last one stops and restores the default', () => {
    const a = startCipherShuffling();
    const b = startCipherShuffling();
    expect(tls.DEFAULT_CIPHERS.split(':').sort()).toEqual(original.split(':').sort());
    a.stop();
    a.stop();
    expect(() => tls.createSecureContext({})).not.toThrow();
    b.stop();
    expect(tls.DEFAULT_CIPHERS).toBe(original);
  });
});
