import type { NextFunction, Request, RequestHandler } from 'express';
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
  const unexpired = (principal: KeyPrincipal | null): KeyPrincipal | null =>
    principal && principal.expiresAt !== null && principal.expiresAt <= now().getTime() ? null : principal;

  async function lookup(hash: string): Promise<KeyPrincipal | null> {
    const generation = deps.cache.generation();
    const row = await deps.keys.findByHashForAuth(hash);
    const principal =
      row && !row.revokedAt
        ? {
            keyId: row.id,
            userId: row.userId,
            premium: isPremium(row.user, now(), deps.premium),
            expiresAt: row.expiresAt ? row.expiresAt.getTime() : null,
          }
        : null;
    deps.cache.set(hash, principal, generation);
    return unexpired(principal);
  }

  /**
   * The key's principal, or null for a key that is unknown, revoked or expired. A key the auth
   * cache knows is answered at once, without a promise (the hot path: most calls repeat a key);
   * otherwise the answer is a promise of the database lookup.
   */
  return function resolve(key: string): KeyPrincipal | null | Promise<KeyPrincipal | null> {
    if (!looksLikeApiKey(key)) return null;
    const hash = hashApiKey(key);
    const cached = deps.cache.get(hash);
    return cached === undefined ? lookup(hash) : unexpired(cached);
  };
}

export type KeyResolver = ReturnType<typeof createKeyResolver>;

/**
 * Bearer-key authentication. The header is parsed here rather than by passport-http-bearer:
 * that strategy splits on a single space (so `Bearer  <key>` failed) and refuses a request that
 * also carries `?access_token=` (so a stray query parameter turned a valid key into a 401).
 */
export function apiKeyAuth(resolve: KeyResolver, opts: { rawKey?: boolean } = {}): RequestHandler {
  const admit = (req: Request, principal: KeyPrincipal | null, next: NextFunction): void => {
    if (!principal) throw new AppError('invalid_api_key');
    req.principal = principal;
    next();
  };
  // not async: a cached key passes without a promise; a thrown AppError or a rejected lookup
  // reaches the error middlewares either way (Express 5 and the compiled route catch both)
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const token = BEARER.exec(header)?.[1] ?? (opts.rawKey ? RAW_KEY.exec(header)?.[1] : undefined);
    if (!token) throw new AppError('missing_api_key');
    const found = resolve(token);
    if (found instanceof Promise) return found.then((principal) => admit(req, principal, next));
    admit(req, found, next);
    return undefined;
  };
}
