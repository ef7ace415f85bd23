import { AppError } from '../../lib/errors/app-error';
import { isPrismaError } from '../../lib/db/db-errors';
import type { CreditKind, CreditsRepository, LockedLedger } from './credits.repository';
import { systemNow } from '../../lib/time/clock';

/**
 * The credits ledger. Every change is a new row (grant > 0, spend < 0, refund > 0); the balance
 * is the SUM of a user's rows, so there is no counter that can drift from the history.
 *
 * Spends are serialised per user: `reserve` and `refund` lock the user's row (FOR NO KEY UPDATE,
 * which does not block the FOR KEY SHARE that foreign-key inserts elsewhere take) inside one
 * transaction, then read the balance and write. Two concurrent conversions therefore never
 * overdraw. Grants only ever raise the balance, so they take no lock; their idempotency rests on
 * the unique key alone.
 */

/** A spend key replays (no second charge) for this long after the spend, unless it was refunded. */
export const REPLAY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Largest amount of one row: far above any real grant, and safely inside PostgreSQL's INTEGER. */
export const MAX_CREDIT_AMOUNT = 1_000_000_000;
export const MAX_RECENT_ENTRIES = 100;
const MAX_KEY_LENGTH = 255;
const MAX_REASON_LENGTH = 500;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type { CreditKind };

export interface CreditEntryView {
  id: string;
  amount: number;
  reason: string;
  kind: CreditKind;
  createdAt: Date;
}

export interface CreditChangeInput {
  userId: string;
  /** Positive whole number of credits. */
  amount: number;
  reason: string;
  idempotencyKey: string;
}

function badInput(message: string): AppError {
  return new AppError('bad_request', message);
}

function checkUuid(name: string, value: unknown): string {
  if (typeof value !== 'string' || !UUID_RE.test(value)) throw badInput(`${name} must be a UUID`);
  return value;
}

const checkUserId = (userId: unknown) => checkUuid('userId', userId);

function checkText(name: string, value: unknown, max: number): string {
  if (typeof value !== 'string' || value.trim() === '') throw badInput(`${name} must be a non-empty string`);
  if (value.length > max) throw badInput(`${name} must be at most ${max} characters`);
  return value;
}

function checkInput(input: CreditChangeInput): CreditChangeInput {
  const { amount } = input;
  if (typeof amount !== 'number' || !Number.isInteger(amount) || amount <= 0) {
    throw badInput(`amount must be a positive whole number of credits (got ${String(amount)})`);
  }
  if (amount > MAX_CREDIT_AMOUNT) throw badInput(`amount must be at most ${MAX_CREDIT_AMOUNT}`);
  return {
    userId: checkUserId(input.userId),
    amount,
    reason: checkText('reason', input.reason, MAX_REASON_LENGTH),
    idempotencyKey: checkText('idempotencyKey', input.idempotencyKey, MAX_KEY_LENGTH),
  };
}

const unknownUser = () => new AppError('not_found', 'Unknown user');

export function createCreditsService(deps: { repo: CreditsRepository; now?: () => Date }) {
  const { repo } = deps;
  const now = deps.now ?? systemNow;

  /** Serialises this user's spends and refunds until the transaction ends; fails if no such user. */
  async function lockUser(tx: LockedLedger, userId: string): Promise<void> {
    if (!(await tx.lockUser(userId))) throw unknownUser();
  }

  return {
    async balance(userId: string): Promise<number> {
      return repo.balance(checkUserId(userId));
    },

    /**
     * Adds credits once per idempotency key (per user); a repeat returns the first row, even with
     * another amount: the key names the event (an invoice, a month), and CREDITS_PER_PERIOD may
     * have changed between two deliveries of it. Refusing would make Stripe retry for days.
     */
    async grant(raw: CreditChangeInput): Promise<{ entryId: string; created: boolean }> {
      const input = checkInput(raw);
      const existing = () => repo.findGrant(input.userId, input.idempotencyKey);
      const found = await existing();
      if (found) return { entryId: found.id, created: false };
      try {
        const row = await repo.insert({
          userId: input.userId,
          kind: 'grant',
          amount: input.amount,
          reason: input.reason,
          idempotencyKey: input.idempotencyKey,
          createdAt: now(),
        });
        return { entryId: row.id, created: true };
      } catch (err) {
        if (isPrismaError(err, 'foreignKeyViolation')) throw unknownUser();
        if (!isPrismaError(err, 'uniqueViolation')) throw err;
        // A concurrent grant with the same key won the insert.
        const row = await existing();
        if (!row) throw err;
        return { entryId: row.id, created: false };
      }
    },

    /**
     * Atomically checks the balance and writes the spend. The same key within REPLAY_WINDOW_MS of
     * a spend that was not refunded returns that spend (replayed) and charges nothing; after the
     * window or a refund the key charges again.
     */
    async reserve(raw: CreditChangeInput): Promise<{ entryId: string; replayed: boolean }> {
      const input = checkInput(raw);
      return repo.locked(async (tx) => {
        await lockUser(tx, input.userId);
        const at = now();
        const last = await tx.lastSpend(input.userId, input.idempotencyKey);
        if (last && !last.refund && at.getTime() - last.createdAt.getTime() < REPLAY_WINDOW_MS) {
          if (-last.amount !== input.amount) {
            throw new AppError('conflict', `Idempotency key was already used for a charge of ${-last.amount} credits`);
          }
          return { entryId: last.id, replayed: true };
        }
        const balance = await tx.balance(input.userId);
        if (balance < input.amount) {
          throw new AppError('insufficient_credits', undefined, { details: { balance, required: input.amount } });
        }
        const row = await tx.insert({
          userId: input.userId,
          kind: 'spend',
          amount: -input.amount,
          reason: input.reason,
          idempotencyKey: input.idempotencyKey,
          attempt: last ? last.attempt + 1 : 0,
          createdAt: at,
        });
        return { entryId: row.id, replayed: false };
      });
    },

    /** Reverses a spend. Idempotent: a spend is refunded at most once (unique refund_of_id). */
    async refund(entryId: string, reason: string): Promise<void> {
      const id = checkUuid('entryId', entryId);
      const why = checkText('reason', reason, MAX_REASON_LENGTH);
      const spend = await repo.findEntry(id);
      if (!spend) throw new AppError('not_found', 'No such credit entry');
      if (spend.kind !== 'spend') throw badInput(`Only spends can be refunded (entry ${id} is a ${spend.kind})`);
      try {
        await repo.locked(async (tx) => {
          // Same lock as reserve, so a replay never answers from a spend refunded meanwhile.
          await lockUser(tx, spend.userId);
          const done = await tx.findRefundOf(spend.id);
          if (done) return;
          await tx.insert({
            userId: spend.userId,
            kind: 'refund',
            amount: -spend.amount,
            reason: why,
            idempotencyKey: `refund:${spend.id}`,
            refundOfId: spend.id,
            createdAt: now(),
          });
        });
      } catch (err) {
        if (!isPrismaError(err, 'uniqueViolation')) throw err;
        // Already refunded by a concurrent call: the outcome is the one asked for.
      }
    },

    /** Newest first. */
    async recent(userId: string, limit: number): Promise<CreditEntryView[]> {
      const uid = checkUserId(userId);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RECENT_ENTRIES) {
        throw badInput(`limit must be a whole number from 1 to ${MAX_RECENT_ENTRIES}`);
      }
      return repo.recent(uid, limit);
    },
  };
}

export type CreditsService = ReturnType<typeof createCreditsService>;
