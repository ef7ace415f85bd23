import request from 'supertest';
import { buildApp } from '../../apps/api/src/app';
import { createContainer, type Container } from '../../apps/api/src/container';
import { loadEnv } from '../../apps/api/src/lib/config/env';
import { createLogger } from '../../apps/api/src/lib/logger/logger';
import { createTestDatabase, REDIS_URL, type TestDatabase } from '../support/db';
import { bearer, deleteRedisPrefix } from '../support/harness';
import { startStripeStandin, standinEnv, type StripeStandin } from '../support/stripe-standin';
import { signUp } from '../accounts/dashboard-client';
import { startSmtpSink, type SmtpSink } from '../support/smtp';
import { WEBHOOK_PATH } from './billing-setup';

// The shared harness has no clock option yet, so this file builds the app itself with an
// injected clock (same wiring: createContainer + buildApp, real PostgreSQL and Redis).
const HOUR = 3_600_000;
let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);

let db: TestDatabase;
let stripe: StripeStandin;
let container: Container;
let app: ReturnType<typeof buildApp>;
let mail: SmtpSink;
const keyPrefix = `twdown-test:grace-${process.pid}-${Date.now()}`;

beforeAll(async () => {
  db = await createTestDatabase();
  stripe = await startStripeStandin();
  mail = await startSmtpSink();
  const env = loadEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: db.url,
    REDIS_URL,
    BILLING_PAST_DUE_GRACE_HOURS: '72',
    // grace expiry is not an event: the key cache TTL bounds how late the API notices it
    AUTH_CACHE_TTL_SECONDS: '0',
    ...standinEnv(stripe),
    SMTP_URL: mail.url,
  });
  container = await createContainer({ env, logger: createLogger({ level: env.LOG_LEVEL }), databaseUrl: db.url, redisTarget: { url: REDIS_URL }, keyPrefix, now: clock });
  app = buildApp(container.deps);
});
afterAll(async () => {
  await container.close();
  await stripe.stop();
  await mail.stop();
  await deleteRedisPrefix(REDIS_URL, keyPrefix);
  await db.drop();
});

async function post(event: object) {
  const payload = JSON.stringify(event);
  return request(app).post(WEBHOOK_PATH).set('Content-Type', 'application/json').set('Stripe-Signature', stripe.sign(payload)).send(payload);
}

describe('past_due grace period', () => {
  it('when a payment fails, then access continues within the grace period, stops after it, and returns when paid', async () => {
    offsetMs = 0;
    const account = await signUp({ app, mail });
    const { key } = (await account.agent.post('/dashboard/api/keys').set('X-CSRF-Token', account.csrf).send({})).body.data;
    const url: string = (await account.agent.post('/dashboard/api/billing/checkout').set('X-CSRF-Token', account.csrf)).body.data.url;
    const { subscription } = await stripe.completeCheckout(url.split('/pay/')[1] ?? '');
    for (const type of ['checkout.session.completed', 'customer.subscription.created']) {
      expect((await post(stripe.buildEvent(type, type.startsWith('checkout') ? { ...stripe.checkoutSessions.get(url.split('/pay/')[1] ?? '') } : subscription))).status).toBe(200);
    }
    const api = () => request(app).post('/api/v1/twitter').set(bearer(key)).send({ url: 'not a url' });
    expect((await api()).status).toBe(400); // premium: past the premium gate, the bad URL is refused

    stripe.subscriptions.set(subscription.id, { ...subscription, status: 'past_due' });
    expect((await post(stripe.buildEvent('invoice.payment_failed', stripe.invoiceFor(subscription.id)))).status).toBe(200);
    const me = async () => (await account.agent.get('/dashboard/api/me')).body.data;
    expect((await me()).subscription.status).toBe('past_due');

    offsetMs = 71 * HOUR;
    expect((await api()).status).toBe(400);
    expect((await me()).user.premium).toBe(true);

    offsetMs = 73 * HOUR;
    const refused = await api();
    expect(refused.status).toBe(403);
    expect(refused.body.error.type).toBe('not_premium');
    expect((await me()).user.premium).toBe(false);

    stripe.subscriptions.set(subscription.id, { ...subscription, status: 'active' });
    expect((await post(stripe.buildEvent('invoice.paid', stripe.invoiceFor(subscription.id)))).status).toBe(200);
    expect((await api()).status).toBe(400);
    expect((await me()).user.premium).toBe(true);
  });
});
