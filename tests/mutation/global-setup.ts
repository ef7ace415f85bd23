import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { urlForDatabase, withAdmin } from '../support/db';
import { ensureServices } from '../support/services';
import { publishSpares } from './db-pool';

const root = path.resolve(__dirname, '../..');
/** pg_advisory_lock key: one template build at a time (any value unlikely to clash) */
const TEMPLATE_LOCK = 7_310_001;

/**
 * Global setup for mutation runs. Stryker's jest runner calls jest once per mutant inside a
 * long-lived worker process, and jest runs global setup each time: the normal setup would run
 * `prisma migrate deploy` for every mutant (seconds each). Here the first worker of a Stryker run
 * migrates one template database (under an advisory lock, built under a temporary name and renamed
 * when complete) and every worker reuses it, also a worker Stryker restarts after a timed-out
 * mutant (a migration costs ~10 s of CPU). The template is named after the Stryker run
 * (TWDOWN_MUTATION_RUN, set by stryker.config.mjs), which drops it when it exits; outside Stryker
 * each process makes its own. The test databases come from tests/mutation/db-pool.ts.
 */
export default async function globalSetup(): Promise<void> {
  // a new jest run: no test failed yet (the flag of tests/mutation/bail-environment.cjs)
  (globalThis as Record<symbol, unknown>)[Symbol.for('twdown.mutation.failedInThisRun')] = false;
  await ensureServices();
  if (!process.env.TWDOWN_TEST_TEMPLATE_DB) {
    const run = process.env.TWDOWN_MUTATION_RUN ?? `adhoc${randomBytes(3).toString('hex')}`;
    process.env.TWDOWN_MUTATION_RUN = run;
    const template = `twdown_tpl_mut_${run}_shared`;
    await withAdmin(async (c) => {
      await c.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
      try {
        const found = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
        if (found.rowCount === 0) {
          const building = `${template}_building`;
          await c.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`); // a worker killed mid-migration
          await c.query(`CREATE DATABASE ${building}`);
          execFileSync(path.join(root, 'node_modules/.bin/prisma'), ['migrate', 'deploy'], {
            cwd: root,
            env: { ...process.env, DATABASE_URL: urlForDatabase(building) },
            stdio: ['ignore', 'ignore', 'inherit'],
          });
          await c.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
        }
      } finally {
        await c.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
      }
    });
    process.env.TWDOWN_TEST_TEMPLATE_DB = template;
  }
  await publishSpares();
}
