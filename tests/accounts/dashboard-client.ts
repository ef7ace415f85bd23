/** Test helpers for the dashboard JSON API: a cookie-keeping client per simulated browser. */
import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { linkToken, type SmtpSink } from '../support/smtp';

export const PASSWORD = 'correct horse battery';

export const randomEmail = (tag = 'user') => `${tag}-${randomBytes(5).toString('hex')}@example.com`;
/** A distinct client address per test (the app trusts X-Forwarded-For from loopback), so IP throttles do not cross tests. */
export const randomIp = () => `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${1 + (randomBytes(1)[0] ?? 0) % 250}`;

export interface Browser {
  agent: ReturnType<typeof request.agent>;
  ip: string;
  email: string;
  userId: string;
  csrf: string;
  /** `twdown_session=<token>` as the browser sends it */
  cookie: string;
}

export function browser(app: Express, ip = randomIp()) {
  const agent = request.agent(app);
  agent.set('X-Forwarded-For', ip);
  return { agent, ip };
}

/** What signUp needs: the app and the SMTP server it mails to. */
export interface MailingApp {
  app: Express;
  mail: SmtpSink;
}

/**
 * The whole sign-up as a person does it: POST /signup (202, no session), read the verification
 * mail from the SMTP server, follow its link with the same password (200 + session cookie).
 */
export async function signUp(target: MailingApp, opts: { email?: string; password?: string; ip?: string } = {}): Promise<Browser> {
  const { agent, ip } = browser(target.app, opts.ip);
  const email = opts.email ?? randomEmail();
  const password = opts.password ?? PASSWORD;
  const res = await agent.post('/dashboard/api/signup').send({ email, password });
  if (res.status !== 202) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
  const token = linkToken(await target.mail.next(email), 'verify-email');
  const verified = await agent.post('/dashboard/api/verify-email').send({ token, password });
  if (verified.status !== 200) throw new Error(`verification failed: ${verified.status} ${JSON.stringify(verified.body)}`);
  const data = verified.body.data as { user: { id: string }; csrf_token: string };
  const session = /twdown_session=([^;]+)/.exec(sessionCookie(verified) ?? '')?.[1];
  if (!session) throw new Error('verification set no session cookie');
  return { agent, ip, email, userId: data.user.id, csrf: data.csrf_token, cookie: `twdown_session=${session}` };
}

/** The Set-Cookie line for the session cookie, if any. */
export function sessionCookie(res: { headers: Record<string, unknown> }): string | undefined {
  const raw = res.headers['set-cookie'];
  const lines = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  return lines.find((l) => l.startsWith('twdown_session='));
}
