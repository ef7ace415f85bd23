import { z } from 'zod';

/** POST /api/v1/webhooks/stripe answers Stripe with what became of the event (logged too). */
export const stripeWebhookResponseSchema = z.object({
  code: z.literal(0),
  message: z.literal('ok'),
  data: z.object({
    received: z.literal(true),
    outcome: z.enum(['applied', 'stale', 'duplicate', 'unlinked']).describe('applied; stale (an older event); duplicate (already seen); unlinked (no account for the customer)'),
  }),
});
