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

/**
 * What the webhook relies on in a signed event. Only Stripe (or a holder of the endpoint secret)
 * can sign one, but a signed event without these (found by the drill-6 fuzzer: a subscription
 * event with an empty object) reached the database as `where: { id: undefined }` and answered
 * 500; it is now a 400 like any other bad delivery.
 */
export const stripeEventShapeSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  created: z.number().int(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});
/** Subscription events carry the subscription itself: our copy is keyed by its id. */
export const stripeSubscriptionShapeSchema = z.object({ id: z.string().min(1), status: z.string().min(1) });
