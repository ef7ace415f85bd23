/**
 * Prometheus metrics (prom-client). One registry per container (tests build many in one
 * process); other features record through the small `observe*` wrappers below, applied in the
 * composition root, so their own code stays free of metrics calls. Later features (conversion)
 * register their instruments on `registry`.
 */
import cluster from 'node:cluster';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { KvStore } from '../../lib/kv/kv-store';
import type { RateLimitService } from '../ratelimit/rate-limit.service';
import type { StripeWebhookService } from '../billing/stripe-webhook.service';
import { clusterScrape } from './cluster-metrics';
import { observeXUpstream } from './x-upstream.metrics';

export type BreakerState = 'closed' | 'open' | 'half-open';
const BREAKER_STATES: BreakerState[] = ['closed', 'open', 'half-open'];

/**
 * Node process metrics are per process, not per container, and prom-client's collectors (GC
 * observers, event-loop monitor) cannot be stopped: one registry for them, created once.
 */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export function createMetrics(opts: { xBaseUrls: string[] }) {
  const registry = new Registry();
  const registers = [registry];

  const httpRequests = new Counter({
    name: 'twdown_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const httpDuration = new Histogram({
    name: 'twdown_http_request_duration_seconds',
    help: 'Time from request arrival to the end of the response, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const rateLimitRefusals = new Counter({
    name: 'twdown_rate_limit_refusals_total',
    help: 'Requests refused with 429, by the window that refused them (one request may count in several)',
    labelNames: ['window'] as const,
    registers,
  });
  const rateLimitDecisions = new Counter({
    name: 'twdown_rate_limit_decisions_total',
    help: 'Requests counted by the account rate limiter, by the store that decided (redis: exact across processes; process: the per-process insurance limiter, while Redis fails)',
    labelNames: ['store'] as const,
    registers,
  });
  const xCalls = new Counter({
    name: 'twdown_x_upstream_requests_total',
    help: 'HTTP requests to X (or its simulator), by operation and outcome',
    labelNames: ['operation', 'outcome'] as const,
    registers,
  });
  const guestTokenActivations = new Counter({
    name: 'twdown_x_guest_token_activations_total',
    help: 'Successful guest-token activations (POST /1.1/guest/activate.json answered 2xx)',
    registers,
  });
  const cacheLookups = new Counter({
    name: 'twdown_x_shared_cache_lookups_total',
    help: 'Shared (Redis) extraction cache lookups, made when the per-process cache missed, by result (hit, miss, error = store unavailable)',
    labelNames: ['result'] as const,
    registers,
  });
  const stripeWebhooks = new Counter({
    name: 'twdown_stripe_webhooks_total',
    help: 'Stripe webhook deliveries, by outcome (applied, stale, duplicate, unlinked, ignored, rejected, error)',
    labelNames: ['outcome'] as const,
    registers,
  });
  let breakerSource: (() => BreakerState) | undefined;
  new Gauge({
    name: 'twdown_x_breaker_state',
    help: 'Circuit breaker in front of X: 1 for the current state, 0 for the others',
    labelNames: ['state'] as const,
    registers,
    collect() {
      if (!breakerSource) return;
      const current = breakerSource();
      for (const state of BREAKER_STATES) this.set({ state }, state === current ? 1 : 0);
    },
  });

  const stopUpstream = observeXUpstream({
    baseUrls: opts.xBaseUrls,
    onResult: (operation, outcome) => {
      xCalls.inc({ operation, outcome });
      if (operation === 'guest_activate' && outcome === 'ok') guestTokenActivations.inc();
    },
  });

  const nodeProcess = processMetrics();
  // A worker of WEB_CONCURRENCY > 1 answers for every worker (cluster-metrics.ts); one process, for itself.
  const scrape = cluster.isWorker ? clusterScrape([nodeProcess, registry]) : (): Promise<string> => Registry.merge([nodeProcess, registry]).metrics();

  return {
    /** This container's instruments; other features register theirs here. */
    registry,
    contentType: registry.contentType,
    /** The exposition: Node process metrics and this container's (of all workers under WEB_CONCURRENCY > 1). */
    scrape,
    /** Records one answered HTTP request (the route pattern, never the raw path). */
    recordHttp(method: string, route: string, status: number, seconds: number) {
      const labels = { method, route, status: String(status) };
      httpRequests.inc(labels);
      httpDuration.observe(labels, seconds);
    },
    /** Reports the X client's breaker state at every scrape. */
    watchBreaker(source: () => BreakerState) {
      breakerSource = source;
    },
    /** The rate-limit service, counting refusals by window. */
    observeLimits(limits: RateLimitService): RateLimitService {
      // both series exist from the start (0), so an alert on `process` sees its first increase
      const decidedBy = { redis: rateLimitDecisions.labels({ store: 'redis' }), process: rateLimitDecisions.labels({ store: 'process' }) };
      decidedBy.redis.inc(0);
      decidedBy.process.inc(0);
      return {
        ...limits,
        async consume(accountId) {
          const decision = await limits.consume(accountId);
          decidedBy[decision.store].inc();
          if (!decision.allowed) for (const w of decision.windows) if (!w.allowed) rateLimitRefusals.inc({ window: w.name });
          return decision;
        },
      };
    },
    /** The extraction cache's shared store, counting hits, misses and store errors of its reads. */
    observeCache(store: Pick<KvStore, 'get' | 'set'>): Pick<KvStore, 'get' | 'set'> {
      return {
        set: store.set.bind(store),
        async get(key) {
          try {
            const value = await store.get(key);
            cacheLookups.inc({ result: value === null ? 'miss' : 'hit' });
            return value;
          } catch (err) {
            cacheLookups.inc({ result: 'error' });
            throw err;
          }
        },
      };
    },
    /** The Stripe webhook service, counting each delivery's outcome. */
    observeWebhooks(webhooks: StripeWebhookService): StripeWebhookService {
      return {
        ...webhooks,
        verify(raw, signature) {
          try {
            return webhooks.verify(raw, signature);
          } catch (err) {
            stripeWebhooks.inc({ outcome: 'rejected' });
            throw err;
          }
        },
        async handle(event) {
          try {
            const outcome = await webhooks.handle(event);
            stripeWebhooks.inc({ outcome });
            return outcome;
          } catch (err) {
            stripeWebhooks.inc({ outcome: 'error' });
            throw err;
          }
        },
      };
    },
    close() {
      stopUpstream();
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
