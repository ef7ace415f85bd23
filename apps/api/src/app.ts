import express, { Router, type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Env } from './lib/config/env';
import type { PrismaClient } from './lib/db/prisma';
import { errorHandler, methodNotAllowed, notFound } from './lib/http/error-handler';
import { requestId } from './lib/http/request-id';
import { requestLog } from './lib/http/request-log';
import { staticHeaders } from './lib/http/static-headers';
import type { Logger } from './lib/logger/logger';
import type { Redis } from './lib/redis/redis';
import { apiKeyAuth, type KeyResolver } from './modules/keys/api-key.auth';
import { buildApiDocs } from './modules/docs/api-docs';
import { registerApiReference } from './modules/docs/api-reference.routes';
import { buildOpenApi } from './modules/docs/openapi';
import { registerHealthRoutes } from './modules/health/health.routes';
import { rateLimit } from './modules/ratelimit/rate-limit.middleware';
import { requirePremium } from './modules/billing/premium.middleware';
import type { RateLimitService } from './modules/ratelimit/rate-limit.service';
import { registerTwitterRoutes, type Extractor } from './modules/twitter/twitter.routes';
import { registerTwitterBatchRoutes } from './modules/twitter/twitter-batch.routes';
import { registerUsageRoutes } from './modules/usage/usage.routes';
import type { UsageService } from './modules/usage/usage.service';
import type { CreditsStandingDeps } from './modules/credits/credits.schemas';
import { errorStyleForApi } from './lib/http/envelope';
import type { MediaFeature } from './modules/media/media.feature';
import type { Metrics } from './modules/metrics/metrics';
import { registerMetrics } from './modules/metrics/metrics.routes';
import type { AbuseLimits } from './modules/ratelimit/abuse-limits';
import { optionsAsEnvelope } from './lib/http/options';

export interface AppDeps {
  env: Env;
  logger: Logger;
  prisma: PrismaClient;
  redis: Redis | null;
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
  /** Features that mount themselves outside /api/v1 (dashboard, webhooks) register here. */
  plugins?: Array<(app: Express, api: Router) => void>;
}

export function buildApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.env.TRUST_PROXY);
  app.set('etag', false);
  app.use(requestId());
  app.use(requestLog(deps.logger));
  if (deps.metrics) registerMetrics(app, { metrics: deps.metrics, token: deps.env.METRICS_TOKEN });
  app.use(staticHeaders(helmet({ contentSecurityPolicy: false })));
  app.use(optionsAsEnvelope(app));

  // the paid API first: its requests skip the health, webhook and dashboard layers
  const api = Router();
  app.use('/api/v1', api);
  registerHealthRoutes(app, deps);

  const auth = [deps.abuse.authFailureGate(), apiKeyAuth(deps.resolveKey)];
  const premium = requirePremium({ limits: deps.limits });
  const protectWith = (authenticate: RequestHandler[]) => [...authenticate, premium, rateLimit({ limits: deps.limits, usage: deps.usage })];
  const protect = protectWith(auth);

  const baseUrl = deps.env.PUBLIC_BASE_URL ?? `http://localhost:${deps.env.PORT}`;
  const docs = buildApiDocs({ baseUrl, windows: deps.limits.windows });
  const openapi = buildOpenApi(baseUrl);
  registerTwitterRoutes(api, { protect, extractor: deps.extractor, docs: (_req, res) => void res.json(docs) });
  registerTwitterBatchRoutes(api, { authorize: [...auth, premium], limits: deps.limits, usage: deps.usage, extractor: deps.extractor, logger: deps.logger });
  registerUsageRoutes(api, {
    auth: [...auth, deps.abuse.usageReadLimit()],
    prisma: deps.prisma,
    usage: deps.usage,
    limits: deps.limits,
    creditsStanding: deps.creditsStanding,
  });
  api.get('/openapi.json', (_req, res) => void res.json(openapi));
  api.all('/openapi.json', methodNotAllowed(['GET']));
  registerApiReference(app);

  for (const plugin of deps.plugins ?? []) plugin(app, api);

  const compat = Router(); // Facebo/Soundc-compatible family under /api
  const compatAuth = [deps.abuse.authFailureGate(), apiKeyAuth(deps.resolveKey, { rawKey: true })];
  deps.media?.register({ compat, v1: api, protectCompat: protectWith(compatAuth), protectV1: protect });
  app.use('/api', errorStyleForApi());
  api.use(deps.abuse.countAuthFailures());
  compat.use(deps.abuse.countAuthFailures());
  app.use('/api', compat);
  app.use(notFound());
  app.use(errorHandler(deps.logger));
  return app;
}
