import { createHash, randomBytes } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { useTestPrisma } from '../../../../../tests/support/test-prisma';
import { errorHandler } from '../../lib/http/error-handler';
import { createLogger } from '../../lib/logger/logger';
import { createAuthCache } from './auth-cache';
import { apiKeyAuth, createKeyResolver } from './api-key.auth';
import { createKeysRepository } from './keys.repository';

/**
 * Bearer-key authentication on a tiny express app, against real key rows in PostgreSQL. The key
 * format (`sk-` + 43 base62 characters), the stored SHA-256 hex and the header forms accepted are
 * written out from docs/api.md and docs/security.md; keys are inserted with their hash computed
 * here, not with the code's helpers.
 */
const logger = createLogger({ level: 'silent' });
const PLAN = 'price_plan';
const NOW = new Date('2026-06-01T12:00:00Z');
const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const makeKey = () => `sk-${Array.from(randomBytes(43), (b) => B62[b % 62]).join('')}`;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('API-key authentication (real PostgreSQL)', () => {
  const db = useTestPrisma();
  let clock: Date;

  beforeEach(() => {
    clock = NOW;
  });

  function app(opts: { rawKey?: boolean; ttlMs?: number } = {}) {
    const cache = createAuthCache({ ttlMs: opts.ttlMs ?? 0, redis: null, logger });
    const resolve = createKeyResolver({ keys: createKeysRepository(db.prisma), cache, premium: { pastDueGraceHours: 72, prices: new Set([PLAN]) }, now: () => clock });
    const a = express();
    a.get('/x', apiKeyAuth(resolve, { rawKey: opts.rawKey }), (req, res) => void res.json(req.principal));
    a.use(errorHandler(logger));
    return { app: a, cache, resolve };
  }

  async function keyRow(opts: { revokedAt?: Date; expiresAt?: Date; complimentary?: boolean; subscription?: { status: string; priceId: string; pastDueSince?: Date } } = {}) {
    const key = makeKey();
    const user = await db.prisma.user.create({
      data: { email: `auth-${randomBytes(5).toString('hex')}@example.com`, complimentaryPremium: opts.complimentary ?? false },
    });
    if (opts.subscription) {
      await db.prisma.subscription.create({
        data: { id: `sub_${randomBytes(5).toString('hex')}`, userId: user.id, ...opts.subscription, stripeEventAt: NOW },
      });
    }
    const row = await db.prisma.apiKey.create({
      data: { userId: user.id, prefix: key.slice(0, 11), hash: sha256(key), revokedAt: opts.revokedAt, expiresAt: opts.expiresAt },
    });
    return { key, keyId: row.id, userId: user.id };
  }

  it.each([
    ['Bearer <key>', (k: string) => `Bearer ${k}`],
    ['bearer <key> (scheme is case-insensitive)', (k: string) => `bearer ${k}`],
    ['BEARER <key>', (k: string) => `BEARER ${k}`],
    ['Bearer, two spaces', (k: string) => `Bearer  ${k}`],
    ['Bearer, a tab', (k: string) => `Bearer\t${k}`],
    ['Bearer <key>, trailing spaces', (k: string) => `Bearer ${k}  `],
    ['Bearer <key>, trailing tab', (k: string) => `Bearer ${k}\t`],
  ])('when the header is %s, then the key is accepted', async (_name, header) => {
    const { key, keyId, userId } = await keyRow();
    const res = await request(app().app).get('/x').set('Authorization', header(key));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ keyId, userId, premium: false, expiresAt: null });
  });

  it.each([
    ['no header', undefined],
    ['an empty Bearer', 'Bearer '],
    ['the key alone (raw form not enabled)', 'KEY'],
    ['Basic <key>', 'Basic KEY'],
    ['BearerKEY (no space)', 'BearerKEY'],
    ['Bearer <key> <junk>', 'Bearer KEY junk'],
    ['a prefix before Bearer', 'x Bearer KEY'],
  ])('when the header is %s, then 401 missing_api_key', async (_name, header) => {
    const { key } = await keyRow();
    const req = request(app().app).get('/x');
    const res = header === undefined ? await req : await req.set('Authorization', header.replace('KEY', key));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe(-1);
    expect(res.body.error.type).toBe('missing_api_key');
  });

  it.each([
    ['the key alone', (k: string) => k],
    ['the key with surrounding spaces', (k: string) => `  ${k}\t`],
    ['Bearer <key>', (k: string) => `Bearer ${k}`],
  ])('when raw keys are allowed and the header is %s, then the key is accepted', async (_name, header) => {
    const { key, keyId } = await keyRow();
    const res = await request(app({ rawKey: true }).app).get('/x').set('Authorization', header(key));
    expect(res.status).toBe(200);
    expect(res.body.keyId).toBe(keyId);
  });

  it.each([
    ['two words', (k: string) => `Token ${k}`],
    ['nothing but spaces', () => '   '],
  ])('when raw keys are allowed and the header is %s, then 401 missing_api_key', async (_name, header) => {
    const { key } = await keyRow();
    const res = await request(app({ rawKey: true }).app).get('/x').set('Authorization', header(key));
    expect(res.status).toBe(401);
    expect(res.body.error.type).toBe('missing_api_key');
  });

  it('when a valid header comes with ?access_token=, then the header decides (200)', async () => {
    const { key } = await keyRow();
    const res = await request(app().app).get('/x?access_token=nonsense').set('Authorization', `Bearer ${key}`);
    expect(res.status).toBe(200);
  });

  it('when the key is only in the query string, then 401 missing_api_key', async () => {
    const { key } = await keyRow();
    const res = await request(app().app).get(`/x?access_token=${key}`);
    expect(res.status).toBe(401);
    expect(res.body.error.type).toBe('missing_api_key');
  });

  it.each([
    ['well-formed but unknown', () => makeKey()],
    ['too short', (k: string) => k.slice(0, -1)],
    ['too long', (k: string) => `${k}A`],
    ['with a foreign character', (k: string) => `${k.slice(0, -1)}_`],
    ['with another prefix', (k: string) => `pk-${k.slice(3)}`],
  ])('when the key is %s, then 401 invalid_api_key', async (_name, mangle) => {
    const { key } = await keyRow();
    const res = await request(app().app).get('/x').set('Authorization', `Bearer ${mangle(key)}`);
    expect(res.status).toBe(401);
    expect(res.body.error.type).toBe('invalid_api_key');
  });

  it('when the key is revoked, then 401 invalid_api_key', async () => {
    const { key } = await keyRow({ revokedAt: new Date(NOW.getTime() - 1000) });
    const res = await request(app().app).get('/x').set('Authorization', `Bearer ${key}`);
    expect(res.status).toBe(401);
    expect(res.body.error.type).toBe('invalid_api_key');
  });

  it('when a rotated key reaches its expiry, then it stops at that exact instant', async () => {
    const expiresAt = new Date(NOW.getTime() + 60_000);
    const { key } = await keyRow({ expiresAt });
    const a = app({ ttlMs: 60_000 }).app;
    clock = new Date(expiresAt.getTime() - 1);
    const before = await request(a).get('/x').set('Authorization', `Bearer ${key}`);
    expect(before.status).toBe(200);
    expect(before.body.expiresAt).toBe(expiresAt.getTime());
    clock = expiresAt; // from the cache this time: expiry is checked on every request
    const at = await request(a).get('/x').set('Authorization', `Bearer ${key}`);
    expect(at.status).toBe(401);
    expect(at.body.error.type).toBe('invalid_api_key');
  });

  it.each([
    ['no subscription', {}, false],
    ['complimentary premium', { complimentary: true }, true],
    ['an active subscription to the plan', { subscription: { status: 'active', priceId: PLAN } }, true],
    ['an active subscription to another price', { subscription: { status: 'active', priceId: 'price_other' } }, false],
    ['a canceled subscription to the plan', { subscription: { status: 'canceled', priceId: PLAN } }, false],
    ['a plan subscription past_due for 1 h (grace 72 h)', { subscription: { status: 'past_due', priceId: PLAN, pastDueSince: new Date(NOW.getTime() - 3_600_000) } }, true],
  ])('when the account has %s, then premium is %s', async (_name, opts, premium) => {
    const { key } = await keyRow(opts);
    const res = await request(app().app).get('/x').set('Authorization', `Bearer ${key}`);
    expect(res.status).toBe(200);
    expect(res.body.premium).toBe(premium);
  });

  it('when a key was looked up once, then the next request is answered from the cache (no database read)', async () => {
    const { key, keyId } = await keyRow();
    const unknown = makeKey();
    const { app: a } = app({ ttlMs: 60_000 });
    expect((await request(a).get('/x').set('Authorization', `Bearer ${key}`)).status).toBe(200);
    expect((await request(a).get('/x').set('Authorization', `Bearer ${unknown}`)).status).toBe(401);
    // behind the cache's back (no invalidation): the cached answers stand until the TTL
    await db.prisma.apiKey.delete({ where: { id: keyId } });
    const user = await db.prisma.user.create({ data: { email: `auth-${randomBytes(5).toString('hex')}@example.com` } });
    await db.prisma.apiKey.create({ data: { userId: user.id, prefix: unknown.slice(0, 11), hash: sha256(unknown) } });
    expect((await request(a).get('/x').set('Authorization', `Bearer ${key}`)).status).toBe(200);
    expect((await request(a).get('/x').set('Authorization', `Bearer ${unknown}`)).status).toBe(401);
    // a fresh process reads the database
    expect((await request(app().app).get('/x').set('Authorization', `Bearer ${key}`)).status).toBe(401);
    expect((await request(app().app).get('/x').set('Authorization', `Bearer ${unknown}`)).status).toBe(200);
  });

  it('when a key changes during its lookup, then the stale answer is not cached', async () => {
    const { key, keyId } = await keyRow();
    const { cache, resolve } = app({ ttlMs: 60_000 });
    const pending = resolve(key);
    cache.keyChanged(sha256(key)); // a revoke commits while the lookup is in flight
    expect((await pending)?.keyId).toBe(keyId);
    await db.prisma.apiKey.update({ where: { id: keyId }, data: { revokedAt: NOW } });
    expect(await resolve(key)).toBeNull();
  });
});
