import { AppError } from '../../lib/errors/app-error';
import { normalizeEmail } from '../users/users.repository';
import type { AccountDeps } from './accounts.service';
import { hashPassword, verifyPassword } from './password';

/**
 * Forgot/reset password, password change and email change. Every change of credentials is
 * proven by a link sent to the address concerned; the answers of the unauthenticated steps do
 * not say whether an address has an account.
 */
export function createAccountRecoveryService(deps: AccountDeps) {
  async function checkCurrentPassword(userId: string, password: string, ip: string) {
    const user = await deps.users.findById(userId);
    if (!user) throw new AppError('unauthenticated');
    await deps.throttle.attempt(ip, user.email);
    if (!user.passwordHash || !(await verifyPassword(password, user.passwordHash))) throw new AppError('wrong_password');
    return user;
  }

  return {
    /** Sends a reset link when the address has an account (verified or not: following it proves the mailbox). */
    async forgotPassword(input: { email: string; ip: string }): Promise<void> {
      const email = normalizeEmail(input.email);
      await deps.throttle.attempt(input.ip, email);
      const user = await deps.users.findByEmail(email);
      if (!user) return;
      const token = await deps.tokens.issue({ userId: user.id, purpose: 'reset_password', email });
      deps.mailer.queue(deps.mails.reset(email, token));
    },

    /** Sets the new password, marks the address verified (the link proved it) and ends every session. */
    async resetPassword(input: { token: string; password: string; ip: string }): Promise<{ email: string }> {
      await deps.throttle.attempt(input.ip, `token:${input.token}`);
      await deps.tokens.check(deps.repo.tokens, input.token, 'reset_password');
      const passwordHash = await hashPassword(input.password);
      const user = await deps.repo.transaction(async (tx) => {
        const row = await deps.tokens.consume(tx.tokens, input.token, 'reset_password');
        const owner = await tx.findUser(row.userId);
        if (!owner || owner.email !== row.email) throw new AppError('invalid_token', 'This link was sent to an address the account no longer uses');
        // older reset links and pending sign-up links (each carries a password) stop working
        await deps.tokens.retireOthers(tx.tokens, owner.id, ['reset_password', 'verify_email']);
        await tx.sessions.deleteAllOf(owner.id);
        return tx.updateUser(owner.id, { passwordHash, emailVerifiedAt: owner.emailVerifiedAt ?? deps.now() });
      });
      deps.logger.info({ userId: user.id }, 'password reset through the emailed link; every session ended');
      return { email: user.email };
    },

    /** Logged in: needs the current password; ends every other session. */
    async changePassword(input: { userId: string; sessionId: string; current: string; next: string; ip: string }): Promise<number> {
      const user = await checkCurrentPassword(input.userId, input.current, input.ip);
      const passwordHash = await hashPassword(input.next);
      await deps.repo.setPasswordHash(user.id, passwordHash);
      const ended = await deps.sessions.destroyAllFor(user.id, input.sessionId);
      deps.mailer.queue(deps.mails.passwordChanged(user.email));
      return ended;
    },

    /**
     * Logged in: needs the current password; the link goes to the NEW address. If that address
     * already has an account, its owner is told instead (same answer to the requester).
     */
    async requestEmailChange(input: { userId: string; email: string; password: string; ip: string }): Promise<void> {
      const user = await checkCurrentPassword(input.userId, input.password, input.ip);
      const next = normalizeEmail(input.email);
      if (next === user.email) throw new AppError('bad_request', 'email: this is already the address of the account');
      const taken = await deps.users.findByEmail(next);
      if (taken) {
        deps.mailer.queue(deps.mails.changeEmailTaken(next));
        return;
      }
      const token = await deps.tokens.issue({ userId: user.id, purpose: 'change_email', email: next });
      deps.mailer.queue(deps.mails.changeEmail(next, token, user.email));
    },

    /** The link from the new address: switches the account to it and tells the old address. */
    async confirmEmailChange(input: { token: string; ip: string }): Promise<{ email: string }> {
      await deps.throttle.attempt(input.ip, `token:${input.token}`);
      const { previous, next, userId } = await deps.repo.transaction(async (tx) => {
        const row = await deps.tokens.consume(tx.tokens, input.token, 'change_email');
        const owner = await tx.findUser(row.userId);
        if (!owner) throw new AppError('invalid_token');
        if (await tx.findUserByEmail(row.email)) throw new AppError('conflict', 'An account with this email already exists');
        await deps.tokens.retireOthers(tx.tokens, owner.id, ['change_email', 'verify_email', 'reset_password']);
        await tx.updateUser(owner.id, { email: row.email, emailVerifiedAt: deps.now() });
        return { previous: owner.email, next: row.email, userId: owner.id };
      });
      deps.logger.info({ userId }, 'email address changed through the emailed link');
      deps.mailer.queue(deps.mails.emailChanged(previous, next));
      return { email: next };
    },
  };
}

export type AccountRecoveryService = ReturnType<typeof createAccountRecoveryService>;
