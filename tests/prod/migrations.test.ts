/**
 * Several instances booting at once on an empty database (a rolling deploy, `compose up` with
 * replicas) must not race on migrations: each takes the advisory lock `prisma migrate deploy`
 * also takes, so exactly one applies each migration and the others find nothing to do.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { REDIS_URL, urlForDatabase, withAdmin } from '../support/db';
import { spawnApi, type ApiProcess } from '../support/processes';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '../..');
/** The advisory lock key Prisma's schema engine takes for `migrate deploy` on PostgreSQL. */
const PRISMA_LOCK = 72707369;
const MIGRATIONS = readdirSync(path.join(ROOT, 'prisma/migrations'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

function prismaMigrateDeploy(url: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const proc = spawn(path.join(ROOT, 'node_modules/.bin/prisma'), ['migrate', 'deploy'], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', DATABASE_URL: url },
    });
    let output = '';
    proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
    proc.once('exit', (code) => resolve({ code, output }));
  });
}

describe('migrations at boot', () => {
  const name = `twdown_mig_${randomBytes(5).toString('hex')}`;
  const url = urlForDatabase(name);
  const apis: ApiProcess[] = [];
  let starting: Array<Promise<ApiProcess>> = [];
  beforeAll(async () => {
    await withAdmin((c) => c.query(`CREATE DATABASE ${name}`)); // empty: no template
  });
  afterAll(async () => {
    await Promise.allSettled(starting);
    await Promise.all(apis.map((a) => a.stop()));
    await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });

  it('when 3 instances and `prisma migrate deploy` start together on an empty database, then they queue on one lock, each migration is applied exactly once and all serve', async () => {
    const env = { DATABASE_URL: url, REDIS_URL, REDIS_KEY_PREFIX: `twdown-test:${randomBytes(4).toString('hex')}` };
    // Hold Prisma's migrate lock ourselves, so all four are provably waiting on that very lock
    // at the same moment, then let them go together.
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query(`SELECT pg_advisory_lock(${PRISMA_LOCK})`);
    const waiting = async (n: number) => {
      for (let i = 0; i < 600; i++) {
        const r = await holder.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = $1 AND NOT granted",
          [PRISMA_LOCK],
        );
        if ((r.rows[0]?.n ?? 0) >= n) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`fewer than ${n} processes waiting on the migrate lock`);
    };
    let deploy: Promise<{ code: number | null; output: string }> | undefined;
    try {
      // each is registered for afterAll as soon as it listens, so a failure leaves none behind
      starting = [1, 2, 3].map(() => spawnApi(env, 90_000).then((a) => (apis.push(a), a)));
      await waiting(3);
      deploy = prismaMigrateDeploy(url); // Prisma gives up on the lock after 10 s: start it last
      await waiting(4);
    } finally {
      await holder.query(`SELECT pg_advisory_unlock(${PRISMA_LOCK})`);
      await holder.end();
    }
    const started = await Promise.all(starting);
    const deployed = await (deploy ?? prismaMigrateDeploy(url));
    expect({ code: deployed.code, output: deployed.code === 0 ? '' : deployed.output }).toEqual({ code: 0, output: '' });

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const rows = (
        await client.query<{ migration_name: string; finished: boolean; rolled_back: boolean }>(
          'SELECT migration_name, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back FROM "_prisma_migrations" ORDER BY migration_name',
        )
      ).rows;
      expect(rows).toEqual(MIGRATIONS.map((migration_name) => ({ migration_name, finished: true, rolled_back: false })));
    } finally {
      await client.end();
    }
    // exactly one of the four applied them (Prisma, or the one instance that logs it)
    const appliedBy = started.filter((a) => a.output.some((l) => l.includes('database migrations applied'))).length;
    const prismaApplied = !/No pending migrations to apply/.test(deployed.output);
    expect(appliedBy + (prismaApplied ? 1 : 0)).toBe(1);
    for (const api of started) expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
    // and Prisma agrees afterwards
    const again = await prismaMigrateDeploy(url);
    expect(again.code).toBe(0);
    expect(again.output).toMatch(/No pending migrations to apply/);
  });
});
