import type { Router } from 'express';
import type { Env } from '../../lib/config/env';
import { sendOk } from '../../lib/http/envelope';
import type { AccountService, SignedIn } from './accounts.service';
import { credentialsSchema, loginSchema, type AuthResponseData } from './accounts.schemas';
import { clearSessionCookie, csrfGuard, sessionToken, setSessionCookie, requireSession } from './session.middleware';
import type { SessionService } from './sessions.service';

/**
 * POST /signup, /login (no CSRF token yet: they create the session; the Origin check still
 * applies), POST /logout (session + CSRF token).
 */
export function registerAccountRoutes(
  router: Router,
  deps: { env: Env; accounts: AccountService; sessions: SessionService },
): void {
  const body = (signedIn: SignedIn): AuthResponseData => ({ user: signedIn.user, csrf_token: signedIn.session.csrfToken });

  router.post('/signup', async (req, res) => {
    const input = credentialsSchema.parse(req.body);
    const signedIn = await deps.accounts.signup({ ...input, ip: req.ip ?? '', previousToken: sessionToken(req) });
    setSessionCookie(req, res, deps.env, signedIn.session);
    sendOk(res, body(signedIn), 201);
  });

  router.post('/login', async (req, res) => {
    const input = loginSchema.parse(req.body);
    const signedIn = await deps.accounts.login({ ...input, ip: req.ip ?? '', previousToken: sessionToken(req) });
    setSessionCookie(req, res, deps.env, signedIn.session);
    sendOk(res, body(signedIn));
  });

  router.post('/logout', requireSession(deps.sessions), csrfGuard(), async (req, res) => {
    await deps.accounts.logout(sessionToken(req));
    clearSessionCookie(req, res, deps.env);
    sendOk(res, { logged_out: true });
  });
}
