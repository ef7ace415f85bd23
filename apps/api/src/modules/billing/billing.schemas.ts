import { z } from 'zod';

/** POST /api/v1/webhooks/stripe answers Stripe with what became of the event (logged too). */
export const stripeWebhookDataSchema = z.object({
  received: z.literal(true),
  outcome: z.enum(['applied', 'stale', 'duplicate', 'unlinked', 'ignored']).describe('applied; stale (an older event); duplicate (already seen); unlinked (no account for the customer); ignored (an event type we do not act on)'),
});
export type StripeWebhookData = z.infer<typeof stripeWebhookDataSchema>;
export const stripeWebhookResponseSchema = z.object({
  code: z.literal(0),
  message: z.literal('ok'),
  data: stripeWebhookDataSchema,
});
