import { createHash, randomBytes } from 'node:crypto';
import type { PrismaClient } from '../../lib/db/prisma';

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
export function createSessionService(deps: { prisma: PrismaClient; ttlSeconds: number; now: () => Date }) {
  return {
    ttlSeconds: deps.ttlSeconds,

    async create(userId: string): Promise<IssuedSession> {
      const token = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(32).toString('base64url');
      const expiresAt = new Date(deps.now().getTime() + deps.ttlSeconds * 1000);
      await deps.prisma.session.create({ data: { id: sessionId(token), userId, csrfToken, expiresAt } });
      // housekeeping: this user's expired sessions
      await deps.prisma.session.deleteMany({ where: { userId, expiresAt: { lte: deps.now() } } });
      return { token, csrfToken, expiresAt };
    },

    async resolve(token: string | undefined): Promise<ActiveSession | null> {
      if (!token || !TOKEN_SHAPE.test(token)) return null;
      const row = await deps.prisma.session.findUnique({ where: { id: sessionId(token) } });
      if (!row) return null;
      if (row.expiresAt <= deps.now()) {
        await deps.prisma.session.deleteMany({ where: { id: row.id } });
        return null;
      }
      return { id: row.id, userId: row.userId, csrfToken: row.csrfToken, expiresAt: row.expiresAt };
    },

    /** Ends every session of the user except `keepId` (the caller's own); returns how many ended. */
    async destroyAllFor(userId: string, keepId?: string): Promise<number> {
      const { count } = await deps.prisma.session.deleteMany({ where: { userId, ...(keepId ? { id: { not: keepId } } : {}) } });
      return count;
    },

    async destroy(token: string | undefined): Promise<void> {
      if (!token || !TOKEN_SHAPE.test(token)) return;
      await deps.prisma.session.deleteMany({ where: { id: sessionId(token) } });
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
