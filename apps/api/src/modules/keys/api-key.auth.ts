import type { RequestHandler } from 'express';
import { AppError } from '../../lib/errors/app-error';
import { isPremium, type PremiumPolicy } from '../billing/premium';
import { hashApiKey, looksLikeApiKey } from './key-format';
import type { AuthCache, KeyPrincipal } from './auth-cache';
import type { KeysRepository } from './keys.repository';
import { systemNow } from '../../lib/time/clock';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: KeyPrincipal;
  }
}

/**
 * `Bearer <key>` with any run of spaces or tabs after the scheme (RFC 7235 allows 1*SP; proxies
 * and hand-written clients send more). Only the header is read: keys in query strings or bodies
 * end up in logs and browser history and are ignored, never compared with the header's.
 */
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
// Facebo/Soundc clients send the key itself as the whole header value.
const RAW_KEY = /^[ \t]*(\S+)[ \t]*$/;

export function createKeyResolver(deps: {
  keys: Pick<KeysRepository, 'findByHashForAuth'>;
  cache: AuthCache;
  premium: PremiumPolicy;
  now?: () => Date;
}) {
  const now = deps.now ?? systemNow;
  return async function resolve(key: string): Promise<KeyPrincipal | null> {
    if (!looksLikeApiKey(key)) return null;
    const hash = hashApiKey(key);
    let principal = deps.cache.get(hash);
    if (principal === undefined) {
      const generation = deps.cache.generation();
      const row = await deps.keys.findByHashForAuth(hash);
      principal =
        row && !row.revokedAt
          ? {
              keyId: row.id,
              userId: row.userId,
              premium: isPremium(row.user, now(), deps.premium),
              expiresAt: row.expiresAt ? row.expiresAt.getTime() : null,
            }
          : null;
      deps.cache.set(hash, principal, generation);
    }
    if (principal && principal.expiresAt !== null && principal.expiresAt <= now().getTime()) return null;
    return principal;
  };
}

export type KeyResolver = ReturnType<typeof createKeyResolver>;

/**
 * Bearer-key authentication. The header is parsed here rather than by passport-http-bearer:
 * that strategy splits on a single space (so `Bearer  <key>` failed) and refuses a request that
 * also carries `?access_token=` (so a stray query parameter turned a valid key into a 401).
 */
export function apiKeyAuth(resolve: KeyResolver, opts: { rawKey?: boolean } = {}): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const token = BEARER.exec(header)?.[1] ?? (opts.rawKey ? RAW_KEY.exec(header)?.[1] : undefined);
    if (!token) throw new AppError('missing_api_key');
    const principal = await resolve(token);
    if (!principal) throw new AppError('invalid_api_key');
    req.principal = principal;
    next();
  };
}
