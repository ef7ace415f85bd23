/**
 * Drills 1 and 2 (issue 10): three API processes on one Redis.
 * 1. 10 trials of 300 concurrent requests on one fresh account, spread across the three:
 *    exactly 60 admitted every time (the per-minute limit of the plan, shared by the fleet).
 * 2. A key revoked through one instance (the dashboard API) is refused by all three within 1 s.
 */
import { signUp } from '../accounts/dashboard-client';
import { postTwitter, report, startFleet, statusOf, type Fleet } from './fleet';
import { rateLimitFallbackLines } from '../support/processes';

const PER_MINUTE = 60; // the plan's limit, from the README ("60/minute")

let fleet: Fleet;
beforeAll(async () => {
  // Exact limits need Redis to answer: a reply later than the deadline is an outage by design,
  // and each instance then limits on its own (drill 3). Three instances, Redis and jest on two
  // loaded CPUs can reply later than the 300 ms default (tests/api/rate-limit.test.ts saw 65 of
  // 60 in CI), so the deadline here is generous and drill 1 checks that no request fell back.
  fleet = await startFleet(3, { env: { REDIS_COMMAND_TIMEOUT_MS: '10000' } });
}, 90_000);
afterAll(async () => {
  await fleet.stop();
});

it('drill 1: when 300 requests of a fresh account arrive at once across 3 instances, then exactly 60 are admitted, 10 trials out of 10', async () => {
  const admittedPerTrial: number[] = [];
  const otherStatuses: number[] = [];
  for (let trial = 0; trial < 10; trial++) {
    const { key } = await fleet.h.createKey();
    const statuses = await Promise.all(
      Array.from({ length: 300 }, (_, i) => statusOf(postTwitter(fleet.apis[i % 3]?.url ?? '', key))),
    );
    admittedPerTrial.push(statuses.filter((s) => s === 400).length);
    otherStatuses.push(...statuses.filter((s) => s !== 400 && s !== 429));
  }
  report('1 exact limits across 3 instances', `admitted per trial of 300 concurrent requests = [${admittedPerTrial.join(', ')}] (expected ${PER_MINUTE} each)`);
  expect(otherStatuses).toEqual([]);
  expect(rateLimitFallbackLines(fleet.apis)).toEqual([]);
  expect(admittedPerTrial).toEqual(Array.from({ length: 10 }, () => PER_MINUTE));
}, 60_000);

interface Session {
  cookie: string;
  csrf: string;
}

async function dashboardPost<T>(baseUrl: string, s: Session, path: string): Promise<T> {
  const res = await fetch(`${baseUrl}/dashboard/api${path}`, {
    method: 'POST',
    headers: { Cookie: s.cookie, 'X-CSRF-Token': s.csrf, 'Content-Type': 'application/json' },
    body: '{}',
  });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { data: T }).data;
}

it('drill 2: when a key is revoked through one instance, then all three refuse it within 1 s', async () => {
  const [a, b, c] = fleet.apis;
  if (!a || !b || !c) throw new Error('fleet of 3 expected');
  const delays: number[] = [];
  for (let trial = 0; trial < 5; trial++) {
    // a verified dashboard session (sign-up mails a link: the harness's SMTP sink reads it)
    const session = await signUp(fleet.h);
    await fleet.h.container.users.setComplimentaryPremium(session.userId, true);
    const { key, view } = await dashboardPost<{ key: string; view: { id: string } }>(a.url, session, '/keys');
    // every instance has the key cached (the case a push must invalidate)
    for (const api of fleet.apis) expect(await statusOf(postTwitter(api.url, key))).toBe(400);

    const start = performance.now();
    const revoked = dashboardPost(a.url, session, `/keys/${view.id}/revoke`);
    const refusedAfter = await Promise.all(
      fleet.apis.map(async (api) => {
        for (;;) {
          const status = await statusOf(postTwitter(api.url, key));
          const elapsed = performance.now() - start;
          if (status === 401) return elapsed;
          expect(status).toBe(400); // still admitted while the revocation travels, never anything else
          if (elapsed > 5000) return elapsed;
        }
      }),
    );
    await revoked;
    delays.push(Math.max(...refusedAfter));
  }
  report('2 revocation reaches every instance', `ms from the revoke request until all 3 instances refuse the key = [${delays.map((d) => d.toFixed(0)).join(', ')}] (bound 1000)`);
  expect(delays.every((d) => d < 1000)).toBe(true);
}, 60_000);
