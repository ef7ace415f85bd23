import { AppError } from '../../lib/errors/app-error';
import type { Logger } from '../../lib/logger/logger';
import type { Mailer } from '../../lib/mail/mailer';
import { normalizeEmail, type UsersRepository } from '../users/users.repository';
import type { AccountMails } from './account-mails';
import type { AccountsRepository } from './accounts.repository';
import type { AuthThrottle } from './auth-throttle';
import type { EmailTokens } from './email-tokens';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password';
import type { IssuedSession, SessionService } from './sessions.service';

export interface SignedIn {
  user: { id: string; email: string };
  session: IssuedSession;
}

export interface AccountDeps {
  /** finding an account by address or id */
  users: Pick<UsersRepository, 'findByEmail' | 'findById' | 'findOrCreate'>;
  /** sessions, links and credential changes (the transactions) */
  repo: Pick<AccountsRepository, 'tokens' | 'setPasswordHash' | 'transaction'>;
  sessions: SessionService;
  throttle: AuthThrottle;
  tokens: EmailTokens;
  mailer: Pick<Mailer, 'queue'>;
  mails: AccountMails;
  logger: Logger;
  now: () => Date;
}

/**
 * Sign-up, email verification, login, logout. An account is usable from the dashboard only once
 * the owner of its address has followed the emailed link: sign-up never opens a session, never
 * sets a password on an existing account, and answers the same whether the address is new, an
 * unclaimed operator-created account, or a registered one (which gets a "someone tried" mail).
 */
export function createAccountService(deps: AccountDeps) {
  return {
    async signup(input: { email: string; password: string; ip: string }): Promise<void> {
      const email = normalizeEmail(input.email);
      await deps.throttle.attempt(input.ip, email);
      // hashed in every branch, so the answer takes as long for a registered address as for a new one
      const passwordHash = await hashPassword(input.password);
      const existing = await deps.users.findByEmail(email);
      if (existing?.emailVerifiedAt) {
        deps.mailer.queue(deps.mails.signupAttempt(email));
        return;
      }
      // New, or never verified (operator-created, an earlier unconfirmed sign-up, or an account
      // from before verification existed): the password waits in the token until the link is followed.
      const user = existing ?? (await deps.users.findOrCreate(email));
      const token = await deps.tokens.issue({ userId: user.id, purpose: 'verify_email', email, passwordHash });
      deps.mailer.queue(deps.mails.verify(email, token));
    },

    /**
     * The link from the verification mail, plus the password chosen at sign-up: holding the
     * mailbox alone (someone else signed up with your address) or the password alone (you
     * signed up with someone else's) is not enough. Sets the password, marks the address
     * verified, ends any older session of the account and opens one.
     */
    async verifyEmail(input: { token: string; password: string; ip: string; previousToken?: string }): Promise<SignedIn> {
      await deps.throttle.attempt(input.ip, `token:${input.token}`);
      const pending = await deps.tokens.check(deps.repo.tokens, input.token, 'verify_email');
      if (!pending.passwordHash || !(await verifyPassword(input.password, pending.passwordHash))) {
        throw new AppError('invalid_credentials', 'This is not the password chosen at sign-up');
      }
      const user = await deps.repo.transaction(async (tx) => {
        const row = await deps.tokens.consume(tx.tokens, input.token, 'verify_email');
        const owner = await tx.findUser(row.userId);
        if (!owner || owner.email !== row.email) throw new AppError('invalid_token', 'This link was sent to an address the account no longer uses');
        await deps.tokens.retireOthers(tx.tokens, owner.id, ['verify_email']);
        await tx.sessions.deleteAllOf(owner.id);
        return tx.updateUser(owner.id, { passwordHash: row.passwordHash, emailVerifiedAt: owner.emailVerifiedAt ?? deps.now() });
      });
      deps.logger.info({ userId: user.id }, 'email address verified');
      await deps.sessions.destroy(input.previousToken);
      const session = await deps.sessions.create(user.id);
      return { user: { id: user.id, email: user.email }, session };
    },

    async login(input: { email: string; password: string; ip: string; previousToken?: string }): Promise<SignedIn> {
      const email = normalizeEmail(input.email);
      await deps.throttle.attempt(input.ip, email);
      const user = await deps.users.findByEmail(email);
      if (!user?.passwordHash) {
        await burnPasswordCheck(input.password); // same time as a real check
        throw new AppError('invalid_credentials');
      }
      if (!(await verifyPassword(input.password, user.passwordHash))) throw new AppError('invalid_credentials');
      // only someone who knows the password learns that the address is still unproven
      if (!user.emailVerifiedAt) throw new AppError('email_not_verified');
      await deps.throttle.succeeded(input.ip, email);
      // a fresh session id on every login (no session fixation)
      await deps.sessions.destroy(input.previousToken);
      const session = await deps.sessions.create(user.id);
      return { user: { id: user.id, email: user.email }, session };
    },

    async logout(token: string | undefined): Promise<void> {
      await deps.sessions.destroy(token);
    },

    /** "Log out everywhere": every session of the account, this one included. */
    async logoutEverywhere(userId: string): Promise<number> {
      return deps.sessions.destroyAllFor(userId);
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
