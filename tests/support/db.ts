import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Server-level URL used to create/drop the per-file test databases. */
export const ADMIN_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function urlForDatabase(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database per test file, cloned from the template that global setup migrated. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = process.env.TWDOWN_TEST_TEMPLATE_DB;
  if (!template) throw new Error('TWDOWN_TEST_TEMPLATE_DB is not set: run the tests through jest (global-setup.ts)');
  const name = `twdown_t_${randomBytes(6).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  return {
    name,
    url: urlForDatabase(name),
    drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
