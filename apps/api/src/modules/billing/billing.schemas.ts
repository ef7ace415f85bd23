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

/** An account's Stripe subscription as the dashboard shows it (GET /dashboard/api/me). */
export const subscriptionViewSchema = z.object({
  status: z.string().describe("Stripe's status: active, trialing, past_due, canceled, …"),
  current_period_end: z.string().nullable().describe('ISO 8601'),
  cancel_at_period_end: z.boolean(),
});
export type SubscriptionView = z.infer<typeof subscriptionViewSchema>;

/** POST /dashboard/api/billing/checkout and /billing/portal: where to send the browser. */
export const billingRedirectSchema = z.object({ url: z.string().describe('A Stripe Checkout or Customer Portal page') });

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
