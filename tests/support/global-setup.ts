import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { urlForDatabase, withAdmin } from './db';
import { CLUSTER_NODES_VAR, startRedisCluster, type LocalCluster } from './redis';

declare global {
  // shared with global-teardown.ts (jest runs both in the same context)
  var twdownTestCluster: LocalCluster | undefined;
}
import { ensureServices, stopServices } from './services';
import { recordedAbsentLine, recordedAvailable } from '../../apps/x-sim/src/recorded-fixtures';

/**
 * Once per run: a template database migrated with Prisma's own `migrate deploy` (the same
 * command users run). Every test file clones it, so no test depends on another's leftovers.
 * The template is private to this run (several runs may share one PostgreSQL server) and is
 * dropped by global-teardown.ts.
 * With TEST_REDIS_MODE=cluster (`npm run test:cluster`) it also starts a throwaway local Redis
 * Cluster (3 masters on free loopback ports) that the tests use instead of the single Redis.
 */
export default async function globalSetup(): Promise<void> {
  // PostgreSQL/Redis unreachable: throwaway servers if installed, else one clear message
  await ensureServices();
  const cluster = process.env.TEST_REDIS_MODE === 'cluster' ? startRedisCluster(3) : undefined;
  try {
    const template = `twdown_tpl_${randomBytes(5).toString('hex')}`;
    await withAdmin((c) => c.query(`CREATE DATABASE ${template}`));
    const root = path.resolve(__dirname, '../..');
    execFileSync(path.join(root, 'node_modules/.bin/prisma'), ['migrate', 'deploy'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: urlForDatabase(template) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    process.env.TWDOWN_TEST_TEMPLATE_DB = template;
    // The one line that says recorded-fixture suites were skipped (they show as skipped, not passed).
    if (!recordedAvailable()) console.log(`\n${recordedAbsentLine()}`);
    if (cluster) {
      const started = await cluster;
      globalThis.twdownTestCluster = started;
      process.env[CLUSTER_NODES_VAR] = started.nodes;
      process.stdout.write(`\nRedis Cluster for this run: ${started.nodes}\n`);
    }
  } catch (err) {
    stopServices(); // jest skips global teardown when setup fails
    throw err;
  }
}
