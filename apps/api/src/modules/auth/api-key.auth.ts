import { Strategy as BearerStrategy } from 'passport-http-bearer';
import type { RequestHandler } from 'express';
import { AppError } from '../../lib/errors/app-error';
import type { PrismaClient } from '../../lib/db/prisma';
import { isPremium } from '../billing/premium';
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
  pastDueGraceHours: number;
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
        include: { user: { include: { subscriptions: { select: { status: true, pastDueSince: true } } } } },
      });
      principal =
        row && !row.revokedAt
          ? {
              keyId: row.id,
              userId: row.userId,
              premium: isPremium(row.user, now(), deps.pastDueGraceHours),
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

/** The actions passport gives a strategy for one request (passport.Strategy's contract). */
interface StrategyActions {
  success(user: KeyPrincipal): void;
  fail(challenge?: unknown, status?: number): void;
  error(err: unknown): void;
}

/**
 * Bearer-key authentication (passport-http-bearer). Only the Authorization header is read:
 * keys in query strings end up in logs and browser history.
 *
 * The strategy is driven the way passport drives it (a per-request instance created from the
 * strategy with success/fail/error actions), without passport.authenticate(): that wrapper
 * builds a dozen closures per request and installs session helpers (req.login/logout) an API
 * key never uses, which the hot-path profile showed as one of its largest items.
 */
export function apiKeyAuth(resolve: KeyResolver): RequestHandler {
  const strategy = new BearerStrategy((token, done) => {
    resolve(token).then(
      (principal) => done(null, principal ?? false),
      (err: unknown) => done(err as Error),
    );
  });

  return (req, _res, next) => {
    const header = req.get('authorization');
    if (!header || !BEARER.test(header)) {
      next(new AppError('missing_api_key'));
      return;
    }
    const attempt = Object.create(strategy) as typeof strategy & StrategyActions;
    attempt.success = (user: KeyPrincipal) => {
      req.principal = user;
      next();
    };
    attempt.fail = () => next(new AppError('invalid_api_key'));
    attempt.error = (err: unknown) => next(err);
    attempt.authenticate(req);
  };
}
