import cookieParser from 'cookie-parser';
import { Router, type Express, type RequestHandler } from 'express';
import type { Env } from '../../lib/config/env';
import { AppError } from '../../lib/errors/app-error';
import { sendOk } from '../../lib/http/envelope';
import { jsonBody } from '../../lib/http/json-body';
import { registerAccountRoutes } from '../accounts/accounts.routes';
import type { AccountService } from '../accounts/accounts.service';
import type { AccountRecoveryService } from '../accounts/account-recovery.service';
import { registerAccountSettingsRoutes } from '../accounts/account-settings.routes';
import { csrfGuard, originGuard, requireSession, sessionUserId } from '../accounts/session.middleware';
import type { SessionService } from '../accounts/sessions.service';
import { registerBillingRoutes, registerStripeWebhook } from '../billing/billing.routes';
import type { BillingService } from '../billing/billing.service';
import type { StripeWebhookService } from '../billing/stripe-webhook.service';
import type { KeyService } from '../keys/keys.service';
import type { RateLimitService } from '../ratelimit/rate-limit.service';
import { creditsStanding, type CreditsStandingDeps } from '../credits/credits.schemas';
import { windowStanding } from '../usage/usage.routes';
import type { UsageService } from '../usage/usage.service';
import type { UsersRepository } from '../users/users.repository';
import { registerDashboardKeyRoutes } from './dashboard-keys.routes';
import { registerDashboardPages } from './dashboard.pages';
import type { DashboardUsageData, MeData } from './dashboard.schemas';

export interface DashboardDeps {
  env: Env;
  accounts: AccountService;
  recovery: AccountRecoveryService;
  sessions: SessionService;
  users: UsersRepository;
  keys: KeyService;
  billing: BillingService;
  webhooks: StripeWebhookService;
  usage: UsageService;
  limits: RateLimitService;
  creditsStanding: CreditsStandingDeps;
  publicDir?: string;
}

const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/**
 * Everything the developer dashboard needs: the Stripe webhook (raw body, before any JSON
 * parser), the JSON API under /dashboard/api (cookie session; Origin check and CSRF token on
 * state-changing requests) and the static UI.
 */
export function registerDashboard(app: Express, deps: DashboardDeps): void {
  registerStripeWebhook(app, deps);

  const api = Router();
  api.use(noStore, cookieParser(), originGuard(deps.env), ...jsonBody());
  registerAccountRoutes(api, deps);

  const authed = Router();
  authed.use(requireSession(deps.sessions), csrfGuard());
  authed.get('/me', async (req, res) => {
    const session = req.dashboardSession;
    const user = session ? await deps.users.findById(session.userId) : null;
    if (!session || !user) throw new AppError('unauthenticated');
    const billing = await deps.billing.standing(user.id);
    const data: MeData = {
      user: { id: user.id, email: user.email, premium: billing.premium, complimentary: billing.complimentary },
      subscription: billing.subscription,
      billing: { configured: billing.configured },
      csrf_token: session.csrfToken,
    };
    sendOk(res, data);
  });
  authed.get('/usage', async (req, res) => {
    const userId = sessionUserId(req);
    const [windows, summary, credits] = await Promise.all([
      deps.limits.peek(userId),
      deps.usage.summary({ userId }, { hours: 24, days: 30 }),
      creditsStanding(deps.creditsStanding, userId),
    ]);
    const data: DashboardUsageData = { windows: windowStanding(windows), ...summary, credits };
    sendOk(res, data);
  });
  registerAccountSettingsRoutes(authed, deps);
  registerDashboardKeyRoutes(authed, deps);
  registerBillingRoutes(authed, deps);
  api.use(authed);

  app.use('/dashboard/api', api);
  registerDashboardPages(app, { publicDir: deps.publicDir });
}
