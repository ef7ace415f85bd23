import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startHarness, type Harness } from '../support/harness';

/** The credits commands of the operator CLI, run exactly as documented (`npm run --silent cli -- ...`). */
const ROOT = path.resolve(__dirname, '../..');
/** Set for the CLI process, so the test shows the configured amount is used (not the default). */
const PER_PERIOD = 40;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

function cli(...args: string[]) {
  const res = spawnSync('npm', ['run', '--silent', 'cli', '--', ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', DATABASE_URL: h.db.url, REDIS_URL: h.redisUrl ?? '', CREDITS_PER_PERIOD: String(PER_PERIOD) },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

async function userId(email: string): Promise<string> {
  const user = await h.container.users.findByEmail(email);
  if (!user) throw new Error(`no user ${email}`);
  return user.id;
}

describe('operator CLI: credits', () => {
  it('credits:grant adds the amount with its reason; credits:show prints the balance and the entries, newest first', async () => {
    await h.container.users.findOrCreate('grant@example.com');
    const first = cli('credits:grant', '--email', ' Grant@Example.com ', '--amount', '25', '--reason', 'support ticket 42');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/granted 25 credits to grant@example\.com .*balance 25/);
    expect(cli('credits:grant', '--email', 'grant@example.com', '--amount', '5').code).toBe(0);
    const id = await userId('grant@example.com');
    expect(await h.container.credits.balance(id)).toBe(30);

    const spend = await h.container.credits.reserve({ userId: id, amount: 7, reason: 'convert mp3', idempotencyKey: 'cli-test' });
    const show = cli('credits:show', '--email', 'grant@example.com');
    expect(show.code).toBe(0);
    const lines = show.stdout.trim().split('\n');
    expect(lines[0]).toBe('grant@example.com: balance 23 credits');
    expect(lines.slice(1).map((l) => l.split('\t').slice(1, 4))).toEqual([
      ['spend', '-7', 'convert mp3'],
      ['grant', '+5', 'operator grant'],
      ['grant', '+25', 'support ticket 42'],
    ]);
    expect(lines[1]?.split('\t')[4]).toBe(spend.entryId);
  });

  it('credits:show for an account without entries says so', () => {
    const email = 'empty-ledger@example.com';
    expect(cli('keys:create', '--email', email).code).toBe(0);
    const show = cli('credits:show', '--email', email);
    expect(show.stdout.trim().split('\n')).toEqual([`${email}: balance 0 credits`, '(no ledger entries)']);
  });

  it('users:premium --on grants CREDITS_PER_PERIOD once per calendar month; off and on again the same month adds nothing', async () => {
    const email = 'comp@example.com';
    expect(cli('keys:create', '--email', email).code).toBe(0);
    const on = cli('users:premium', '--email', email, '--on');
    expect(on.code).toBe(0);
    expect(on.stdout).toContain('granted');
    const id = await userId(email);
    expect(await h.container.credits.balance(id)).toBe(PER_PERIOD);
    expect(cli('users:premium', '--email', email, '--off').code).toBe(0);
    const again = cli('users:premium', '--email', email, '--on');
    expect(again.stdout).toContain('already granted');
    expect(await h.container.credits.balance(id)).toBe(PER_PERIOD);
    const month = new Date().toISOString().slice(0, 7);
    const rows = await h.container.prisma.creditEntry.findMany({ where: { userId: id } });
    expect(rows.map((r) => r.idempotencyKey)).toEqual([`complimentary:${id}:${month}`]);
  });

  it('keys:create --premium also brings this month\'s credits', async () => {
    expect(cli('keys:create', '--email', 'kp@example.com', '--premium').code).toBe(0);
    expect(await h.container.credits.balance(await userId('kp@example.com'))).toBe(PER_PERIOD);
  });

  it.each([
    [['credits:grant', '--amount', '5'], /--email is required/],
    [['credits:grant', '--email', 'grant@example.com'], /--amount is required/],
    [['credits:grant', '--email', 'grant@example.com', '--amount', '0'], /--amount must be a positive whole number/],
    [['credits:grant', '--email', 'grant@example.com', '--amount=-3'], /--amount must be a positive whole number/],
    [['credits:grant', '--email', 'grant@example.com', '--amount', '-3'], /Option '--amount' argument is ambiguous/],
    [['credits:grant', '--email', 'grant@example.com', '--amount', '1.5'], /--amount must be a positive whole number/],
    [['credits:grant', '--email', 'grant@example.com', '--amount', 'ten'], /--amount must be a positive whole number/],
    [['credits:grant', '--email', 'grant@example.com', '--amount', '99999999999'], /--amount must be at most 1000000000/],
    [['credits:grant', '--email', 'grant@example.com', '--amount', '5', '--reason', ' '], /--reason must not be empty/],
    [['credits:grant', '--email', 'nobody@example.com', '--amount', '5'], /no account with that email/],
    [['credits:show'], /--email is required/],
    [['credits:show', '--email', 'not-an-email'], /valid email/],
    [['credits:show', '--email', 'nobody@example.com'], /no account with that email/],
  ])('%j → a clear error, exit code 2, and the ledger is unchanged', async (args, message) => {
    const before = await h.container.prisma.creditEntry.count();
    const out = cli(...args);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(message);
    expect(out.stdout).toBe('');
    expect(await h.container.prisma.creditEntry.count()).toBe(before);
  });
});
