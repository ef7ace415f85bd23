import { z } from 'zod';
import { creditsStandingSchema } from '../credits/credits.schemas';

const point = z.object({ at: z.string(), requests: z.number().int(), rate_limited: z.number().int() });
const totals = z.object({ requests: z.number().int(), rate_limited: z.number().int() });

export const windowStandingSchema = z.object({
  window: z.enum(['minute', 'hour', 'day']),
  limit: z.number().int(),
  used: z.number().int(),
  remaining: z.number().int(),
  reset_at: z.number().int().describe('unix seconds'),
});

export const usageDataSchema = z.object({
  key: z.object({ id: z.string(), prefix: z.string(), name: z.string() }).describe('The key used for this call'),
  windows: z.array(windowStandingSchema),
  last_24h: z.object({ totals, hourly: z.array(point) }),
  last_30d: z.object({ totals, daily: z.array(point) }).describe('The 30 UTC calendar days ending today, one point per day'),
  per_key_30d: z
    .record(z.string(), totals)
    .describe("The same 30 UTC days per key id (keys of this account with any use): they add up to last_30d's totals"),
  credits: creditsStandingSchema,
});

export const usageResponseSchema = z.object({ code: z.literal(0), message: z.literal('ok'), data: usageDataSchema });
export type UsageData = z.infer<typeof usageDataSchema>;
