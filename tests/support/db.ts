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

/**
 * A fresh database per test file, cloned from the template that global setup migrated.
 *
 * Mutation runs (tests/mutation/global-setup.ts) start jest once per mutant, so each test file's
 * CREATE DATABASE (~0.4 s) and DROP DATABASE (~1 s) would be paid again for every mutant. There
 * the setup keeps spare clones made ahead of time (TWDOWN_TEST_DB_SPARES), a file claims one by
 * renaming it (atomic: a spare another file took is no longer there), and the drop is left to the
 * setup's background work (TWDOWN_TEST_DB_DEFER_DROP). A normal `npm test` sets neither.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = process.env.TWDOWN_TEST_TEMPLATE_DB;
  if (!template) throw new Error('TWDOWN_TEST_TEMPLATE_DB is not set: run the tests through jest (global-setup.ts)');
  const name = `${process.env.TWDOWN_TEST_DB_PREFIX ?? 'twdown_t_'}${randomBytes(6).toString('hex')}`;
  const spares = (process.env.TWDOWN_TEST_DB_SPARES ?? '').split(',').filter(Boolean);
  await withAdmin(async (c) => {
    for (const spare of spares) {
      try {
        await c.query(`ALTER DATABASE ${spare} RENAME TO ${name}`);
        return;
      } catch {
        // taken by another test file (or still being created): try the next
      }
    }
    await c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  });
  const deferDrop = process.env.TWDOWN_TEST_DB_DEFER_DROP === '1';
  return {
    name,
    url: urlForDatabase(name),
    drop: deferDrop
      ? () => Promise.resolve()
      : () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
