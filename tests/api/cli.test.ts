import { spawnSync } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { bearer, startHarness, type Harness } from '../support/harness';

const ROOT = path.resolve(__dirname, '../..');
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

/** The operator CLI exactly as documented: `npm run --silent cli -- <command>`. */
function cli(...args: string[]) {
  const res = spawnSync('npm', ['run', '--silent', 'cli', '--', ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', DATABASE_URL: h.db.url, ...h.redisEnv },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}
const lastLine = (s: string) => s.trim().split('\n').at(-1) ?? '';
const PAST_AUTH = { url: 'https://example.com/nope' };

describe('operator CLI', () => {
  it('keys:create --premium prints a working key alone on the last line', async () => {
    const out = cli('keys:create', '--email', ' Ops.User@Example.com ', '--premium', '--name', 'ci');
    expect(out.code).toBe(0);
    const key = lastLine(out.stdout);
    expect(key).toMatch(/^sk-[A-Za-z0-9]{43}$/);
    const res = await request(h.app).post('/api/v1/twitter').set(bearer(key)).send(PAST_AUTH);
    expect(res.status).toBe(400); // authenticated and premium
    const user = await h.container.users.findByEmail('ops.user@example.com');
    expect(user?.email).toBe('ops.user@example.com'); // normalised
  });

  it('keys:list shows the key without its secret; keys:revoke stops it on the next request', async () => {
    const key = lastLine(cli('keys:create', '--email', 'list@example.com', '--premium').stdout);
    expect((await request(h.app).post('/api/v1/twitter').set(bearer(key)).send(PAST_AUTH)).status).toBe(400);
    const list = cli('keys:list', '--email', 'list@example.com');
    expect(list.code).toBe(0);
    expect(list.stdout).not.toContain(key);
    expect(list.stdout).toContain(key.slice(0, 11));
    const id = list.stdout.trim().split('\t')[0] ?? '';
    const revoke = cli('keys:revoke', '--id', id);
    expect(revoke.code).toBe(0);
    // the CLI is another process: the API learns about the change over Redis pub/sub
    await new Promise((r) => setTimeout(r, 100));
    expect((await request(h.app).post('/api/v1/twitter').set(bearer(key)).send(PAST_AUTH)).status).toBe(401);
  });

  it('users:premium --off is applied to a running API at once', async () => {
    const key = lastLine(cli('keys:create', '--email', 'prem@example.com', '--premium').stdout);
    expect((await request(h.app).post('/api/v1/twitter').set(bearer(key)).send(PAST_AUTH)).status).toBe(400);
    expect(cli('users:premium', '--email', 'prem@example.com', '--off').code).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    expect((await request(h.app).post('/api/v1/twitter').set(bearer(key)).send(PAST_AUTH)).status).toBe(403);
    expect(cli('users:premium', '--email', 'prem@example.com', '--on').code).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    expect((await request(h.app).post('/api/v1/twitter').set(bearer(key)).send(PAST_AUTH)).status).toBe(400);
  });

  it.each([
    [['keys:create'], /--email is required/],
    [['keys:create', '--email', 'not-an-email'], /valid email/],
    [['keys:create', '--email', 'a@b.co', '--bogus'], /Unknown option '--bogus'/],
    [['keys:revoke', '--id', 'xyz'], /--id must be a key id/],
    [['keys:revoke', '--id', '00000000-0000-4000-8000-000000000000'], /no key with that id/],
    [['keys:list', '--email', 'nobody@example.com'], /no account with that email/],
    [['users:premium', '--email', 'a@b.co'], /exactly one of --on or --off/],
    [['users:premium', '--email', 'a@b.co', '--on', '--off'], /exactly one of --on or --off/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('%j → a clear error and exit code 2', (args, message) => {
    const out = cli(...args);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(message);
    expect(out.stdout).toBe('');
  });
});
