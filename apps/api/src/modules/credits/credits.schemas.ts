import { z } from 'zod';
import type { CreditsService } from './credits.service';

/** How many ledger entries the usage endpoints list. */
export const RECENT_CREDIT_ENTRIES = 10;

export const creditEntrySchema = z.object({
  id: z.string(),
  kind: z.enum(['grant', 'spend', 'refund']),
  amount: z.number().int().describe('signed: grants and refunds are positive, spends negative'),
  reason: z.string(),
  created_at: z.string().describe('ISO 8601'),
});

export const creditsStandingSchema = z
  .object({
    balance: z.number().int().describe('sum of every ledger entry'),
    per_period: z.number().int().describe('credits granted at each paid billing period (CREDITS_PER_PERIOD)'),
    convert_cost_per_minute: z.number().int().describe('credits a conversion costs per started minute of output'),
    recent: z.array(creditEntrySchema).describe(`the ${RECENT_CREDIT_ENTRIES} most recent ledger entries, newest first`),
  })
  .describe('Conversion credits');

export type CreditsStanding = z.infer<typeof creditsStandingSchema>;

export interface CreditsStandingDeps {
  credits: Pick<CreditsService, 'balance' | 'recent'>;
  perPeriod: number;
  convertCostPerMinute: number;
}

/** The account's balance and recent entries, as GET /api/v1/usage and the dashboard show them. */
export async function creditsStanding(deps: CreditsStandingDeps, userId: string): Promise<CreditsStanding> {
  const [balance, recent] = await Promise.all([deps.credits.balance(userId), deps.credits.recent(userId, RECENT_CREDIT_ENTRIES)]);
  return {
    balance,
    per_period: deps.perPeriod,
    convert_cost_per_minute: deps.convertCostPerMinute,
    recent: recent.map((e) => ({ id: e.id, kind: e.kind, amount: e.amount, reason: e.reason, created_at: e.createdAt.toISOString() })),
  };
}
