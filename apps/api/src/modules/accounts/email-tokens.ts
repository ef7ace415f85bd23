import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../../lib/errors/app-error';
import type { EmailTokenRows } from './accounts.repository';

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

/**
 * Single-use links: 256 random bits in the link, only their SHA-256 in the database (a leaked
 * table opens no account), an expiry per purpose, and a used-at stamp so a second use is told
 * apart from a forged link. `check`, `consume` and `retireOthers` take the rows to work on: the
 * repository's, or those of the caller's open transaction (`AccountsRepository.transaction`).
 */
export function createEmailTokens(deps: { rows: EmailTokenRows; now: () => Date }) {
  return {
    async issue(input: { userId: string; purpose: TokenPurpose; email: string; passwordHash?: string }): Promise<string> {
      const token = randomBytes(32).toString('base64url');
      const now = deps.now();
      await deps.rows.insert({
        id: tokenId(token),
        userId: input.userId,
        purpose: input.purpose,
        email: input.email,
        passwordHash: input.passwordHash ?? null,
        expiresAt: new Date(now.getTime() + TOKEN_TTL_SECONDS[input.purpose] * 1000),
      });
      // housekeeping: this user's links that expired a day ago or more
      await deps.rows.deleteExpired(input.userId, new Date(now.getTime() - 86_400_000));
      return token;
    },

    /**
     * The token's row if it can be used now. Throws 400 invalid_token (unknown, malformed, or
     * made for another purpose), 410 token_used, 410 token_expired.
     */
    async check(rows: EmailTokenRows, token: string, purpose: TokenPurpose): Promise<EmailTokenRow> {
      if (!TOKEN_SHAPE.test(token)) throw new AppError('invalid_token');
      const row = await rows.findById(tokenId(token));
      if (!row) throw new AppError('invalid_token');
      if (row.purpose !== purpose) throw new AppError('invalid_token', 'This link is for another action');
      if (row.usedAt) throw new AppError('token_used');
      if (row.expiresAt <= deps.now()) throw new AppError('token_expired');
      return { id: row.id, userId: row.userId, purpose: row.purpose, email: row.email, passwordHash: row.passwordHash };
    },

    /** check(), then marks the token used inside the caller's transaction: of two concurrent uses exactly one wins. */
    async consume(rows: EmailTokenRows, token: string, purpose: TokenPurpose): Promise<EmailTokenRow> {
      const row = await this.check(rows, token, purpose);
      if (!(await rows.markUsed(row.id, deps.now()))) throw new AppError('token_used');
      return row;
    },

    /** Every other open link of this purpose stops working (after a successful use). */
    async retireOthers(rows: EmailTokenRows, userId: string, purposes: TokenPurpose[]): Promise<void> {
      await rows.retire(userId, purposes, deps.now());
    },
  };
}

export type EmailTokens = ReturnType<typeof createEmailTokens>;
