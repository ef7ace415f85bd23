import { timingSafeEqual } from 'node:crypto';
import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import type { Env } from '../../lib/config/env';
import { AppError } from '../../lib/errors/app-error';
import type { ActiveSession, IssuedSession, SessionService } from './sessions.service';

export const SESSION_COOKIE = 'twdown_session';
export const CSRF_HEADER = 'x-csrf-token';
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'express-serve-static-core' {
  interface Request {
    dashboardSession?: ActiveSession;
  }
}

type CookieEnv = Pick<Env, 'COOKIE_SECURE' | 'SESSION_TTL_SECONDS'>;

function cookieOptions(req: Request, env: CookieEnv): CookieOptions {
  const secure = env.COOKIE_SECURE === 'true' || (env.COOKIE_SECURE === 'auto' && req.secure);
  return { httpOnly: true, sameSite: 'lax', secure, path: '/' };
}

export function sessionToken(req: Request): string | undefined {
  const cookies = req.cookies as Record<string, unknown> | undefined;
  const value = cookies?.[SESSION_COOKIE];
  return typeof value === 'string' ? value : undefined;
}

export function setSessionCookie(req: Request, res: Response, env: CookieEnv, session: IssuedSession): void {
  res.cookie(SESSION_COOKIE, session.token, { ...cookieOptions(req, env), maxAge: env.SESSION_TTL_SECONDS * 1000 });
}

export function clearSessionCookie(req: Request, res: Response, env: CookieEnv): void {
  res.clearCookie(SESSION_COOKIE, cookieOptions(req, env));
}

/** The logged-in user's id, for handlers behind requireSession(). */
export function sessionUserId(req: Request): string {
  const userId = req.dashboardSession?.userId;
  if (!userId) throw new AppError('unauthenticated');
  return userId;
}

/** 401 unauthenticated unless the cookie names a live session. */
export function requireSession(sessions: SessionService): RequestHandler {
  return async (req, _res, next) => {
    const session = await sessions.resolve(sessionToken(req));
    if (!session) throw new AppError('unauthenticated');
    req.dashboardSession = session;
    next();
  };
}

/** The origins this server answers as: its own (as the browser addressed it) and PUBLIC_BASE_URL's. */
function isSameOrigin(req: Request, publicBaseUrl: string | undefined): boolean {
  const origin = req.get('origin');
  if (origin === undefined) return true; // non-browser clients and some same-origin GETs omit it
  const allowed = new Set([`${req.protocol}://${req.get('host') ?? ''}`]);
  if (publicBaseUrl) allowed.add(new URL(publicBaseUrl).origin);
  return allowed.has(origin);
}

/** Rejects a state-changing request sent from another site (Origin present and foreign). */
export function originGuard(env: Pick<Env, 'PUBLIC_BASE_URL'>): RequestHandler {
  return (req, _res, next) => {
    if (UNSAFE_METHODS.has(req.method) && !isSameOrigin(req, env.PUBLIC_BASE_URL)) throw new AppError('csrf_failed');
    next();
  };
}

/**
 * Synchronizer token: a state-changing request must echo the session's CSRF token in
 * X-CSRF-Token. Runs after requireSession.
 */
export function csrfGuard(): RequestHandler {
  return (req, _res, next) => {
    if (!UNSAFE_METHODS.has(req.method)) return next();
    const expected = req.dashboardSession?.csrfToken;
    const sent = req.get(CSRF_HEADER);
    if (!expected || !sent) throw new AppError('csrf_failed');
    const a = Buffer.from(sent);
    const b = Buffer.from(expected);
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw new AppError('csrf_failed');
    next();
  };
}
