import type { RequestHandler } from 'express';
import { AppError } from '../../lib/errors/app-error';
import { sendOk } from '../../lib/http/envelope';
import { sessionUserId } from '../accounts/session.middleware';
import type { BillingService } from '../billing/billing.service';
import type { RateLimitService } from '../ratelimit/rate-limit.service';
import { creditsStanding, type CreditsStandingDeps } from '../credits/credits.schemas';
import { windowStanding } from '../usage/usage.routes';
import type { UsageService } from '../usage/usage.service';
import type { UsersRepository } from '../users/users.repository';
import type { DashboardUsageData, MeData } from './dashboard.schemas';

/** Every dashboard API answer is about one signed-in account: never kept by a browser or proxy. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/** GET /dashboard/api/me and /dashboard/api/usage (session + CSRF, mounted in app.ts). */
export function createDashboardHandlers(deps: {
  users: Pick<UsersRepository, 'findById'>;
  billing: Pick<BillingService, 'standing'>;
  usage: UsageService;
  limits: RateLimitService;
  creditsStanding: CreditsStandingDeps;
}) {
  const me: RequestHandler = async (req, res) => {
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
  };
  const usage: RequestHandler = async (req, res) => {
    const userId = sessionUserId(req);
    const [windows, summary, credits] = await Promise.all([
      deps.limits.peek(userId),
      deps.usage.summary({ userId }, { hours: 24, days: 30 }),
      creditsStanding(deps.creditsStanding, userId),
    ]);
    const data: DashboardUsageData = { windows: windowStanding(windows), ...summary, credits };
    sendOk(res, data);
  };
  return { me, usage };
}
