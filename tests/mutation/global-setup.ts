import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { urlForDatabase, withAdmin } from '../support/db';
import { ensureServices } from '../support/services';

/**
 * Global setup for mutation runs. Stryker's jest runner calls jest once per mutant inside a
 * long-lived worker process, and jest runs global setup each time: the normal setup would run
 * `prisma migrate deploy` for every mutant (seconds each). Here the worker migrates one template
 * database the first time and reuses it (the name stays in the worker's environment); templates
 * are named after the Stryker run (TWDOWN_MUTATION_RUN, set by stryker.config.mjs), which drops
 * them all when it exits.
 */
export default async function globalSetup(): Promise<void> {
  await ensureServices();
  if (process.env.TWDOWN_TEST_TEMPLATE_DB) return;
  const run = process.env.TWDOWN_MUTATION_RUN ?? 'adhoc';
  const template = `twdown_tpl_mut_${run}_${randomBytes(3).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${template}`));
  const root = path.resolve(__dirname, '../..');
  execFileSync(path.join(root, 'node_modules/.bin/prisma'), ['migrate', 'deploy'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: urlForDatabase(template) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  process.env.TWDOWN_TEST_TEMPLATE_DB = template;
}
