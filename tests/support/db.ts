import { randomBytes } from 'node:crypto';
import pg from 'pg';

import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } from './services';

/**
 * Server-level URL used to create/drop the per-file test databases. Read at call time: global
 * setup may point DATABASE_URL at a throwaway server after this module is loaded.
 */
const adminUrl = () => process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
/** The run's Redis (test files load after global setup, so this is the final value). */
export const REDIS_URL = process.env.REDIS_URL || DEFAULT_REDIS_URL;

export function urlForDatabase(name: string): string {
  const u = new URL(adminUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
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
