import type { RequestHandler } from 'express';
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
  type EmailConfirmedData,
  type LoggedOutData,
  type MailSentData,
  type PasswordResetData,
} from './accounts.schemas';
import { clearSessionCookie, sessionToken, setSessionCookie } from './session.middleware';

/**
 * The steps before a session exists (no CSRF token yet; the Origin check still applies):
 * POST /signup, /verify-email, /login, /password/forgot, /password/reset, /email/confirm.
 * POST /logout needs the session and its CSRF token (app.ts mounts it behind both).
 */
export function createAccountHandlers(deps: { env: Env; accounts: AccountService; recovery: AccountRecoveryService }) {
  const body = (signedIn: SignedIn): AuthResponseData => ({ user: signedIn.user, csrf_token: signedIn.session.csrfToken });
  const ip = (req: { ip?: string }) => req.ip ?? '';

  const signup: RequestHandler = async (req, res) => {
    const input = credentialsSchema.parse(req.body);
    await deps.accounts.signup({ ...input, ip: ip(req) });
    const data: MailSentData = { mail_sent: true };
    sendOk(res, data, 202);
  };

  const verifyEmail: RequestHandler = async (req, res) => {
    const input = verifyEmailSchema.parse(req.body);
    const signedIn = await deps.accounts.verifyEmail({ ...input, ip: ip(req), previousToken: sessionToken(req) });
    setSessionCookie(req, res, deps.env, signedIn.session);
    sendOk(res, body(signedIn));
  };

  const login: RequestHandler = async (req, res) => {
    const input = loginSchema.parse(req.body);
    const signedIn = await deps.accounts.login({ ...input, ip: ip(req), previousToken: sessionToken(req) });
    setSessionCookie(req, res, deps.env, signedIn.session);
    sendOk(res, body(signedIn));
  };

  const forgotPassword: RequestHandler = async (req, res) => {
    const input = forgotPasswordSchema.parse(req.body);
    await deps.recovery.forgotPassword({ ...input, ip: ip(req) });
    const data: MailSentData = { mail_sent: true };
    sendOk(res, data, 202);
  };

  const resetPassword: RequestHandler = async (req, res) => {
    const input = resetPasswordSchema.parse(req.body);
    const { email } = await deps.recovery.resetPassword({ ...input, ip: ip(req) });
    clearSessionCookie(req, res, deps.env);
    const data: PasswordResetData = { password_reset: true, email };
    sendOk(res, data);
  };

  const confirmEmail: RequestHandler = async (req, res) => {
    const input = confirmEmailSchema.parse(req.body);
    const data: EmailConfirmedData = await deps.recovery.confirmEmailChange({ ...input, ip: ip(req) });
    sendOk(res, data);
  };

  const logout: RequestHandler = async (req, res) => {
    await deps.accounts.logout(sessionToken(req));
    clearSessionCookie(req, res, deps.env);
    const data: LoggedOutData = { logged_out: true };
    sendOk(res, data);
  };

  return { signup, verifyEmail, login, forgotPassword, resetPassword, confirmEmail, logout };
}
