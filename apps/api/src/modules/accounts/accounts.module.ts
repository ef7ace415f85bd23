import type { Env } from '../../lib/config/env';
import type { Logger } from '../../lib/logger/logger';
import { createMailer } from '../../lib/mail/mailer';
import { accountMails } from './account-mails';
import { createAccountRecoveryService } from './account-recovery.service';
import type { AccountsRepository } from './accounts.repository';
import { createAccountService } from './accounts.service';
import type { AuthThrottle } from './auth-throttle';
import { createEmailTokens } from './email-tokens';
import type { SessionService } from './sessions.service';
import type { UsersRepository } from '../users/users.repository';

/** The accounts feature's services, wired once for the composition root. */
export function createAccountModule(deps: {
  env: Env;
  repo: AccountsRepository;
  users: UsersRepository;
  sessions: SessionService;
  throttle: AuthThrottle;
  logger: Logger;
  now: () => Date;
}) {
  const { env, logger } = deps;
  const mailer = createMailer({ smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, logger });
  if (!mailer.smtp) {
    logger.warn(
      '*** SMTP_URL is not set: account mails (sign-up links, password resets) are WRITTEN TO THIS LOG instead of being sent. For local use only; set SMTP_URL for real use. ***',
    );
  }
  const baseUrl = env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`;
  const shared = {
    repo: deps.repo,
    users: deps.users,
    sessions: deps.sessions,
    throttle: deps.throttle,
    tokens: createEmailTokens({ rows: deps.repo.tokens, now: deps.now }),
    mailer,
    mails: accountMails(baseUrl),
    logger,
    now: deps.now,
  };
  return { mailer, accounts: createAccountService(shared), recovery: createAccountRecoveryService(shared) };
}
