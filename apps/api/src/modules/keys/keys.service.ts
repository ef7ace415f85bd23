import { AppError } from '../../lib/errors/app-error';
import type { AuthCache } from './auth-cache';
import { displayPrefix, generateApiKey, hashApiKey } from './key-format';
import type { KeysRepository } from './keys.repository';
import { KEY_NAME_MAX, type KeyStatus, type KeyView } from './keys.schemas';
import { systemNow } from '../../lib/time/clock';

export { KEY_NAME_MAX, type KeyStatus, type KeyView };

interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  expiresAt: Date | null;
}

export function keyStatus(row: Pick<KeyRow, 'revokedAt' | 'expiresAt'>, now: Date): KeyStatus {
  if (row.revokedAt) return 'revoked';
  if (row.expiresAt) return row.expiresAt <= now ? 'expired' : 'expiring';
  return 'active';
}

/**
 * API key lifecycle. The full key exists only in the return value of create/rotate; we keep
 * its SHA-256 and a display prefix. Every change is pushed to the auth cache of all processes.
 */
export function createKeyService(deps: {
  repo: KeysRepository;
  authCache: Pick<AuthCache, 'keyChanged'>;
  rotationGraceSeconds: number;
  now?: () => Date;
}) {
  const now = deps.now ?? systemNow;

  const view = (row: KeyRow): KeyView => ({
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    status: keyStatus(row, now()),
    created_at: row.createdAt.toISOString(),
    last_used_at: row.lastUsedAt?.toISOString() ?? null,
    revoked_at: row.revokedAt?.toISOString() ?? null,
    expires_at: row.expiresAt?.toISOString() ?? null,
  });

  function cleanName(name: string | undefined): string {
    const trimmed = (name ?? '').trim();
    if (trimmed.length > KEY_NAME_MAX) throw new AppError('bad_request', `Key label must be at most ${KEY_NAME_MAX} characters`);
    return trimmed;
  }

  async function ownedKey(userId: string, keyId: string) {
    const row = await deps.repo.findOwned(userId, keyId);
    if (!row) throw new AppError('not_found', 'API key not found');
    return row;
  }

  return {
    async create(userId: string, name?: string): Promise<{ key: string; view: KeyView }> {
      const key = generateApiKey();
      const hash = hashApiKey(key);
      const row = await deps.repo.create({ userId, name: cleanName(name), prefix: displayPrefix(key), hash });
      deps.authCache.keyChanged(hash); // drops a cached negative lookup of this hash, if any
      return { key, view: view(row) };
    },

    async list(userId: string): Promise<KeyView[]> {
      const rows = await deps.repo.listOwned(userId);
      return rows.map(view);
    },

    async rename(userId: string, keyId: string, name: string): Promise<KeyView> {
      await ownedKey(userId, keyId);
      return view(await deps.repo.rename(keyId, cleanName(name)));
    },

    /** Idempotent: revoking a revoked key keeps the first revocation time. */
    async revoke(userId: string | null, keyId: string): Promise<KeyView> {
      const row = userId ? await ownedKey(userId, keyId) : await deps.repo.findById(keyId);
      if (!row) throw new AppError('not_found', 'API key not found');
      const updated = row.revokedAt
        ? row
        : await deps.repo.revoke(keyId, now());
      deps.authCache.keyChanged(row.hash);
      return view(updated);
    },

    async remove(userId: string, keyId: string): Promise<void> {
      const row = await ownedKey(userId, keyId);
      await deps.repo.remove(keyId);
      deps.authCache.keyChanged(row.hash);
    },

    /** New key now; the old one keeps working for the grace period, then stops. */
    async rotate(userId: string, keyId: string): Promise<{ key: string; view: KeyView; previous: KeyView }> {
      const old = await ownedKey(userId, keyId);
      // a key already in its rotation grace period has a replacement: rotate that one instead
      if (old.revokedAt || old.expiresAt) {
        throw new AppError('conflict', 'Only an active key can be rotated');
      }
      const key = generateApiKey();
      const hash = hashApiKey(key);
      const graceEnd = new Date(now().getTime() + deps.rotationGraceSeconds * 1000);
      // only an active key gets here (no expiry of its own): it ends with the grace period
      const [created, previous] = await deps.repo.replace(old, { prefix: displayPrefix(key), hash }, graceEnd);
      deps.authCache.keyChanged(old.hash);
      deps.authCache.keyChanged(hash);
      return { key, view: view(created), previous: view(previous) };
    },
  };
}

export type KeyService = ReturnType<typeof createKeyService>;
