import { randomBytes } from 'node:crypto';
import { withAdmin } from '../support/db';

/**
 * Test databases for mutation runs, kept off the critical path (see createTestDatabase in
 * tests/support/db.ts). Stryker's jest runner runs jest once per mutant in a long-lived worker;
 * per test file a clone costs ~0.4 s to create and ~1 s to drop, often more than the tests the
 * mutant runs. So the worker keeps a few spare clones ready, test files claim one by renaming it,
 * and after each jest run (global teardown) the worker drops the run's databases and makes new
 * spares in the background, while the next mutant's tests already run. All names carry the
 * Stryker run id, so tests/mutation/drop-templates.cjs removes whatever is left when Stryker exits
 * (a worker killed after a timeout included).
 */
const SPARES = 4; // the most DB-using test files of one module's scope is 3 (billing)

interface PoolState {
  /** names of the clones test files made or claimed in this worker (dropped after each run) */
  usedPrefix: string;
  sparePrefix: string;
  seq: number;
  /** the background work (spares first, then drops), one link per jest run */
  background: Promise<void>;
}

const KEY = Symbol.for('twdown.mutation.dbPool');
type WithPool = typeof globalThis & { [KEY]?: PoolState };

/** This worker's pool (the outer realm's globalThis outlives each jest run). */
function pool(): PoolState {
  const g = globalThis as WithPool;
  if (!g[KEY]) {
    const run = process.env.TWDOWN_MUTATION_RUN ?? 'adhoc'; // set by global-setup.ts before this runs
    const tag = randomBytes(3).toString('hex');
    g[KEY] = { usedPrefix: `twdown_tmut_${run}_${tag}_`, sparePrefix: `twdown_smut_${run}_${tag}_`, seq: 0, background: Promise.resolve() };
  }
  return g[KEY];
}

async function databasesStartingWith(prefix: string): Promise<string[]> {
  const { rows } = await withAdmin((c) => c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname', [prefix]));
  return rows.map((r) => r.datname);
}

/** Before each jest run: tell the test files which spares they may claim and how to name theirs. */
export async function publishSpares(): Promise<void> {
  const p = pool();
  process.env.TWDOWN_TEST_DB_PREFIX = p.usedPrefix;
  process.env.TWDOWN_TEST_DB_DEFER_DROP = '1';
  process.env.TWDOWN_TEST_DB_SPARES = (await databasesStartingWith(p.sparePrefix)).join(',');
}

/** After each jest run: in the background, top the spares up and drop the run's databases. */
export async function recycleAfterRun(template: string): Promise<void> {
  const p = pool();
  const used = await databasesStartingWith(p.usedPrefix);
  const spares = await databasesStartingWith(p.sparePrefix);
  p.background = p.background.then(async () => {
    try {
      for (let have = spares.length; have < SPARES; have++) {
        const name = `${p.sparePrefix}${p.seq++}`;
        await withAdmin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
      }
      for (const name of used) await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    } catch (err) {
      // a spare that failed is made next time (or the test file creates its own); a database
      // that was not dropped is dropped after the next run or when Stryker exits
      process.stderr.write(`mutation db pool: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  });
}
