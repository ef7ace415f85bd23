import { ConfigError, loadEnv } from '../../apps/api/src/lib/config/env';

const DB = 'postgresql://postgres@127.0.0.1:5432/x';

describe('MEDIA_LINK_SECRET', () => {
  it('when NODE_ENV=production with a database and no secret, then the configuration is refused naming it', () => {
    expect(() => loadEnv({ NODE_ENV: 'production', DATABASE_URL: DB })).toThrow(ConfigError);
    expect(() => loadEnv({ NODE_ENV: 'production', DATABASE_URL: DB })).toThrow(/MEDIA_LINK_SECRET/);
  });

  it('when the secret is shorter than 32 characters, then it is refused', () => {
    expect(() => loadEnv({ MEDIA_LINK_SECRET: 'short' })).toThrow(/MEDIA_LINK_SECRET/);
  });

  it('when production has a secret, or it is the embedded demo / development, then it starts', () => {
    expect(() => loadEnv({ NODE_ENV: 'production', DATABASE_URL: DB, MEDIA_LINK_SECRET: 'x'.repeat(32) })).not.toThrow();
    expect(() => loadEnv({ NODE_ENV: 'production' })).not.toThrow();
    expect(loadEnv({}).MEDIA_LINK_SECRET).toBeUndefined();
  });

  it('when CONVERT_CONCURRENCY is empty, then it defaults to a positive CPU count', () => {
    expect(loadEnv({ CONVERT_CONCURRENCY: '' }).CONVERT_CONCURRENCY).toBeGreaterThanOrEqual(1);
  });
});
