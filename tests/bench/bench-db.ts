import { randomBytes } from 'node:crypto';
import { migrateDatabase } from '../../apps/api/src/lib/db/migrate';
import { urlForDatabase, withAdmin } from '../support/db';

/** A throwaway, migrated database for one benchmark run. */
export async function createBenchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `twdown_bench_${randomBytes(5).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = urlForDatabase(name);
  await migrateDatabase(url);
  return { url, drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined) };
}
