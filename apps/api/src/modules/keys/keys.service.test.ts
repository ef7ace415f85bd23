import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { useTestPrisma } from '../../../../../tests/support/test-prisma';
import { createLogger } from '../../lib/logger/logger';
import { createAuthCache, type AuthCache } from './auth-cache';
import { createKeyService, keyStatus, type KeyService } from './keys.service';
import { createKeysRepository } from './keys.repository';
import { appErrorOf } from '../../../../../tests/support/app-error';

/**
 * The key lifecycle against real rows. Expected values are this test's own: the stored hash is
 * computed here (SHA-256 hex), the label limit (64) and the rotation grace (1 h here) are the
 * documented ones, statuses follow the table in docs/api.md.
 */
const logger = createLogger({ level: 'silent' });
const NOW = new Date('2026-06-01T12:00:00.000Z');
const GRACE_S = 3600;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const principal = (userId: string) => ({ keyId: 'k', userId, premium: false, expiresAt: null });


describe('keyStatus (fixed table)', () => {
  it.each([
    ['no revocation, no expiry', null, null, 'active'],
    ['expiry 1 ms ahead', null, new Date(NOW.getTime() + 1), 'expiring'],
    ['expiry exactly now', null, NOW, 'expired'],
    ['expiry 1 ms ago', null, new Date(NOW.getTime() - 1), 'expired'],
    ['revoked, no expiry', NOW, null, 'revoked'],
    ['revoked and expiring', NOW, new Date(NOW.getTime() + 1000), 'revoked'],
  ])('when the key has %s, then its status is %s', (_name, revokedAt, expiresAt, status) => {
    expect(keyStatus({ revokedAt, expiresAt }, NOW)).toBe(status);
  });
});

describe('key service (real PostgreSQL)', () => {
  const db = useTestPrisma();
  let cache: AuthCache;
  let keys: KeyService;
  let clock: Date;

  beforeEach(() => {
    clock = NOW;
    cache = createAuthCache({ ttlMs: 60_000, redis: null, logger });
    keys = createKeyService({ repo: createKeysRepository(db.prisma), authCache: cache, rotationGraceSeconds: GRACE_S, now: () => clock });
  });

  const newUser = async () => (await db.prisma.user.create({ data: { email: `keys-${randomBytes(5).toString('hex')}@example.com` } })).id;

  it('when a key is created, then only its SHA-256 and an 11-character prefix are stored, and the label is trimmed', async () => {
    const userId = await newUser();
    cache.set('placeholder', null, cache.generation());
    const { key, view } = await keys.create(userId, '  ci runner  ');
    expect(key).toMatch(/^sk-[A-Za-z0-9]{43}$/);
    const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: view.id } });
    expect(row.hash).toBe(sha256(key));
    expect(row.prefix).toBe(key.slice(0, 11));
    expect(row.name).toBe('ci runner');
    expect(JSON.stringify(row)).not.toContain(key.slice(11));
    expect(view).toEqual({
      id: row.id,
      name: 'ci runner',
      prefix: key.slice(0, 11),
      status: 'active',
      created_at: row.createdAt.toISOString(),
      last_used_at: null,
      revoked_at: null,
      expires_at: null,
    });
    const unnamed = await keys.create(userId);
    expect(unnamed.view.name).toBe('');
  });

  it('when a key is created for a hash cached as unknown, then the cached miss is dropped', async () => {
    const userId = await newUser();
    const { key } = await keys.create(userId);
    // the cache saw this hash as unknown before the create (set before, with the older generation)
    const stale = createAuthCache({ ttlMs: 60_000, redis: null, logger });
    const svc = createKeyService({ repo: createKeysRepository(db.prisma), authCache: stale, rotationGraceSeconds: GRACE_S, now: () => clock });
    stale.set(sha256(key), null, stale.generation());
    await svc.rename(userId, (await db.prisma.apiKey.findFirstOrThrow({ where: { hash: sha256(key) } })).id, 'x');
    expect(stale.get(sha256(key))).toBeNull(); // a rename changes nothing the cache holds
    const before = stale.generation(); // a lookup of the new key's hash starts before the create
    const created = await svc.create(userId);
    stale.set(sha256(created.key), null, before); // ... and finds nothing: that miss must not be cached
    expect(stale.get(sha256(created.key))).toBeUndefined();
  });

  it.each([
    ['64 characters', 'a'.repeat(64), true],
    ['64 characters plus surrounding spaces', `  ${'a'.repeat(64)}  `, true],
    ['65 characters', 'a'.repeat(65), false],
  ])('when the label is %s, then it is accepted: %s', async (_name, label, ok) => {
    const userId = await newUser();
    if (ok) {
      expect((await keys.create(userId, label)).view.name).toBe('a'.repeat(64));
      return;
    }
    const err = await appErrorOf(keys.create(userId, label));
    expect(err.code).toBe('bad_request');
    expect(err.message).toBe('Key label must be at most 64 characters');
    expect(await db.prisma.apiKey.count({ where: { userId } })).toBe(0);
    const k = await keys.create(userId, 'ok');
    const renameErr = await appErrorOf(keys.rename(userId, k.view.id, label));
    expect(renameErr.code).toBe('bad_request');
  });

  it('when keys are listed, then only the owner’s keys come back, newest first', async () => {
    const userId = await newUser();
    const other = await newUser();
    const first = await keys.create(userId, 'first');
    await db.prisma.apiKey.update({ where: { id: first.view.id }, data: { createdAt: new Date(NOW.getTime() - 60_000), lastUsedAt: NOW } });
    const second = await keys.create(userId, 'second');
    await keys.create(other, 'not mine');
    const list = await keys.list(userId);
    expect(list.map((k) => k.name)).toEqual(['second', 'first']);
    expect(list[1]?.last_used_at).toBe(NOW.toISOString());
    expect(list[0]?.id).toBe(second.view.id);
  });

  it('when a key is renamed, then the new trimmed label is stored; another account’s key is not_found', async () => {
    const userId = await newUser();
    const k = await keys.create(userId, 'old');
    expect((await keys.rename(userId, k.view.id, ' new ')).name).toBe('new');
    expect((await db.prisma.apiKey.findUniqueOrThrow({ where: { id: k.view.id } })).name).toBe('new');
    const err = await appErrorOf(keys.rename(await newUser(), k.view.id, 'stolen'));
    expect(err.code).toBe('not_found');
    expect(err.message).toBe('API key not found');
    expect((await db.prisma.apiKey.findUniqueOrThrow({ where: { id: k.view.id } })).name).toBe('new');
  });

  it('when a key is revoked, then it is revoked now, the cache drops it, and a second revoke keeps the first time', async () => {
    const userId = await newUser();
    const k = await keys.create(userId);
    const hash = sha256(k.key);
    cache.set(hash, principal(userId), cache.generation());
    const revoked = await keys.revoke(userId, k.view.id);
    expect(revoked.status).toBe('revoked');
    expect(revoked.revoked_at).toBe(NOW.toISOString());
    expect(cache.get(hash)).toBeUndefined();
    clock = new Date(NOW.getTime() + 60_000);
    cache.set(hash, principal(userId), cache.generation());
    const again = await keys.revoke(userId, k.view.id);
    expect(again.revoked_at).toBe(NOW.toISOString());
    expect((await db.prisma.apiKey.findUniqueOrThrow({ where: { id: k.view.id } })).revokedAt?.toISOString()).toBe(NOW.toISOString());
    expect(cache.get(hash)).toBeUndefined();
  });

  it('when the operator revokes (no account given), then any key can be revoked; an unknown id is not_found', async () => {
    const userId = await newUser();
    const k = await keys.create(userId);
    expect((await keys.revoke(null, k.view.id)).status).toBe('revoked');
    const err = await appErrorOf(keys.revoke(null, randomUUID()));
    expect([err.code, err.message]).toEqual(['not_found', 'API key not found']);
  });

  it('when another account revokes or deletes a key, then not_found and the key keeps working', async () => {
    const userId = await newUser();
    const k = await keys.create(userId);
    const intruder = await newUser();
    expect((await appErrorOf(keys.revoke(intruder, k.view.id))).code).toBe('not_found');
    expect((await appErrorOf(keys.remove(intruder, k.view.id))).code).toBe('not_found');
    expect((await appErrorOf(keys.rotate(intruder, k.view.id))).code).toBe('not_found');
    const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: k.view.id } });
    expect(row.revokedAt).toBeNull();
    expect(row.expiresAt).toBeNull();
  });

  it('when a key is deleted, then the row is gone and the cache drops it', async () => {
    const userId = await newUser();
    const k = await keys.create(userId);
    cache.set(sha256(k.key), principal(userId), cache.generation());
    await keys.remove(userId, k.view.id);
    expect(await db.prisma.apiKey.count({ where: { id: k.view.id } })).toBe(0);
    expect(cache.get(sha256(k.key))).toBeUndefined();
  });

  it('when a key is rotated, then a new key with the same label exists and the old one expires after the grace period', async () => {
    const userId = await newUser();
    const old = await keys.create(userId, 'prod');
    const oldHash = sha256(old.key);
    cache.set(oldHash, principal(userId), cache.generation());
    const r = await keys.rotate(userId, old.view.id);
    expect(r.key).toMatch(/^sk-[A-Za-z0-9]{43}$/);
    expect(r.key).not.toBe(old.key);
    expect(r.view.name).toBe('prod');
    expect(r.view.status).toBe('active');
    expect(r.previous.status).toBe('expiring');
    expect(r.previous.expires_at).toBe('2026-06-01T13:00:00.000Z');
    const oldRow = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: old.view.id } });
    expect(oldRow.replacedById).toBe(r.view.id);
    expect(oldRow.expiresAt?.toISOString()).toBe('2026-06-01T13:00:00.000Z');
    const newRow = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: r.view.id } });
    expect(newRow.hash).toBe(sha256(r.key));
    expect(newRow.prefix).toBe(r.key.slice(0, 11));
    expect(newRow.expiresAt).toBeNull();
    expect(cache.get(oldHash)).toBeUndefined();
  });

  it('when a key is rotated, then a miss cached for the new key’s hash cannot survive', async () => {
    const userId = await newUser();
    const old = await keys.create(userId);
    const before = cache.generation();
    const r = await keys.rotate(userId, old.view.id);
    // two invalidations (old and new hash) happened during the rotation
    expect(cache.generation()).toBe(before + 2);
    cache.set(sha256(r.key), null, before);
    expect(cache.get(sha256(r.key))).toBeUndefined();
  });

  it('when a key in its grace period or a revoked key is rotated, then 409 conflict and nothing changes', async () => {
    const userId = await newUser();
    const old = await keys.create(userId);
    await keys.rotate(userId, old.view.id);
    const err = await appErrorOf(keys.rotate(userId, old.view.id));
    expect(err.code).toBe('conflict');
    expect(err.message).toBe('Only an active key can be rotated');
    const revoked = await keys.create(userId);
    await keys.revoke(userId, revoked.view.id);
    expect((await appErrorOf(keys.rotate(userId, revoked.view.id))).code).toBe('conflict');
    expect(await db.prisma.apiKey.count({ where: { userId } })).toBe(3);
  });
});
