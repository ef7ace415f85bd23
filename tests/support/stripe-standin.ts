/**
 * A small Stripe stand-in over real HTTP: it answers the calls our code makes through the real
 * `stripe` SDK (form-encoded bodies, Stripe-shaped JSON), keeps state, and sends signed webhooks
 * the way Stripe does. Not a Stripe emulator: only what twdown uses.
 *
 *   POST /v1/customers                 (honours Idempotency-Key)
 *   POST /v1/checkout/sessions         → url = <stand-in>/pay/<cs_id>
 *   POST /v1/billing_portal/sessions   → url = <stand-in>/portal/<bps_id>
 *   GET  /v1/subscriptions/:id
 *   GET  /pay/:cs_id                   tiny HTML page, button#pay
 *   POST /pay/:cs_id                   completes the checkout (webhooks sent) → 303 success_url
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export const STANDIN_SECRET_KEY = 'sk_test_standin';
export const STANDIN_PRICE_ID = 'price_standin_premium';
export const STANDIN_WEBHOOK_SECRET = 'whsec_standin_secret';

type Json = Record<string, unknown>;

export interface StandinCustomer {
  id: string;
  object: 'customer';
  email: string | null;
  metadata: Record<string, string>;
}

export interface StandinCheckoutSession {
  id: string;
  object: 'checkout.session';
  mode: string;
  status: 'open' | 'complete';
  customer: string | null;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  success_url: string;
  cancel_url: string;
  url: string;
  subscription: string | null;
  created: number;
  /** stand-in bookkeeping, not part of Stripe's object */
  _price: string;
  _subscriptionMetadata: Record<string, string>;
}

export interface StandinSubscription {
  id: string;
  object: 'subscription';
  customer: string;
  status: string;
  cancel_at_period_end: boolean;
  metadata: Record<string, string>;
  created: number;
  items: {
    object: 'list';
    data: Array<{ id: string; object: 'subscription_item'; price: { id: string; object: 'price' }; current_period_start: number; current_period_end: number }>;
  };
}

export interface Delivery {
  eventId: string;
  type: string;
  status: number;
  body: unknown;
}

const rid = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Stripe's form encoding (`a[b][0][c]=v`) back into nested objects; numeric keys become arrays. */
export function parseStripeForm(body: string): Json {
  const root: Json = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const path = rawKey.replace(/\]/g, '').split('[');
    let node: Json = root;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Json;
    });
  }
  const arrays = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    const o = v as Json;
    const keys = Object.keys(o);
    const mapped = Object.fromEntries(keys.map((k) => [k, arrays(o[k])]));
    return keys.length > 0 && keys.every((k) => /^\d+$/.test(k)) ? keys.sort((a, b) => Number(a) - Number(b)).map((k) => mapped[k]) : mapped;
  };
  return arrays(root) as Json;
}

const asRecord = (v: unknown): Record<string, string> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, string>) : {};
const asString = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export interface StripeStandin {
  url: string;
  /** where webhooks go (the app's /api/v1/webhooks/stripe); set after the app listens */
  webhookUrl: string | null;
  customers: Map<string, StandinCustomer>;
  checkoutSessions: Map<string, StandinCheckoutSession>;
  subscriptions: Map<string, StandinSubscription>;
  /** every API request received: method and path */
  requests: Array<{ method: string; path: string; idempotencyKey: string | null }>;
  deliveries: Delivery[];
  /** when set, every /v1 API request answers with this HTTP status (a Stripe outage) */
  apiFailureStatus: number | null;
  completeCheckout(csId: string): Promise<{ subscription: StandinSubscription; deliveries: Delivery[] }>;
  setSubscriptionStatus(subId: string, status: string, opts?: { deliver?: boolean }): Promise<Delivery[]>;
  /** past_due + invoice.payment_failed (+ customer.subscription.updated) */
  failPayment(subId: string): Promise<Delivery[]>;
  buildEvent(type: string, object: object, createdSeconds?: number): Json & { id: string; created: number };
  sign(payload: string, timestamp?: number): string;
  /** sends one signed event to webhookUrl */
  deliver(event: Json): Promise<Delivery>;
  invoiceFor(subId: string): Json;
  stop(): Promise<void>;
}

export async function startStripeStandin(opts: { webhookSecret?: string } = {}): Promise<StripeStandin> {
  const webhookSecret = opts.webhookSecret ?? STANDIN_WEBHOOK_SECRET;
  const signer = new Stripe(STANDIN_SECRET_KEY).webhooks;
  const idempotent = new Map<string, Json>();
  let base = '';

  const state: StripeStandin = {
    url: '',
    webhookUrl: null,
    customers: new Map(),
    checkoutSessions: new Map(),
    subscriptions: new Map(),
    requests: [],
    deliveries: [],
    apiFailureStatus: null,

    buildEvent(type, object, createdSeconds = nowSeconds()) {
      return {
        id: rid('evt'),
        object: 'event',
        api_version: '2026-10-28.endive',
        created: createdSeconds,
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        type,
        data: { object: structuredClone(object) },
      };
    },

    sign(payload, timestamp) {
      return signer.generateTestHeaderString({ payload, secret: webhookSecret, ...(timestamp ? { timestamp } : {}) });
    },

    async deliver(event) {
      if (!state.webhookUrl) throw new Error('stripe stand-in: webhookUrl is not set');
      const payload = JSON.stringify(event);
      const res = await fetch(state.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': state.sign(payload) },
        body: payload,
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the text
      }
      const delivery = { eventId: String(event.id), type: String(event.type), status: res.status, body };
      state.deliveries.push(delivery);
      return delivery;
    },

    invoiceFor(subId) {
      const sub = state.subscriptions.get(subId);
      return {
        id: rid('in'),
        object: 'invoice',
        customer: sub?.customer ?? null,
        parent: { type: 'subscription_details', quote_details: null, subscription_details: { subscription: subId, metadata: sub?.metadata ?? {} } },
      };
    },

    async completeCheckout(csId) {
      const cs = state.checkoutSessions.get(csId);
      if (!cs) throw new Error(`stripe stand-in: no checkout session ${csId}`);
      if (cs.status === 'complete' && cs.subscription) {
        const existing = state.subscriptions.get(cs.subscription);
        if (existing) return { subscription: existing, deliveries: [] };
      }
      const start = nowSeconds();
      const sub: StandinSubscription = {
        id: rid('sub'),
        object: 'subscription',
        customer: cs.customer ?? rid('cus'),
        status: 'active',
        cancel_at_period_end: false,
        metadata: cs._subscriptionMetadata,
        created: start,
        items: {
          object: 'list',
          data: [{ id: rid('si'), object: 'subscription_item', price: { id: cs._price, object: 'price' }, current_period_start: start, current_period_end: start + 30 * 86_400 }],
        },
      };
      state.subscriptions.set(sub.id, sub);
      cs.status = 'complete';
      cs.subscription = sub.id;
      const deliveries: Delivery[] = [];
      if (state.webhookUrl) {
        const { _price, _subscriptionMetadata, ...publicSession } = cs;
        void _price;
        void _subscriptionMetadata;
        // Stripe sends these in no fixed order; the first period's invoice.paid (credits) goes first
        // here so the last two deliveries stay checkout + subscription.
        deliveries.push(await state.deliver(state.buildEvent('invoice.paid', { ...state.invoiceFor(sub.id), status: 'paid', billing_reason: 'subscription_create' })));
        deliveries.push(await state.deliver(state.buildEvent('checkout.session.completed', publicSession)));
        deliveries.push(await state.deliver(state.buildEvent('customer.subscription.created', sub)));
      }
      return { subscription: sub, deliveries };
    },

    async setSubscriptionStatus(subId, status, o = {}) {
      const sub = state.subscriptions.get(subId);
      if (!sub) throw new Error(`stripe stand-in: no subscription ${subId}`);
      sub.status = status;
      if (o.deliver === false || !state.webhookUrl) return [];
      const type = status === 'canceled' ? 'customer.subscription.deleted' : 'customer.subscription.updated';
      return [await state.deliver(state.buildEvent(type, sub))];
    },

    async failPayment(subId) {
      await state.setSubscriptionStatus(subId, 'past_due', { deliver: false });
      const sub = state.subscriptions.get(subId);
      if (!state.webhookUrl || !sub) return [];
      return [
        await state.deliver(state.buildEvent('invoice.payment_failed', state.invoiceFor(subId))),
        await state.deliver(state.buildEvent('customer.subscription.updated', sub)),
      ];
    },

    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };

  function send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': rid('req') });
    res.end(JSON.stringify(body));
  }
  const notFound = (res: ServerResponse, what: string) =>
    send(res, 404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${what}` } });

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  function api(method: string, path: string, form: Json): { status: number; body: unknown } {
    if (method === 'POST' && path === '/v1/customers') {
      const c: StandinCustomer = { id: rid('cus'), object: 'customer', email: asString(form.email), metadata: asRecord(form.metadata) };
      state.customers.set(c.id, c);
      return { status: 200, body: c };
    }
    if (method === 'POST' && path === '/v1/checkout/sessions') {
      const id = rid('cs_test');
      const lineItems = Array.isArray(form.line_items) ? (form.line_items as Json[]) : [];
      const cs: StandinCheckoutSession = {
        id,
        object: 'checkout.session',
        mode: asString(form.mode) ?? 'payment',
        status: 'open',
        customer: asString(form.customer),
        client_reference_id: asString(form.client_reference_id),
        metadata: asRecord(form.metadata),
        success_url: asString(form.success_url) ?? '',
        cancel_url: asString(form.cancel_url) ?? '',
        url: `${base}/pay/${id}`,
        subscription: null,
        created: nowSeconds(),
        _price: asString(lineItems[0]?.price) ?? '',
        _subscriptionMetadata: asRecord(asRecord(form.subscription_data).metadata),
      };
      if (cs.customer && !state.customers.has(cs.customer)) return { status: 400, body: { error: { type: 'invalid_request_error', message: `No such customer: ${cs.customer}` } } };
      state.checkoutSessions.set(id, cs);
      const { _price, _subscriptionMetadata, ...publicSession } = cs;
      void _price;
      void _subscriptionMetadata;
      return { status: 200, body: publicSession };
    }
    if (method === 'POST' && path === '/v1/billing_portal/sessions') {
      const customer = asString(form.customer);
      if (!customer || !state.customers.has(customer)) return { status: 400, body: { error: { type: 'invalid_request_error', message: 'No such customer' } } };
      const id = rid('bps');
      return { status: 200, body: { id, object: 'billing_portal.session', customer, return_url: asString(form.return_url), url: `${base}/portal/${id}` } };
    }
    const sub = /^\/v1\/subscriptions\/([A-Za-z0-9_]+)$/.exec(path);
    if (method === 'GET' && sub?.[1]) {
      const found = state.subscriptions.get(sub[1]);
      return found ? { status: 200, body: found } : { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such subscription: '${sub[1]}'` } } };
    }
    return { status: 404, body: { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path})` } } };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    const method = req.method ?? 'GET';
    const pay = /^\/pay\/([A-Za-z0-9_]+)$/.exec(url.pathname);
    if (pay?.[1]) {
      const cs = state.checkoutSessions.get(pay[1]);
      if (!cs) return notFound(res, 'checkout session');
      if (method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          `<!doctype html><html><head><title>Stripe stand-in checkout</title></head><body>` +
            `<h1>Subscribe (test mode)</h1><p>Price ${cs._price}</p>` +
            `<form method="post" action="/pay/${cs.id}"><button id="pay" type="submit">Pay</button></form>` +
            `<p><a id="cancel" href="${cs.cancel_url}">Cancel</a></p></body></html>`,
        );
        return;
      }
      await readBody(req);
      await state.completeCheckout(cs.id);
      res.writeHead(303, { location: cs.success_url });
      res.end();
      return;
    }
    if (/^\/portal\//.test(url.pathname)) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><body><h1>Customer portal (stand-in)</h1></body></html>');
      return;
    }
    if (!/^Bearer sk_test_/.test(req.headers.authorization ?? '')) {
      return send(res, 401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
    }
    const idempotencyKey = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
    state.requests.push({ method, path: url.pathname, idempotencyKey });
    if (state.apiFailureStatus) return send(res, state.apiFailureStatus, { error: { type: 'api_error', message: 'stand-in outage' } });
    const form = parseStripeForm(await readBody(req));
    const cacheKey = idempotencyKey && method === 'POST' ? `${url.pathname}:${idempotencyKey}` : null;
    const cached = cacheKey ? idempotent.get(cacheKey) : undefined;
    if (cached) return send(res, 200, cached);
    const { status, body } = api(method, url.pathname, form);
    if (cacheKey && status === 200) idempotent.set(cacheKey, body as Json);
    send(res, status, body);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, { error: { type: 'api_error', message: String(err) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.url = base;
  return state;
}

/** Env for the app under test: billing on, pointed at the stand-in. */
export function standinEnv(standin: Pick<StripeStandin, 'url'>): Record<string, string> {
  return {
    STRIPE_SECRET_KEY: STANDIN_SECRET_KEY,
    STRIPE_PRICE_ID: STANDIN_PRICE_ID,
    STRIPE_WEBHOOK_SECRET: STANDIN_WEBHOOK_SECRET,
    STRIPE_API_BASE_URL: standin.url,
  };
}
