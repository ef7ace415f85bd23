import type { Router } from 'express';
import type { Env } from '../../lib/config/env';
import { sendOk } from '../../lib/http/envelope';
import type { AccountRecoveryService } from './account-recovery.service';
import type { AccountService, SignedIn } from './accounts.service';
import {
  confirmEmailSchema,
  credentialsSchema,
  forgotPasswordSchema,
  loginSchema,
  resetPasswordSchema,
  verifyEmailSchema,
  type AuthResponseData,
  type MailSentData,
} from './accounts.schemas';
import { clearSessionCookie, csrfGuard, sessionToken, setSessionCookie, requireSession } from './session.middleware';
import type { SessionService } from './sessions.service';

/**
 * The steps before a session exists (no CSRF token yet; the Origin check still applies):
 * POST /signup, /verify-email, /login, /password/forgot, /password/reset, /email/confirm.
 * POST /logout needs the session and its CSRF token.
 */
export function registerAccountRoutes(
  router: Router,
  deps: { env: Env; accounts: AccountService; recovery: AccountRecoveryService; sessions: SessionService },
): void {
  const body = (signedIn: SignedIn): AuthResponseData => ({ user: signedIn.user, csrf_token: signedIn.session.csrfToken });
  const ip = (req: { ip?: string }) => req.ip ?? '';

  router.post('/signup', async (req, res) => {
    const input = credentialsSchema.parse(req.body);
    await deps.accounts.signup({ ...input, ip: ip(req) });
    const data: MailSentData = { mail_sent: true };
    sendOk(res, data, 202);
  });

  router.post('/verify-email', async (req, res) => {
    const input = verifyEmailSchema.parse(req.body);
    const signedIn = await deps.accounts.verifyEmail({ ...input, ip: ip(req), previousToken: sessionToken(req) });
    setSessionCookie(req, res, deps.env, signedIn.session);
    sendOk(res, body(signedIn));
  });

  router.post('/login', async (req, res) => {
    const input = loginSchema.parse(req.body);
    const signedIn = await deps.accounts.login({ ...input, ip: ip(req), previousToken: sessionToken(req) });
    setSessionCookie(req, res, deps.env, signedIn.session);
    sendOk(res, body(signedIn));
  });

  router.post('/password/forgot', async (req, res) => {
    const input = forgotPasswordSchema.parse(req.body);
    await deps.recovery.forgotPassword({ ...input, ip: ip(req) });
    const data: MailSentData = { mail_sent: true };
    sendOk(res, data, 202);
  });

  router.post('/password/reset', async (req, res) => {
    const input = resetPasswordSchema.parse(req.body);
    const { email } = await deps.recovery.resetPassword({ ...input, ip: ip(req) });
    clearSessionCookie(req, res, deps.env);
    sendOk(res, { password_reset: true, email });
  });

  router.post('/email/confirm', async (req, res) => {
    const input = confirmEmailSchema.parse(req.body);
    sendOk(res, await deps.recovery.confirmEmailChange({ ...input, ip: ip(req) }));
  });

  router.post('/logout', requireSession(deps.sessions), csrfGuard(), async (req, res) => {
    await deps.accounts.logout(sessionToken(req));
    clearSessionCookie(req, res, deps.env);
    sendOk(res, { logged_out: true });
  });
}
