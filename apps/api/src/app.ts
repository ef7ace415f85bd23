import cookieParser from 'cookie-parser';
import express, { Router, type Express } from 'express';
import helmet from 'helmet';
import type { Env } from './lib/config/env';
import { compileRoute } from './lib/http/compiled-route';
import { errorHandler, methodNotAllowed, notFound } from './lib/http/error-handler';
import { errorStyleForApi } from './lib/http/envelope';
import { jsonBody } from './lib/http/json-body';
import { optionsAsEnvelope } from './lib/http/options';
import { requestId } from './lib/http/request-id';
import { requestLog } from './lib/http/request-log';
import { staticHeaders } from './lib/http/static-headers';
import type { Logger } from './lib/logger/logger';
import type { Redis } from './lib/redis/redis';
import { createAccountHandlers } from './modules/accounts/accounts.routes';
import { createAccountSettingsHandlers } from './modules/accounts/account-settings.routes';
import type { AccountRecoveryService } from './modules/accounts/account-recovery.service';
import type { AccountService } from './modules/accounts/accounts.service';
import { csrfGuard, originGuard, requireSession } from './modules/accounts/session.middleware';
import type { SessionService } from './modules/accounts/sessions.service';
import { createBillingHandlers, createStripeWebhookHandler, stripeWebhookBody } from './modules/billing/billing.routes';
import type { BillingService } from './modules/billing/billing.service';
import { requirePremium } from './modules/billing/premium.middleware';
import type { StripeWebhookService } from './modules/billing/stripe-webhook.service';
import type { CreditsStandingDeps } from './modules/credits/credits.schemas';
import { createDashboardKeyHandlers } from './modules/dashboard/dashboard-keys.routes';
import { createDashboardPages, PAGE_CSP } from './modules/dashboard/dashboard.pages';
import { createDashboardHandlers, noStore } from './modules/dashboard/dashboard.routes';
import { buildApiDocs } from './modules/docs/api-docs';
import { apiReference, REFERENCE_CSP } from './modules/docs/api-reference.routes';
import { buildOpenApi } from './modules/docs/openapi';
import type { HealthRepository } from './modules/health/health.repository';
import { createHealthHandlers } from './modules/health/health.routes';
import { apiKeyAuth, type KeyResolver } from './modules/keys/api-key.auth';
import type { KeysRepository } from './modules/keys/keys.repository';
import type { KeyService } from './modules/keys/keys.service';
import type { MediaFeature } from './modules/media/media.feature';
import type { Metrics } from './modules/metrics/metrics';
import { metricsHandler, recordRequests } from './modules/metrics/metrics.routes';
import type { AbuseLimits } from './modules/ratelimit/abuse-limits';
import { rateLimit } from './modules/ratelimit/rate-limit.middleware';
import type { RateLimitService } from './modules/ratelimit/rate-limit.service';
import { createTwitterBatchHandler } from './modules/twitter/twitter-batch.routes';
import { createTwitterHandlers, type Extractor } from './modules/twitter/twitter.routes';
import { createUsageHandlers } from './modules/usage/usage.routes';
import type { UsageService } from './modules/usage/usage.service';
import type { UsersRepository } from './modules/users/users.repository';

export interface AppDeps {
  env: Env;
  logger: Logger;
  redis: Redis | null;
  /** the data access the routes themselves need (everything else goes through services) */
  repos: { health: HealthRepository; keys: Pick<KeysRepository, 'findLabel'>; users: Pick<UsersRepository, 'findById'> };
  resolveKey: KeyResolver;
  limits: RateLimitService;
  usage: UsageService;
  extractor: Extractor;
  /** Balance and recent ledger entries for GET /usage (modules/credits). */
  creditsStanding: CreditsStandingDeps;
  isShuttingDown: () => boolean;
  /** /download, /convert (both families) and /media download links */
  media?: MediaFeature;
  /** Prometheus metrics (GET /metrics with METRICS_TOKEN); absent in unit-style test apps. */
  metrics?: Metrics;
  abuse: AbuseLimits;
  accounts: AccountService;
  recovery: AccountRecoveryService;
  sessions: SessionService;
  keys: KeyService;
  billing: BillingService;
  webhooks: StripeWebhookService;
  /** the dashboard's static files (apps/dashboard/public by default) */
  publicDir?: string;
}

export interface AppOptions {
  /**
   * POST /api/v1/twitter (the hot path) runs its middleware chain without Express's layer
   * chain (lib/http/compiled-route.ts); on by default. false = Express routes it like any
   * other request (the parity tests compare the two).
   */
  compiledRoute?: boolean;
}

/**
 * The whole HTTP surface of the service, in the order Express tries it: every route with its
 * full path, its middleware chain and the handler (each feature's `*.routes.ts` exports the
 * handlers; the schemas sit beside them in `*.schemas.ts`). docs/architecture.md explains the
 * layout; tests/api/openapi-contract.test.ts fails when a route here is missing from the
 * OpenAPI document.
 */
export function buildApp(deps: AppDeps, opts: AppOptions = {}): Express {
  const { env } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', env.TRUST_PROXY);
  app.set('etag', false);
  // every request's middlewares, in order (the compiled route at the end runs these same functions)
  const first = [requestId(), requestLog(deps.logger), ...(deps.metrics ? [recordRequests(deps.metrics, app.request)] : [])];
  const headers = [staticHeaders(helmet({ contentSecurityPolicy: false })), optionsAsEnvelope(app)];
  app.use(first);
  if (deps.metrics && env.METRICS_TOKEN) app.get('/metrics', metricsHandler({ metrics: deps.metrics, token: env.METRICS_TOKEN }));
  app.use(headers);

  // ── the paid API, /api/v1 (v1 envelope; `Authorization: Bearer sk-…`) ──────────────────────
  // first, so its requests skip the health, webhook and dashboard layers
  const v1 = Router();
  app.use('/api/v1', v1);
  const keyAuth = [deps.abuse.authFailureGate(), apiKeyAuth(deps.resolveKey)];
  const premium = requirePremium({ limits: deps.limits });
  const limited = rateLimit({ limits: deps.limits, usage: deps.usage });
  const json = jsonBody();
  const baseUrl = env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`;
  const docs = buildApiDocs({ baseUrl, windows: deps.limits.windows });
  const openapi = buildOpenApi(baseUrl);
  const twitter = createTwitterHandlers({ extractor: deps.extractor });
  const usage = createUsageHandlers({ keys: deps.repos.keys, usage: deps.usage, limits: deps.limits, creditsStanding: deps.creditsStanding });
  const media = deps.media?.handlers;

  v1.get('/twitter', (_req, res) => void res.json(docs));
  const twitterChain = [...keyAuth, premium, limited, ...json, twitter.extract];
  const twitterRoute = v1.route('/twitter').post(twitterChain);
  v1.all('/twitter', methodNotAllowed(['GET', 'POST']));
  // each URL of a batch is counted by the handler itself, so no per-request limiter here
  v1.post('/twitter/batch', ...keyAuth, premium, ...json, createTwitterBatchHandler({ limits: deps.limits, usage: deps.usage, extractor: deps.extractor, logger: deps.logger }));
  v1.all('/twitter/batch', methodNotAllowed(['POST']));
  v1.get('/usage', ...keyAuth, deps.abuse.usageReadLimit(), usage.read);
  v1.all('/usage', methodNotAllowed(['GET']));
  v1.get('/openapi.json', (_req, res) => void res.json(openapi));
  v1.all('/openapi.json', methodNotAllowed(['GET']));
  if (media) {
    v1.post('/download', ...keyAuth, premium, limited, ...json, media.downloadV1);
    v1.all('/download', methodNotAllowed(['POST']));
    v1.get('/media/:token', media.follow); // a signed link, no key: browsers follow it
    v1.all('/media/:token', methodNotAllowed(['GET', 'HEAD']));
    v1.post('/convert/:format', ...keyAuth, premium, limited, ...json, media.convert);
    v1.all('/convert/:format', methodNotAllowed(['POST']));
  }
  const v1Errors = [deps.abuse.countAuthFailures()];
  v1.use(v1Errors);

  // ── health and the rendered reference ─────────────────────────────────────────────────────
  const health = createHealthHandlers({ db: deps.repos.health, redis: deps.redis, isShuttingDown: deps.isShuttingDown });
  app.get('/healthz', health.live);
  app.get('/readyz', health.ready);
  app.get('/docs', REFERENCE_CSP, apiReference.page);
  app.get('/docs/redoc.standalone.js', apiReference.bundle);

  // ── Stripe: raw body (the signature covers the exact bytes), before any JSON parser ────────
  app.post('/api/v1/webhooks/stripe', stripeWebhookBody, createStripeWebhookHandler({ webhooks: deps.webhooks }));

  // ── the dashboard's JSON API, /dashboard/api (cookie session; Origin check; CSRF token) ────
  const dashboard = Router();
  app.use('/dashboard/api', dashboard);
  const accounts = createAccountHandlers({ env, accounts: deps.accounts, recovery: deps.recovery });
  const settings = createAccountSettingsHandlers({ env, accounts: deps.accounts, recovery: deps.recovery });
  const me = createDashboardHandlers({ users: deps.repos.users, billing: deps.billing, usage: deps.usage, limits: deps.limits, creditsStanding: deps.creditsStanding });
  const keys = createDashboardKeyHandlers({ keys: deps.keys });
  const billing = createBillingHandlers({ env, billing: deps.billing });
  const session = requireSession(deps.sessions);
  dashboard.use(noStore, cookieParser(), originGuard(env), ...jsonBody());
  // before a session exists (no CSRF token yet)
  dashboard.post('/signup', accounts.signup);
  dashboard.post('/verify-email', accounts.verifyEmail);
  dashboard.post('/login', accounts.login);
  dashboard.post('/password/forgot', accounts.forgotPassword);
  dashboard.post('/password/reset', accounts.resetPassword);
  dashboard.post('/email/confirm', accounts.confirmEmail);
  dashboard.post('/logout', session, csrfGuard(), accounts.logout);
  // everything below needs the session, and its CSRF token on state-changing requests
  // (an unknown path here is answered 401 without a session, 404 with one)
  dashboard.use(session, csrfGuard());
  dashboard.get('/me', me.me);
  dashboard.get('/usage', me.usage);
  dashboard.post('/logout-all', settings.logoutAll);
  dashboard.post('/password', settings.changePassword);
  dashboard.post('/email', settings.changeEmail);
  dashboard.get('/keys', keys.list);
  dashboard.post('/keys', keys.create);
  dashboard.patch('/keys/:id', keys.rename);
  dashboard.post('/keys/:id/revoke', keys.revoke);
  dashboard.post('/keys/:id/rotate', keys.rotate);
  dashboard.delete('/keys/:id', keys.remove);
  dashboard.post('/billing/checkout', billing.checkout);
  dashboard.post('/billing/portal', billing.portal);

  // ── pages: landing, dashboard shell, static files (missing files fall through to 404) ─────
  const pages = createDashboardPages({ publicDir: deps.publicDir });
  app.get('/', PAGE_CSP, pages.landing);
  app.use(pages.files);

  // ── the Facebo/Soundc-compatible family, /api (raw key or Bearer; errors {"error": …}) ─────
  app.use('/api', errorStyleForApi());
  const compat = Router();
  app.use('/api', compat);
  if (media) {
    const compatAuth = [deps.abuse.authFailureGate(), apiKeyAuth(deps.resolveKey, { rawKey: true })];
    compat.post('/download', ...compatAuth, premium, limited, ...json, media.downloadCompat);
    compat.all('/download', methodNotAllowed(['POST']));
    compat.post('/convert/:format', ...compatAuth, premium, limited, ...json, media.convert);
    compat.all('/convert/:format', methodNotAllowed(['POST']));
  }
  compat.use(deps.abuse.countAuthFailures());

  app.use(notFound());
  const errors = [errorHandler(deps.logger)];
  app.use(errors);

  // The hot path: the same functions as the route above, without Express's layer chain.
  if (opts.compiledRoute !== false) {
    compileRoute(app, {
      method: 'POST',
      mount: '/api/v1',
      route: twitterRoute,
      before: [...first, ...headers],
      handlers: twitterChain,
      routerErrors: v1Errors,
      appErrors: errors,
    });
  }
  return app;
}
