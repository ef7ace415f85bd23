/**
 * Equal timing: the answer to a login (or sign-up) must not take measurably less time for an
 * address without an account, or the response time tells an attacker which addresses are
 * registered. A password check is a deliberately slow scrypt (tens of ms of CPU); skipping it
 * for unknown addresses makes those answers ~10-50x cheaper.
 *
 * What is measured is this process's CPU time per request (process.cpuUsage counts every
 * thread, scrypt's libuv worker included), not wall time: other processes on a busy machine
 * stretch wall time but not our CPU time. The bound is generous (the unknown case must cost at
 * least half of the known one, medians of alternated rounds), so noise does not make it flaky
 * while a skipped hash still fails it.
 */
import request from 'supertest';
import { startHarness, type Harness } from '../support/harness';
import { PASSWORD, randomEmail, randomIp, signUp } from './dashboard-client';

const ROUNDS = 9;
const MIN_RATIO = 0.5;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** CPU milliseconds (user + system, all threads of this process) spent on one request. */
async function timed(send: () => Promise<request.Response>, status: number): Promise<number> {
  const start = process.cpuUsage();
  const res = await send();
  const used = process.cpuUsage(start);
  expect(res.status).toBe(status);
  return (used.user + used.system) / 1000;
}

/** Alternates the two cases round by round (so load changes hit both alike) and returns the medians. */
async function compare(known: () => Promise<number>, unknown: () => Promise<number>): Promise<{ known: number; unknown: number; ratio: number }> {
  await known(); // warm-up: first-call costs (connections, the dummy hash) are not the promise
  await unknown();
  const k: number[] = [];
  const u: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    if (i % 2 === 0) {
      k.push(await known());
      u.push(await unknown());
    } else {
      u.push(await unknown());
      k.push(await known());
    }
  }
  const result = { known: median(k), unknown: median(u), ratio: median(u) / median(k) };
  process.stderr.write(`equal timing (CPU ms, medians): ${JSON.stringify(result)}\n`);
  return result;
}

const login = (email: string, password: string) => () => request(h.app).post('/dashboard/api/login').set('X-Forwarded-For', randomIp()).send({ email, password });

describe('equal timing', () => {
  it('when the email is unknown, then the 401 takes as long as a wrong password for a known email (a password hash is spent)', async () => {
    const account = await signUp(h);
    const { ratio } = await compare(
      () => timed(login(account.email, 'wrong password 123'), 401),
      () => timed(login(randomEmail('nobody'), 'wrong password 123'), 401),
    );
    expect(ratio).toBeGreaterThanOrEqual(MIN_RATIO);
  });

  it('when the account exists but has no password (operator-created), then the 401 takes as long too', async () => {
    const account = await signUp(h);
    const { ratio } = await compare(
      () => timed(login(account.email, 'wrong password 123'), 401),
      async () => {
        const email = randomEmail('cli');
        await h.container.users.findOrCreate(email);
        return timed(login(email, PASSWORD), 401);
      },
    );
    expect(ratio).toBeGreaterThanOrEqual(MIN_RATIO);
  });

  it('when sign-up uses a registered address, then the 202 takes as long as for a new one (the password is hashed either way)', async () => {
    const owner = await signUp(h);
    const signup = (email: string) => () => request(h.app).post('/dashboard/api/signup').set('X-Forwarded-For', randomIp()).send({ email, password: PASSWORD });
    const { ratio } = await compare(
      () => timed(signup(randomEmail('new')), 202),
      () => timed(signup(owner.email), 202),
    );
    expect(ratio).toBeGreaterThanOrEqual(MIN_RATIO);
  });
});
