/**
 * The production path end to end, on this machine: the Dockerfile's steps in order (build, then
 * a runtime tree with production dependencies only), then the README's quick start on that
 * tree with plain node: no DATABASE_URL/REDIS_URL (embedded PGlite, in-memory limits, a demo key
 * printed), called with the printed key against the X simulator; the operator CLI on the same
 * embedded database; the Dockerfile's HEALTHCHECK command.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createXSim, type XSim } from '../../apps/x-sim/src';
import { execForm, parseDockerfile, replayRuntimeStage, type Stage } from '../support/dockerfile';
import { spawnServer, waitForLine, type ApiProcess } from '../support/processes';

jest.setTimeout(240_000);

const ROOT = path.resolve(__dirname, '../..');
const VIDEO_ID = '992010'; // synthetic fixture (apps/x-sim/fixtures/synthetic): no recorded data needed
const stages = parseDockerfile(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

const ops = (stage: Stage | undefined) => (stage?.instructions ?? []).map((i) => `${i.op} ${i.args}`);
const indexOf = (list: string[], re: RegExp) => list.findIndex((l) => re.test(l));

let sim: XSim;
let simUrl: string;
let dir: string;
let stageEnv: Record<string, string>;
const runtimeOps = ops(stages[1]);
/** The image's command, as the Dockerfile states it. */
const cmd = execForm(runtimeOps.find((l) => l.startsWith('CMD')) ?? '[]');

/** The quick start's environment: nothing but the simulator and a free port (no DATABASE_URL/REDIS_URL). */
function quickStartEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: dir,
    ...stageEnv,
    PORT: '0',
    HOST: '127.0.0.1',
    X_API_BASE_URL: simUrl,
    X_SYNDICATION_BASE_URL: simUrl,
    // symlinked node_modules (see replayRuntimeStage) must resolve inside the runtime tree
    NODE_OPTIONS: '--preserve-symlinks',
  };
}

function startBuilt(): Promise<ApiProcess> {
  const [command = 'missing CMD', ...args] = cmd;
  return spawnServer({ command, args, cwd: dir, env: quickStartEnv(), timeoutMs: 60_000 });
}

function cliBuilt(...args: string[]) {
  const res = spawnSync('node', ['apps/api/dist/cli/main.js', ...args], { cwd: dir, env: quickStartEnv(), encoding: 'utf8', timeout: 60_000 });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

async function twitter(url: string, key: string): Promise<Response> {
  return fetch(`${url}/api/v1/twitter`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ url: `https://x.com/sim_video/status/${VIDEO_ID}` }),
  });
}

beforeAll(async () => {
  sim = createXSim();
  ({ url: simUrl } = await sim.start());
  dir = mkdtempSync(path.join(os.tmpdir(), 'twdown-runtime-'));
  // The Dockerfile's steps, in its order: the build stage's `npm run build` here, then the
  // runtime stage replayed into `dir` (its COPYs, and `npm ci --omit=dev` as the lockfile's
  // production packages only).
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 200_000, env: { ...process.env, NODE_OPTIONS: '' } });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
  stageEnv = replayRuntimeStage(stages[1], ROOT, dir);
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Dockerfile', () => {
  it('builds in a full-install stage and runs a production-only, non-root stage under tini with a /readyz health check', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    const build = ops(stages[0]);
    const runtime = ops(stages[1]);
    const ci = indexOf(build, /^RUN npm ci\b/);
    expect(ci).toBeGreaterThanOrEqual(0);
    expect(build[ci]).not.toMatch(/--omit/);
    expect(indexOf(build, /^RUN npm run build$/)).toBeGreaterThan(ci);
    expect(indexOf(runtime, /^RUN npm ci .*--omit=dev/)).toBeGreaterThanOrEqual(0);
    expect(indexOf(runtime, /apt-get install .*\bffmpeg\b/)).toBeGreaterThanOrEqual(0);
    expect(runtime.filter((l) => l.startsWith('USER ')).at(-1)).toBe('USER node');
    expect(runtime.find((l) => l.startsWith('HEALTHCHECK'))).toMatch(/\/readyz/);
    expect(execForm(runtime.find((l) => l.startsWith('ENTRYPOINT')) ?? '')).toEqual(['/usr/bin/tini', '--']);
    // the image runs what `npm run start:prod` runs
    expect(cmd.join(' ')).toBe(pkg.scripts['start:prod']);
  });

  it('its runtime tree holds the compiled server and production dependencies only', () => {
    expect(existsSync(path.join(dir, 'apps/api/dist/main.js'))).toBe(true);
    expect(existsSync(path.join(dir, 'apps/api/dist/generated/prisma/client.js'))).toBe(true); // Prisma client compiled in
    expect(existsSync(path.join(dir, 'node_modules/express'))).toBe(true);
    expect(existsSync(path.join(dir, 'node_modules/tsx'))).toBe(false); // no TypeScript runner at run time
    expect(existsSync(path.join(dir, 'node_modules/jest'))).toBe(false);
    // no test double in the server (the lockfile may still list ioredis-mock until regenerated)
    const grep = spawnSync('grep', ['-rl', 'ioredis-mock', path.join(dir, 'apps/api/dist')], { encoding: 'utf8' });
    expect(grep.stdout).toBe('');
  });
});

describe('the built server, started as the quick start does', () => {
  it('serves a post with the demo key it prints; the CLI shares its embedded database once it has stopped', async () => {
    let api = await startBuilt();
    let cliKey = '';
    try {
      const key = (await waitForLine(api, /^\s+(sk-[A-Za-z0-9]{43})$/))[1] ?? '';
      expect(api.output.join('\n')).toMatch(/EMBEDDED in-process PostgreSQL/);

      const ready = await fetch(`${api.url}/readyz`);
      expect(ready.status).toBe(200);
      const health = execForm(ops(stages[1]).find((l) => l.startsWith('HEALTHCHECK')) ?? '');
      const probe = spawnSync(health[0] ?? 'node', health.slice(1), { env: { ...quickStartEnv(), PORT: new URL(api.url).port }, timeout: 10_000 });
      expect(probe.status).toBe(0);

      const res = await twitter(api.url, key);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { code: number; data: { statusId: string; videos: unknown[] } };
      expect(body.code).toBe(0);
      expect(body.data.statusId).toBe(VIDEO_ID);
      expect(body.data.videos.length).toBeGreaterThan(0);

      // the operator CLI: help needs no database; commands refuse while the server holds it
      const help = cliBuilt('--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Usage: /);
      const busy = cliBuilt('keys:list', '--email', 'demo@twdown.local');
      expect(busy.code).toBe(1);
      expect(busy.stderr).toMatch(new RegExp(`in use by process ${api.proc.pid ?? 'none'}`));

      const code = await api.stop('SIGTERM');
      expect({ code, output: api.output.slice(-5) }).toEqual({ code: 0, output: expect.anything() });
      expect(existsSync(path.join(dir, '.data/pglite.pid'))).toBe(false);

      const list = cliBuilt('keys:list', '--email', 'demo@twdown.local');
      expect(list.code).toBe(0);
      expect(list.stdout).toContain(`${key.slice(0, 11)}…\tactive`);
      const created = cliBuilt('keys:create', '--email', 'ops@example.com', '--premium');
      expect(created.code).toBe(0);
      cliKey = created.stdout.trim().split('\n').at(-1) ?? '';
      expect(cliKey).toMatch(/^sk-[A-Za-z0-9]{43}$/);

      // a restart finds the CLI's key in the same data; the previous demo key is revoked
      api = await startBuilt();
      await waitForLine(api, /^\s+(sk-[A-Za-z0-9]{43})$/);
      expect((await twitter(api.url, cliKey)).status).toBe(200);
      expect((await twitter(api.url, key)).status).toBe(401);
    } finally {
      await api.stop('SIGTERM');
    }
  });
});
