import { createHash } from 'node:crypto';
import { displayPrefix, generateApiKey, hashApiKey, looksLikeApiKey } from './key-format';

/**
 * The key format from docs/api.md and docs/security.md, stated independently: `sk-` followed by
 * 43 characters of [A-Za-z0-9] (≥ 128 bits of randomness), stored as the SHA-256 hex of the
 * whole key, shown as its first 11 characters.
 */
const SHAPE = /^sk-[A-Za-z0-9]{43}$/;

describe('API key format', () => {
  it('when keys are generated, then each is sk- + 43 base62 characters and no two are alike', () => {
    const keys = Array.from({ length: 2000 }, () => generateApiKey());
    for (const k of keys) expect(k).toMatch(SHAPE);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('when many keys are generated, then every base62 character occurs, evenly (no modulo bias)', () => {
    const counts = new Map<string, number>();
    const n = 4000;
    for (let i = 0; i < n; i++) for (const ch of generateApiKey().slice(3)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    expect([...counts.keys()].sort().join('')).toBe([...alphabet].sort().join(''));
    // 172 000 characters, 2774 expected each: a biased generator (byte % 62 without rejection)
    // gives the first 8 characters 5/4 of the others' share; ±10 % is > 10 standard deviations
    const expected = (n * 43) / 62;
    for (const [ch, c] of counts) {
      if (Math.abs(c - expected) > expected * 0.1) throw new Error(`character ${ch} occurs ${c} times, expected about ${expected}`);
    }
  });

  it.each([
    ['a generated key', 'sk-' + 'a'.repeat(43), true],
    ['digits and capitals', 'sk-' + 'Z9'.repeat(21) + 'Q', true],
    ['42 characters', 'sk-' + 'a'.repeat(42), false],
    ['44 characters', 'sk-' + 'a'.repeat(44), false],
    ['another prefix', 'pk-' + 'a'.repeat(43), false],
    ['no prefix', 'a'.repeat(46), false],
    ['an underscore', 'sk-' + 'a'.repeat(42) + '_', false],
    ['a dash inside', 'sk-' + 'a'.repeat(21) + '-' + 'a'.repeat(21), false],
    ['a trailing newline', 'sk-' + 'a'.repeat(43) + '\n', false],
    ['a leading space', ' sk-' + 'a'.repeat(43), false],
    ['an upper-case prefix', 'SK-' + 'a'.repeat(43), false],
    ['empty', '', false],
  ])('when the value is %s, then looksLikeApiKey is %s', (_name, value, ok) => {
    expect(looksLikeApiKey(value)).toBe(ok);
  });

  it('when a key is hashed, then the stored form is the SHA-256 hex of the whole key', () => {
    const key = 'sk-' + 'b'.repeat(43);
    expect(hashApiKey(key)).toBe(createHash('sha256').update(key).digest('hex'));
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key)).not.toContain('bbbb');
  });

  it('when a key is displayed, then only sk- and its first 8 characters are shown', () => {
    expect(displayPrefix('sk-ABCDEFGHijklmnop')).toBe('sk-ABCDEFGH');
  });
});
