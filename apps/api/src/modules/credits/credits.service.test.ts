import { randomBytes, randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../../../tests/support/db';
import { createPrisma, type PrismaClient } from '../../lib/db/prisma';
import { AppError } from '../../lib/errors/app-error';
import { createCreditsService, type CreditsService } from './credits.service';
import { createCreditsRepository } from './credits.repository';

/** Expected values are written out here, from the brief (24 h window, 402 message), not read from the code. */
const HOUR = 60 * 60 * 1000;

describe('credits ledger (real PostgreSQL)', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let clock: Date;
  let credits: CreditsService;

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = createPrisma(db.url, { maxConnections: 10 });
    clock = new Date('2026-03-01T12:00:00Z');
    credits = createCreditsService({ repo: createCreditsRepository(prisma), now: () => clock });
  });

  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  async function newUser(): Promise<string> {
    const user = await prisma.user.create({ data: { email: `credits-${randomBytes(5).toString('hex')}@example.com` } });
    return user.id;
  }

  const key = () => `k-${randomBytes(6).toString('hex')}`;

  async function expectAppError(p: Promise<unknown>, code: string, message?: RegExp | string) {
    const err: unknown = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe(code);
    if (message !== undefined) expect((err as AppError).message).toMatch(message);
    return err as AppError;
  }

  test('when nothing was granted, then the balance is 0', async () => {
    expect(await credits.balance(await newUser())).toBe(0);
  });

  test('when the same grant key arrives twice, then the balance rises once', async () => {
    const user = await newUser();
    const first = await credits.grant({ userId: user, amount: 1000, reason: 'invoice.paid', idempotencyKey: 'invoice:in_1' });
    const second = await credits.grant({ userId: user, amount: 1000, reason: 'invoice.paid', idempotencyKey: 'invoice:in_1' });
    expect(first.created).toBe(true);
    expect(second).toEqual({ entryId: first.entryId, created: false });
    expect(await credits.balance(user)).toBe(1000);
    await credits.grant({ userId: user, amount: 5, reason: 'other', idempotencyKey: 'invoice:in_2' });
    expect(await credits.balance(user)).toBe(1005);
  });

  test('when concurrent grants share a key, then exactly one row is written', async () => {
    const user = await newUser();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => credits.grant({ userId: user, amount: 7, reason: 'race', idempotencyKey: 'same' })),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.entryId)).size).toBe(1);
    expect(await credits.balance(user)).toBe(7);
  });

  test('when a grant key is reused with another amount (the setting changed), then the first grant stands and nothing is added', async () => {
    const user = await newUser();
    const first = await credits.grant({ userId: user, amount: 10, reason: 'a', idempotencyKey: 'g' });
    expect(await credits.grant({ userId: user, amount: 11, reason: 'a', idempotencyKey: 'g' })).toEqual({ entryId: first.entryId, created: false });
    expect(await credits.balance(user)).toBe(10);
  });

  // N below the pool size (10 connections), so unserialised transactions would all read the
  // same balance at once and overdraw.
  test.each([1, 3, 6])('when the balance is N=%i and 3N reserves of 1 run at once, then exactly N succeed and the balance ends at 0', async (n) => {
    const user = await newUser();
    await credits.grant({ userId: user, amount: n, reason: 'seed', idempotencyKey: key() });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 3 * n }, () => credits.reserve({ userId: user, amount: 1, reason: 'convert', idempotencyKey: key() })),
    );
    const ok = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(ok).toHaveLength(n);
    expect(refused).toHaveLength(2 * n);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(AppError);
      expect((r.reason as AppError).code).toBe('insufficient_credits');
    }
    expect(await credits.balance(user)).toBe(0);
    expect(await prisma.creditEntry.count({ where: { userId: user, kind: 'spend' } })).toBe(n);
  });

  test('when the balance is short, then reserve fails with 402 "Insufficient credits" and writes nothing', async () => {
    const user = await newUser();
    await credits.grant({ userId: user, amount: 2, reason: 'seed', idempotencyKey: key() });
    const err = await expectAppError(credits.reserve({ userId: user, amount: 3, reason: 'convert', idempotencyKey: key() }), 'insufficient_credits');
    expect(err.status).toBe(402);
    expect(err.message).toBe('Insufficient credits');
    expect(err.details).toEqual({ balance: 2, required: 3 });
    expect(await credits.balance(user)).toBe(2);
    // exactly the balance is enough
    await credits.reserve({ userId: user, amount: 2, reason: 'convert', idempotencyKey: key() });
    expect(await credits.balance(user)).toBe(0);
  });

  test('when a reserve key is replayed within 24 h, then the same spend is returned and nothing more is charged', async () => {
    const user = await newUser();
    await credits.grant({ userId: user, amount: 10, reason: 'seed', idempotencyKey: key() });
    const k = key();
    const first = await credits.reserve({ userId: user, amount: 3, reason: 'convert', idempotencyKey: k });
    expect(first.replayed).toBe(false);
    clock = new Date(clock.getTime() + 24 * HOUR - 1000);
    const again = await credits.reserve({ userId: user, amount: 3, reason: 'convert', idempotencyKey: k });
    expect(again).toEqual({ entryId: first.entryId, replayed: true });
    expect(await credits.balance(user)).toBe(7);
    // past 24 h the key charges again
    clock = new Date(clock.getTime() + 2000);
    const later = await credits.reserve({ userId: user, amount: 3, reason: 'convert', idempotencyKey: k });
    expect(later.replayed).toBe(false);
    expect(later.entryId).not.toBe(first.entryId);
    expect(await credits.balance(user)).toBe(4);
    // and the new spend opens its own window
    const replay2 = await credits.reserve({ userId: user, amount: 3, reason: 'convert', idempotencyKey: k });
    expect(replay2).toEqual({ entryId: later.entryId, replayed: true });
    expect(await credits.balance(user)).toBe(4);
  });

  test('when a replay arrives with an empty balance, then it still answers replayed (no 402)', async () => {
    const user = await newUser();
    await credits.grant({ userId: user, amount: 1, reason: 'seed', idempotencyKey: key() });
    const k = key();
    const first = await credits.reserve({ userId: user, amount: 1, reason: 'convert', idempotencyKey: k });
    expect(await credits.reserve({ userId: user, amount: 1, reason: 'convert', idempotencyKey: k })).toEqual({ entryId: first.entryId, replayed: true });
  });

  test('when concurrent reserves share a key, then one spend is written and the rest replay it', async () => {
    const user = await newUser();
    await credits.grant({ userId: user, amount: 10, reason: 'seed', idempotencyKey: key() });
    const k = key();
    const results = await Promise.all(Array.from({ length: 6 }, () => credits.reserve({ userId: user, amount: 2, reason: 'convert', idempotencyKey: k })));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.entryId)).size).toBe(1);
    expect(await credits.balance(user)).toBe(8);
  });

  test('when a reserve key is reused with a different amount inside the window, then it is a conflict', async () => {
    const user = await newUser();
    await credits.grant({ userId: user, amount: 10, reason: 'seed', idempotencyKey: key() });
    const k = key();
    await credits.reserve({ userId: user, amount: 2, reason: 'convert', idempotencyKey: k });
    await expectAppError(credits.reserve({ userId: user, amount: 3, reason: 'convert', idempotencyKey: k }), 'conflict');
    expect(await credits.balance(user)).toBe(8);
  });

  test('when a spend is refunded, then the balance is restored, and refunding twice adds one row', async () => {
    const user = await newUser();
    await credits.grant({ userId: user, amount: 5, reason: 'seed', idempotencyKey: key() });
    const spend = await credits.reserve({ userId: user, amount: 4, reason: 'convert', idempotencyKey: key() });
    expect(await credits.balance(user)).toBe(1);
    await credits.refund(spend.entryId, 'ffmpeg failed');
    expect(await credits.balance(user)).toBe(5);
    await credits.refund(spend.entryId, 'ffmpeg failed');
    await Promise.all([credits.refund(spend.entryId, 'again'), credits.refund(spend.entryId, 'again')]);
    expect(await credits.balance(user)).toBe(5);
    const refunds = await prisma.creditEntry.findMany({ where: { userId: user, kind: 'refund' } });
    expect(refunds).toHaveLength(1);
    expect(refunds[0]?.refundOfId).toBe(spend.entryId);
    expect(refunds[0]?.amount).toBe(4);
  });

  test('when a refunded key is retried inside the window, then it charges again (the first attempt failed)', async () => {
    const user = await newUser();
    await credits.grant({ userId: user, amount: 5, reason: 'seed', idempotencyKey: key() });
    const k = key();
    const first = await credits.reserve({ userId: user, amount: 2, reason: 'convert', idempotencyKey: k });
    await credits.refund(first.entryId, 'upstream failed');
    const retry = await credits.reserve({ userId: user, amount: 2, reason: 'convert', idempotencyKey: k });
    expect(retry.replayed).toBe(false);
    expect(retry.entryId).not.toBe(first.entryId);
    expect(await credits.balance(user)).toBe(3);
  });

  test('when a refund names a grant, a missing entry or a non-UUID, then it is refused clearly', async () => {
    const user = await newUser();
    const g = await credits.grant({ userId: user, amount: 5, reason: 'seed', idempotencyKey: key() });
    await expectAppError(credits.refund(g.entryId, 'x'), 'bad_request', /Only spends can be refunded/);
    await expectAppError(credits.refund(randomUUID(), 'x'), 'not_found', 'No such credit entry');
    await expectAppError(credits.refund('nope', 'x'), 'bad_request', 'entryId must be a UUID');
    expect(await credits.balance(user)).toBe(5);
  });

  test.each([
    ['zero', 0],
    ['negative', -5],
    ['fractional', 1.5],
    ['NaN', Number.NaN],
    ['infinite', Number.POSITIVE_INFINITY],
    ['a string', '3' as unknown as number],
  ])('when the amount is %s, then grant and reserve refuse it with a clear message', async (_name, amount) => {
    const user = await newUser();
    await credits.grant({ userId: user, amount: 10, reason: 'seed', idempotencyKey: key() });
    await expectAppError(credits.grant({ userId: user, amount, reason: 'x', idempotencyKey: key() }), 'bad_request', /amount must be a positive whole number/);
    await expectAppError(credits.reserve({ userId: user, amount, reason: 'x', idempotencyKey: key() }), 'bad_request', /amount must be a positive whole number/);
    expect(await credits.balance(user)).toBe(10);
  });

  test('when the amount is beyond one billion, then it is refused (the column is a 32-bit integer)', async () => {
    const user = await newUser();
    await expectAppError(credits.grant({ userId: user, amount: 3_000_000_000, reason: 'x', idempotencyKey: key() }), 'bad_request', /at most/);
  });

  test('when the key, reason or user id is missing or malformed, then the call is refused clearly', async () => {
    const user = await newUser();
    await expectAppError(credits.grant({ userId: user, amount: 1, reason: 'x', idempotencyKey: '' }), 'bad_request', /idempotencyKey/);
    await expectAppError(credits.grant({ userId: user, amount: 1, reason: ' ', idempotencyKey: key() }), 'bad_request', /reason/);
    await expectAppError(credits.grant({ userId: user, amount: 1, reason: 'x', idempotencyKey: 'k'.repeat(300) }), 'bad_request', /idempotencyKey/);
    await expectAppError(credits.grant({ userId: 'not-a-uuid', amount: 1, reason: 'x', idempotencyKey: key() }), 'bad_request', /userId/);
    await expectAppError(credits.balance('42'), 'bad_request', /userId/);
  });

  test('when the user does not exist, then grant and reserve answer not_found', async () => {
    await expectAppError(credits.grant({ userId: randomUUID(), amount: 1, reason: 'x', idempotencyKey: key() }), 'not_found', 'Unknown user');
    await expectAppError(credits.reserve({ userId: randomUUID(), amount: 1, reason: 'x', idempotencyKey: key() }), 'not_found', 'Unknown user');
  });

  test('when a grant and a spend share a key, then they do not collide', async () => {
    const user = await newUser();
    await credits.grant({ userId: user, amount: 3, reason: 'seed', idempotencyKey: 'shared' });
    const spend = await credits.reserve({ userId: user, amount: 1, reason: 'convert', idempotencyKey: 'shared' });
    expect(spend.replayed).toBe(false);
    expect(await credits.balance(user)).toBe(2);
  });

  test('when entries are listed, then they come newest first with kind and signed amount, up to the limit', async () => {
    const user = await newUser();
    const t0 = clock.getTime();
    clock = new Date(t0 + 1000);
    await credits.grant({ userId: user, amount: 10, reason: 'monthly', idempotencyKey: key() });
    clock = new Date(t0 + 2000);
    const spend = await credits.reserve({ userId: user, amount: 3, reason: 'convert mp3', idempotencyKey: key() });
    clock = new Date(t0 + 3000);
    await credits.refund(spend.entryId, 'ffmpeg failed');
    const all = await credits.recent(user, 10);
    expect(all.map((e) => [e.kind, e.amount, e.reason])).toEqual([
      ['refund', 3, 'ffmpeg failed'],
      ['spend', -3, 'convert mp3'],
      ['grant', 10, 'monthly'],
    ]);
    expect(all[0]?.createdAt.toISOString()).toBe(new Date(t0 + 3000).toISOString());
    expect(await credits.recent(user, 2)).toHaveLength(2);
    await expectAppError(credits.recent(user, 0), 'bad_request', /limit/);
    await expectAppError(credits.recent(user, 101), 'bad_request', /limit/);
    // another user's entries never show
    expect(await credits.recent(await newUser(), 10)).toEqual([]);
  });

  test('when a row with the wrong sign is written around the service, then the database refuses it', async () => {
    const user = await newUser();
    await expect(
      prisma.creditEntry.create({ data: { userId: user, kind: 'spend', amount: 5, reason: 'x', idempotencyKey: key() } }),
    ).rejects.toThrow();
    await expect(
      prisma.creditEntry.create({ data: { userId: user, kind: 'grant', amount: -5, reason: 'x', idempotencyKey: key() } }),
    ).rejects.toThrow();
  });
});
