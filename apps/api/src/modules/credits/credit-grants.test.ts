import { randomBytes } from 'node:crypto';
import { useTestPrisma } from '../../../../../tests/support/test-prisma';
import { ConfigError, loadEnv } from '../../lib/config/env';
import { createLogger } from '../../lib/logger/logger';
import { createCreditGrants, invoicePriceIds } from './credit-grants';
import { createCreditsService } from './credits.service';
import { createCreditsRepository } from './credits.repository';
import { createUsersRepository } from '../users/users.repository';

describe('complimentary premium credits (real PostgreSQL, injected clock)', () => {
  const db = useTestPrisma();


  async function user(complimentaryPremium: boolean): Promise<string> {
    const u = await db.prisma.user.create({ data: { email: `g-${randomBytes(5).toString('hex')}@example.com`, complimentaryPremium } });
    return u.id;
  }

  function rig(perPeriod: number, start: string) {
    const clock = { at: new Date(start) };
    const credits = createCreditsService({ repo: createCreditsRepository(db.prisma), now: () => clock.at });
    const grants = createCreditGrants({ users: createUsersRepository(db.prisma), credits, perPeriod, premiumPriceIds: ['price_ours'], logger: createLogger({ level: 'silent' }), now: () => clock.at });
    return { clock, credits, grants };
  }

  test('when the sweep runs, then each complimentary account gets the amount once per UTC calendar month', async () => {
    const { clock, credits, grants } = rig(300, '2027-01-15T10:00:00Z');
    const comp = await user(true);
    const plain = await user(false);
    await grants.sweepComplimentary();
    await grants.sweepComplimentary();
    expect(await credits.balance(comp)).toBe(300);
    expect(await credits.balance(plain)).toBe(0);
    // still January in UTC
    clock.at = new Date('2027-01-31T23:59:59Z');
    await grants.sweepComplimentary();
    expect(await credits.balance(comp)).toBe(300);
    clock.at = new Date('2027-02-01T00:00:00Z');
    await grants.sweepComplimentary();
    expect(await credits.balance(comp)).toBe(600);
    const keys = (await db.prisma.creditEntry.findMany({ where: { userId: comp }, orderBy: { createdAt: 'asc' } })).map((r) => r.idempotencyKey);
    expect(keys).toEqual([`complimentary:${comp}:2027-01`, `complimentary:${comp}:2027-02`]);
  });

  test('when turned on, then this month is granted, and the sweep does not grant it again', async () => {
    const { credits, grants } = rig(50, '2027-03-02T00:00:00Z');
    const comp = await user(true);
    expect(await grants.complimentaryTurnedOn(comp)).toBe('granted');
    expect(await grants.complimentaryTurnedOn(comp)).toBe('already_granted');
    await grants.sweepComplimentary();
    expect(await credits.balance(comp)).toBe(50);
  });

  test('when CREDITS_PER_PERIOD is 0, then nothing is granted', async () => {
    const { credits, grants } = rig(0, '2027-04-02T00:00:00Z');
    const comp = await user(true);
    expect(await grants.complimentaryTurnedOn(comp)).toBe('disabled');
    await grants.sweepComplimentary();
    expect(await credits.balance(comp)).toBe(0);
    expect(await grants.invoicePaid({ id: 'in_1', customer: 'cus_1', billing_reason: 'subscription_cycle' }, () => Promise.resolve('price_ours'))).toBe('disabled');
  });
});

describe('invoicePriceIds', () => {
  test('reads the 2025+ pricing shape and the older line.price shape, and null without lines', () => {
    expect(invoicePriceIds({ lines: { data: [{ pricing: { price_details: { price: 'price_a' } } }, { price: { id: 'price_b' } }, { price: 'price_c' }] } })).toEqual([
      'price_a',
      'price_b',
      'price_c',
    ]);
    expect(invoicePriceIds({})).toBeNull();
    expect(invoicePriceIds({ lines: { data: [] } })).toBeNull();
  });
});

describe('credits configuration', () => {
  test('defaults are 1000 credits per period and 1 credit per started minute', () => {
    const env = loadEnv({});
    expect(env.CREDITS_PER_PERIOD).toBe(1000);
    expect(env.CONVERT_CREDIT_COST).toBe(1);
    expect(loadEnv({ CREDITS_PER_PERIOD: '0', CONVERT_CREDIT_COST: '3' })).toMatchObject({ CREDITS_PER_PERIOD: 0, CONVERT_CREDIT_COST: 3 });
  });

  test.each([
    ['CREDITS_PER_PERIOD', '-1'],
    ['CREDITS_PER_PERIOD', '2.5'],
    ['CREDITS_PER_PERIOD', 'lots'],
    ['CONVERT_CREDIT_COST', '0'],
    ['CONVERT_CREDIT_COST', '1.5'],
  ])('when %s=%s, then start-up fails naming the variable', (name, value) => {
    expect(() => loadEnv({ [name]: value })).toThrow(ConfigError);
    expect(() => loadEnv({ [name]: value })).toThrow(name);
  });
});
