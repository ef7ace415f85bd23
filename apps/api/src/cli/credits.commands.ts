import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { CreditsService } from '../modules/credits/credits.service';
import { MAX_CREDIT_AMOUNT } from '../modules/credits/credits.service';
import type { UsersRepository } from '../modules/users/users.repository';

/** Operator commands on the credits ledger (modules/credits). */
export const CREDITS_USAGE = `  credits:grant --email E --amount N [--reason R]  add N credits to an account (a new ledger row each run)
  credits:show --email E                        balance and the most recent ledger entries
`;

/** How many entries credits:show lists. */
const SHOW_ENTRIES = 20;

export interface CreditsCliDeps {
  users: Pick<UsersRepository, 'findByEmail'>;
  credits: Pick<CreditsService, 'grant' | 'balance' | 'recent'>;
  out: (line: string) => void;
}

const amount = z
  .string()
  .trim()
  .regex(/^\d+$/, '--amount must be a positive whole number of credits')
  .transform(Number)
  .pipe(
    z
      .number()
      .int()
      .min(1, '--amount must be a positive whole number of credits')
      .max(MAX_CREDIT_AMOUNT, `--amount must be at most ${MAX_CREDIT_AMOUNT}`),
  );
const reason = z.string().trim().min(1, '--reason must not be empty').max(200, '--reason must be at most 200 characters');

type Need = <T>(schema: z.ZodType<T>, value: unknown, flag: string) => T;

/** Runs credits:grant or credits:show for the account with that (already validated) email. */
export async function runCreditsCommand(
  command: 'credits:grant' | 'credits:show',
  values: Record<string, string | boolean | undefined>,
  email: string,
  need: Need,
  deps: CreditsCliDeps,
  fail: (message: string) => Error,
): Promise<void> {
  // validate every flag before touching the database
  const n = command === 'credits:grant' ? need(amount, values.amount, '--amount') : 0;
  const why = command === 'credits:grant' && values.reason !== undefined ? need(reason, values.reason, '--reason') : 'operator grant';
  const user = await deps.users.findByEmail(email);
  if (!user) throw fail('no account with that email');
  if (command === 'credits:grant') {
    const { entryId } = await deps.credits.grant({ userId: user.id, amount: n, reason: why, idempotencyKey: `cli:${randomUUID()}` });
    deps.out(`granted ${n} credits to ${user.email} (entry ${entryId}); balance ${await deps.credits.balance(user.id)}`);
    return;
  }
  deps.out(`${user.email}: balance ${await deps.credits.balance(user.id)} credits`);
  const entries = await deps.credits.recent(user.id, SHOW_ENTRIES);
  if (entries.length === 0) deps.out('(no ledger entries)');
  for (const e of entries) {
    deps.out([e.createdAt.toISOString(), e.kind, e.amount > 0 ? `+${e.amount}` : String(e.amount), e.reason, e.id].join('\t'));
  }
}
