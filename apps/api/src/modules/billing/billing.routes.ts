import express, { type Request, type RequestHandler } from 'express';
import type { Env } from '../../lib/config/env';
import { sendOk } from '../../lib/http/envelope';
import { sessionUserId } from '../accounts/session.middleware';
import type { BillingService } from './billing.service';
import type { StripeWebhookService } from './stripe-webhook.service';
import type { StripeWebhookData } from './billing.schemas';

/** Where Stripe sends the browser back: PUBLIC_BASE_URL, else the origin the request came to. */
export function publicBase(req: Request, env: Pick<Env, 'PUBLIC_BASE_URL'>): string {
  return (env.PUBLIC_BASE_URL ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`).replace(/\/+$/, '');
}

/** POST /dashboard/api/billing/checkout and /billing/portal (session + CSRF, mounted in app.ts). */
export function createBillingHandlers(deps: { env: Env; billing: BillingService }) {
  const checkout: RequestHandler = async (req, res) => {
    sendOk(res, await deps.billing.checkout(sessionUserId(req), publicBase(req, deps.env)));
  };
  const portal: RequestHandler = async (req, res) => {
    sendOk(res, await deps.billing.portal(sessionUserId(req), publicBase(req, deps.env)));
  };
  return { checkout, portal };
}

/**
 * The signature covers the exact bytes, so the webhook (and only it) reads the raw body: app.ts
 * mounts `stripeWebhookBody` on it, before any JSON parser could see the request.
 */
export const stripeWebhookBody: RequestHandler = express.raw({ type: 'application/json', limit: '512kb' });

/** POST /api/v1/webhooks/stripe */
export function createStripeWebhookHandler(deps: { webhooks: StripeWebhookService }): RequestHandler {
  return async (req, res) => {
    const raw: unknown = req.body;
    const event = deps.webhooks.verify(Buffer.isBuffer(raw) ? raw : Buffer.alloc(0), req.get('stripe-signature'));
    const outcome = await deps.webhooks.handle(event);
    const data: StripeWebhookData = { received: true, outcome };
    sendOk(res, data);
  };
}
