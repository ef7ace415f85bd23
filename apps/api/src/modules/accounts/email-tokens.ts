import { createHash, randomBytes } from 'node:crypto';
import type { PrismaClient } from '../../lib/db/prisma';
import { AppError } from '../../lib/errors/app-error';

export type TokenPurpose = 'verify_email' | 'reset_password' | 'change_email';

/**
 * How long a link works. Verification and email change wait for someone to open their mail
 * (a day); a password reset is a sign-in credential, so it is short (an hour).
 */
export const TOKEN_TTL_SECONDS: Record<TokenPurpose, number> = {
  verify_email: 24 * 60 * 60,
  reset_password: 60 * 60,
  change_email: 24 * 60 * 60,
};

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const tokenId = (token: string) => createHash('sha256').update(token).digest('hex');

export interface EmailTokenRow {
  id: string;
  userId: string;
  purpose: string;
  email: string;
  passwordHash: string | null;
}

type Tx = Pick<PrismaClient, 'emailToken'>;

/**
 * Single-use links: 256 random bits in the link, only their SHA-256 in the database (a leaked
 * table opens no account), an expiry per purpose, and a used-at stamp so a second use is told
 * apart from a forged link.
 */
export function createEmailTokens(deps: { prisma: PrismaClient; now: () => Date }) {
  return {
    async issue(input: { userId: string; purpose: TokenPurpose; email: string; passwordHash?: string }): Promise<string> {
      const token = randomBytes(32).toString('base64url');
      const now = deps.now();
      await deps.prisma.emailToken.create({
        data: {
          id: tokenId(token),
          userId: input.userId,
          purpose: input.purpose,
          email: input.email,
          passwordHash: input.passwordHash ?? null,
          expiresAt: new Date(now.getTime() + TOKEN_TTL_SECONDS[input.purpose] * 1000),
        },
      });
      // housekeeping: this user's links that expired a day ago or more
      await deps.prisma.emailToken.deleteMany({ where: { userId: input.userId, expiresAt: { lte: new Date(now.getTime() - 86_400_000) } } });
      return token;
    },

    /**
     * The token's row if it can be used now. Throws 400 invalid_token (unknown, malformed, or
     * made for another purpose), 410 token_used, 410 token_expired.
     */
    async check(tx: Tx, token: string, purpose: TokenPurpose): Promise<EmailTokenRow> {
      if (!TOKEN_SHAPE.test(token)) throw new AppError('invalid_token');
      const row = await tx.emailToken.findUnique({ where: { id: tokenId(token) } });
      if (!row) throw new AppError('invalid_token');
      if (row.purpose !== purpose) throw new AppError('invalid_token', 'This link is for another action');
      if (row.usedAt) throw new AppError('token_used');
      if (row.expiresAt <= deps.now()) throw new AppError('token_expired');
      return { id: row.id, userId: row.userId, purpose: row.purpose, email: row.email, passwordHash: row.passwordHash };
    },

    /** check(), then marks the token used inside the caller's transaction: of two concurrent uses exactly one wins. */
    async consume(tx: Tx, token: string, purpose: TokenPurpose): Promise<EmailTokenRow> {
      const row = await this.check(tx, token, purpose);
      const won = await tx.emailToken.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: deps.now() } });
      if (won.count !== 1) throw new AppError('token_used');
      return row;
    },

    /** Every other open link of this purpose stops working (after a successful use). */
    async retireOthers(tx: Tx, userId: string, purposes: TokenPurpose[]): Promise<void> {
      await tx.emailToken.updateMany({ where: { userId, purpose: { in: purposes }, usedAt: null }, data: { usedAt: deps.now() } });
    },
  };
}

export type EmailTokens = ReturnType<typeof createEmailTokens>;
