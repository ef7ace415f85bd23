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
