/**
 * Runs jest's global setup and teardown outside jest, for tests/prod/test-services.test.ts:
 * prints one JSON line with the URLs setup chose (and whether they answered), then tears down.
 * Run with tsx; the environment decides (DATABASE_URL, REDIS_URL, TWDOWN_TEST_SERVER_BIN_PATH).
 */
import pg from 'pg';
import globalSetup from './global-setup';
import globalTeardown from './global-teardown';

async function main(): Promise<void> {
  await globalSetup();
  const databaseUrl = process.env.DATABASE_URL ?? '';
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const template = process.env.TWDOWN_TEST_TEMPLATE_DB ?? '';
  const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
  await client.end();
  process.stdout.write(`${JSON.stringify({ databaseUrl, redisUrl: process.env.REDIS_URL, templateExists: found.rowCount === 1, state: process.env.TWDOWN_TEST_THROWAWAY })}\n`);
  await globalTeardown();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
