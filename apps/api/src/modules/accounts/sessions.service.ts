import { createHash, randomBytes } from 'node:crypto';
import type { SessionRows } from './accounts.repository';

export interface IssuedSession {
  /** goes into the cookie; only its SHA-256 is stored */
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface ActiveSession {
  id: string;
  userId: string;
  csrfToken: string;
  expiresAt: Date;
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function sessionId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Dashboard sessions in PostgreSQL. The cookie holds a 256-bit random token; the row is keyed
 * by its SHA-256, so a database leak does not hand out live sessions.
 */
export function createSessionService(deps: { rows: SessionRows; ttlSeconds: number; now: () => Date }) {
  return {
    ttlSeconds: deps.ttlSeconds,

    async create(userId: string): Promise<IssuedSession> {
      const token = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(32).toString('base64url');
      const expiresAt = new Date(deps.now().getTime() + deps.ttlSeconds * 1000);
      await deps.rows.insert({ id: sessionId(token), userId, csrfToken, expiresAt });
      // housekeeping: this user's expired sessions
      await deps.rows.deleteExpired(userId, deps.now());
      return { token, csrfToken, expiresAt };
    },

    async resolve(token: string | undefined): Promise<ActiveSession | null> {
      if (!token || !TOKEN_SHAPE.test(token)) return null;
      const row = await deps.rows.findById(sessionId(token));
      if (!row) return null;
      if (row.expiresAt <= deps.now()) {
        await deps.rows.deleteById(row.id);
        return null;
      }
      return { id: row.id, userId: row.userId, csrfToken: row.csrfToken, expiresAt: row.expiresAt };
    },

    /** Ends every session of the user except `keepId` (the caller's own); returns how many ended. */
    async destroyAllFor(userId: string, keepId?: string): Promise<number> {
      return deps.rows.deleteAllOf(userId, keepId);
    },

    async destroy(token: string | undefined): Promise<void> {
      if (!token || !TOKEN_SHAPE.test(token)) return;
      await deps.rows.deleteById(sessionId(token));
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
