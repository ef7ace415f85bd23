import { readFileSync } from 'node:fs';
import path from 'node:path';
import { envSchema, loadEnv, ConfigError } from '../../apps/api/src/lib/config/env';

const example = readFileSync(path.resolve(__dirname, '../../.env.example'), 'utf8');

describe('.env.example', () => {
  it('lists every variable the config module reads, each with a comment above it', () => {
    const lines = example.split('\n');
    for (const name of Object.keys(envSchema.shape)) {
      const i = lines.findIndex((l) => l.startsWith(`${name}=`));
      expect({ name, listed: i >= 0 }).toEqual({ name, listed: true });
      // a comment within the 4 lines above (grouped variables share one)
      expect(lines.slice(Math.max(0, i - 4), i).some((l) => l.startsWith('#'))).toBe(true);
    }
  });

  it('lists nothing the config module does not read', () => {
    const listed = example.split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split('=')[0]);
    expect(listed.filter((n) => !(n in envSchema.shape))).toEqual([]);
  });

  it('parses as a valid configuration as it stands', () => {
    const values = Object.fromEntries(example.split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split(/=(.*)/s).slice(0, 2)));
    expect(() => loadEnv(values)).not.toThrow();
  });
});

describe('loadEnv', () => {
  it('when values are bad, then it reports every one, naming the variable', () => {
    let error: unknown;
    try {
      loadEnv({ PORT: 'eighty', REDIS_URL: 'not a url', RATE_LIMIT_PER_MINUTE: '-1' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/REDIS_URL/);
    expect(message).toMatch(/RATE_LIMIT_PER_MINUTE/);
  });
});
