import express, { type Express, type Request, type Router } from 'express';
import type { Env } from '../../lib/config/env';
import { sendOk } from '../../lib/http/envelope';
import { sessionUserId } from '../accounts/session.middleware';
import type { BillingService } from './billing.service';
import type { StripeWebhookService } from './stripe-webhook.service';

export const STRIPE_WEBHOOK_PATH = '/api/v1/webhooks/stripe';

/** Where Stripe sends the browser back: PUBLIC_BASE_URL, else the origin the request came to. */
export function publicBase(req: Request, env: Pick<Env, 'PUBLIC_BASE_URL'>): string {
  return (env.PUBLIC_BASE_URL ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`).replace(/\/+$/, '');
}

/** POST /billing/checkout and /billing/portal on the (session + CSRF protected) dashboard router. */
export function registerBillingRoutes(router: Router, deps: { env: Env; billing: BillingService }): void {
  router.post('/billing/checkout', async (req, res) => {
    sendOk(res, await deps.billing.checkout(sessionUserId(req), publicBase(req, deps.env)));
  });
  router.post('/billing/portal', async (req, res) => {
    sendOk(res, await deps.billing.portal(sessionUserId(req), publicBase(req, deps.env)));
  });
}

/**
 * POST /api/v1/webhooks/stripe. Registered on the app before any JSON parser: the signature
 * covers the exact bytes, so this route (and only this one) reads the raw body.
 */
export function registerStripeWebhook(app: Express, deps: { webhooks: StripeWebhookService }): void {
  app.post(STRIPE_WEBHOOK_PATH, express.raw({ type: 'application/json', limit: '512kb' }), async (req, res) => {
    const raw: unknown = req.body;
    const event = deps.webhooks.verify(Buffer.isBuffer(raw) ? raw : Buffer.alloc(0), req.get('stripe-signature'));
    const outcome = await deps.webhooks.handle(event);
    sendOk(res, { received: true, outcome });
  });
}
