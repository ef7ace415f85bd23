import type { RequestHandler } from 'express';
import type { Env } from '../../lib/config/env';
import { AppError } from '../../lib/errors/app-error';
import { sendOk } from '../../lib/http/envelope';
import type { AccountRecoveryService } from './account-recovery.service';
import type { AccountService } from './accounts.service';
import { changeEmailSchema, changePasswordSchema, type LoggedOutEverywhereData, type MailSentData, type PasswordChangedData } from './accounts.schemas';
import { clearSessionCookie, sessionUserId } from './session.middleware';

/** Logged-in account settings, on the session + CSRF protected router: log out everywhere, password, email. */
export function createAccountSettingsHandlers(deps: { env: Env; accounts: AccountService; recovery: AccountRecoveryService }) {
  const logoutAll: RequestHandler = async (req, res) => {
    const ended = await deps.accounts.logoutEverywhere(sessionUserId(req));
    clearSessionCookie(req, res, deps.env);
    const data: LoggedOutEverywhereData = { logged_out: true, sessions_ended: ended };
    sendOk(res, data);
  };

  const changePassword: RequestHandler = async (req, res) => {
    const input = changePasswordSchema.parse(req.body);
    const sessionId = req.dashboardSession?.id;
    if (!sessionId) throw new AppError('unauthenticated');
    const ended = await deps.recovery.changePassword({
      userId: sessionUserId(req),
      sessionId,
      current: input.current_password,
      next: input.new_password,
      ip: req.ip ?? '',
    });
    const data: PasswordChangedData = { password_changed: true, other_sessions_ended: ended };
    sendOk(res, data);
  };

  const changeEmail: RequestHandler = async (req, res) => {
    const input = changeEmailSchema.parse(req.body);
    await deps.recovery.requestEmailChange({ userId: sessionUserId(req), ...input, ip: req.ip ?? '' });
    const data: MailSentData = { mail_sent: true };
    sendOk(res, data, 202);
  };

  return { logoutAll, changePassword, changeEmail };
}
