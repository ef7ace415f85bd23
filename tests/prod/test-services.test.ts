/**
 * `npm test` on a machine where PostgreSQL/Redis are not running: jest's global setup (run here
 * in a child process, as jest would) starts throwaway servers from the installed binaries and
 * global teardown removes them; without binaries it stops at once with one clear message.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '../..');
const DEAD_PG = 'postgresql://postgres@127.0.0.1:1/postgres';
const DEAD_REDIS = 'redis://127.0.0.1:1';

function runSetup(env: Record<string, string>) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', ...env };
  // never let the child tear down servers of the run it is part of
  delete childEnv.TWDOWN_TEST_THROWAWAY;
  delete childEnv.TWDOWN_TEST_TEMPLATE_DB;
  const started = Date.now();
  const res = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), ['tests/support/run-global-setup.ts'], {
    cwd: ROOT,
    env: childEnv,
    encoding: 'utf8',
    timeout: 100_000,
  });
  const last = res.stdout.trim().split('\n').at(-1) ?? '';
  const out = (last.startsWith('{') ? JSON.parse(last) : {}) as { databaseUrl?: string; redisUrl?: string; templateExists?: boolean; state?: string };
  return { code: res.status, stderr: res.stderr, out, ms: Date.now() - started };
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

const portOf = (url: string | undefined) => Number(new URL(url ?? 'http://x:0').port);

describe('test global setup when the services do not answer', () => {
  it('when PostgreSQL and Redis are unreachable but installed, then it starts throwaway ones, migrates, and teardown removes them', async () => {
    const run = runSetup({ DATABASE_URL: DEAD_PG, REDIS_URL: DEAD_REDIS });
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stderr).toMatch(/127\.0\.0\.1:1\/postgres does not answer; started a throwaway PostgreSQL/);
    expect(run.stderr).toMatch(/127\.0\.0\.1:1 does not answer; started a throwaway Redis/);
    const pgPort = portOf(run.out.databaseUrl);
    const redisPort = portOf(run.out.redisUrl);
    expect(pgPort).toBeGreaterThan(1);
    expect(redisPort).toBeGreaterThan(1);
    expect(run.out.templateExists).toBe(true); // migrated with prisma migrate deploy on the throwaway server
    const state = JSON.parse(run.out.state ?? '{}') as { dir?: string };
    // after teardown: nothing listens there any more and the directory is gone
    expect(await answers(pgPort)).toBe(false);
    expect(await answers(redisPort)).toBe(false);
    expect(state.dir && existsSync(state.dir)).toBe(false);
  });

  it('when only Redis is unreachable, then only a Redis is started and the given PostgreSQL is used', async () => {
    const databaseUrl = process.env.DATABASE_URL ?? '';
    const run = runSetup({ DATABASE_URL: databaseUrl, REDIS_URL: DEAD_REDIS });
    expect(run.code).toBe(0);
    expect(run.out.databaseUrl).toBe(databaseUrl);
    expect(portOf(run.out.redisUrl)).not.toBe(1);
    expect(run.stderr).not.toMatch(/throwaway PostgreSQL/);
    expect(await answers(portOf(run.out.redisUrl))).toBe(false);
  });

  it('when they are unreachable and not installed, then it stops at once with one message naming both and how to get them', () => {
    const run = runSetup({ DATABASE_URL: DEAD_PG, REDIS_URL: DEAD_REDIS, TWDOWN_TEST_SERVER_BIN_PATH: '/nonexistent' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/PostgreSQL at postgresql:\/\/postgres@127\.0\.0\.1:1\/postgres does not answer and initdb\/pg_ctl are not installed/);
    expect(run.stderr).toMatch(/Redis at redis:\/\/127\.0\.0\.1:1 does not answer and redis-server is not installed/);
    expect(run.stderr).toMatch(/apt-get install postgresql redis-server/);
    expect(run.stderr).toMatch(/docker run .*postgres:16/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(run.ms).toBeLessThan(20_000); // at once: no migration or retry loop first (tsx start-up included)
  });
});
