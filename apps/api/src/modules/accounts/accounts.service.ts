import { AppError } from '../../lib/errors/app-error';
import type { PrismaClient } from '../../lib/db/prisma';
import type { Logger } from '../../lib/logger/logger';
import { normalizeEmail } from '../users/users.repository';
import type { AuthThrottle } from './auth-throttle';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password';
import type { IssuedSession, SessionService } from './sessions.service';

export interface SignedIn {
  user: { id: string; email: string };
  session: IssuedSession;
}

const EMAIL_TAKEN = 'An account with this email already exists';

/**
 * Sign-up, login, logout. An account created by the operator CLI has no password yet: signing
 * up with its email sets one ("claims" it). Once a password exists, sign-up answers 409.
 */
export function createAccountService(deps: {
  prisma: PrismaClient;
  sessions: SessionService;
  throttle: AuthThrottle;
  logger: Logger;
}) {
  return {
    async signup(input: { email: string; password: string; ip: string; previousToken?: string }): Promise<SignedIn> {
      const email = normalizeEmail(input.email);
      await deps.throttle.attempt(input.ip, email);
      const existing = await deps.prisma.user.findUnique({ where: { email } });
      if (existing?.passwordHash) throw new AppError('conflict', EMAIL_TAKEN);
      const passwordHash = await hashPassword(input.password);
      let user: { id: string; email: string };
      if (existing) {
        // only if still unclaimed: two concurrent claims cannot both win
        const claimed = await deps.prisma.user.updateMany({ where: { id: existing.id, passwordHash: null }, data: { passwordHash } });
        if (claimed.count === 0) throw new AppError('conflict', EMAIL_TAKEN);
        user = existing;
        deps.logger.info({ userId: user.id }, 'operator-created account claimed by sign-up');
      } else {
        user = await deps.prisma.user.create({ data: { email, passwordHash } }).catch((err: unknown) => {
          if ((err as { code?: string }).code === 'P2002') throw new AppError('conflict', EMAIL_TAKEN);
          throw err;
        });
      }
      await deps.sessions.destroy(input.previousToken);
      const session = await deps.sessions.create(user.id);
      return { user: { id: user.id, email: user.email }, session };
    },

    async login(input: { email: string; password: string; ip: string; previousToken?: string }): Promise<SignedIn> {
      const email = normalizeEmail(input.email);
      await deps.throttle.attempt(input.ip, email);
      const user = await deps.prisma.user.findUnique({ where: { email } });
      if (!user?.passwordHash) {
        await burnPasswordCheck(input.password); // same time as a real check
        throw new AppError('invalid_credentials');
      }
      if (!(await verifyPassword(input.password, user.passwordHash))) throw new AppError('invalid_credentials');
      await deps.throttle.succeeded(email);
      // a fresh session id on every login (no session fixation)
      await deps.sessions.destroy(input.previousToken);
      const session = await deps.sessions.create(user.id);
      return { user: { id: user.id, email: user.email }, session };
    },

    async logout(token: string | undefined): Promise<void> {
      await deps.sessions.destroy(token);
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
