import passport from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import type { RequestHandler } from 'express';
import { AppError } from '../../lib/errors/app-error';
import type { PrismaClient } from '../../lib/db/prisma';
import { isPremium, type PremiumPolicy } from '../billing/premium';
import { hashApiKey, looksLikeApiKey } from '../keys/key-format';
import type { AuthCache, KeyPrincipal } from './auth-cache';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: KeyPrincipal;
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function createKeyResolver(deps: {
  prisma: PrismaClient;
  cache: AuthCache;
  premium: PremiumPolicy;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  return async function resolve(key: string): Promise<KeyPrincipal | null> {
    if (!looksLikeApiKey(key)) return null;
    const hash = hashApiKey(key);
    let principal = deps.cache.get(hash);
    if (principal === undefined) {
      const generation = deps.cache.generation();
      const row = await deps.prisma.apiKey.findUnique({
        where: { hash },
        include: { user: { include: { subscriptions: { select: { status: true, pastDueSince: true, priceId: true } } } } },
      });
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
 * Bearer-key authentication (passport-http-bearer). Only the Authorization header is read:
 * keys in query strings end up in logs and browser history.
 */
export function apiKeyAuth(resolve: KeyResolver): RequestHandler {
  const strategy = new BearerStrategy((token, done) => {
    resolve(token).then(
      (principal) => done(null, principal ?? false),
      (err: unknown) => done(err as Error),
    );
  });
  const authenticator = new passport.Passport();
  authenticator.use('api-key', strategy);
  const authenticate = (handler: (err: unknown, user: KeyPrincipal | false) => void): RequestHandler =>
    authenticator.authenticate('api-key', { session: false }, handler) as RequestHandler;

  return (req, res, next) => {
    const header = req.get('authorization');
    if (!header || !BEARER.test(header)) {
      next(new AppError('missing_api_key'));
      return;
    }
    authenticate((err, user) => {
      if (err) return next(err);
      if (!user) return next(new AppError('invalid_api_key'));
      req.principal = user;
      next();
    })(req, res, next);
  };
}
