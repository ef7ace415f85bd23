/** Test helpers for the dashboard JSON API: a cookie-keeping client per simulated browser. */
import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';

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

export async function signUp(app: Express, opts: { email?: string; password?: string; ip?: string } = {}): Promise<Browser> {
  const { agent, ip } = browser(app, opts.ip);
  const email = opts.email ?? randomEmail();
  const res = await agent.post('/dashboard/api/signup').send({ email, password: opts.password ?? PASSWORD });
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
  const data = res.body.data as { user: { id: string }; csrf_token: string };
  const token = /twdown_session=([^;]+)/.exec(sessionCookie(res) ?? '')?.[1];
  if (!token) throw new Error('sign-up set no session cookie');
  return { agent, ip, email, userId: data.user.id, csrf: data.csrf_token, cookie: `twdown_session=${token}` };
}

/** The Set-Cookie line for the session cookie, if any. */
export function sessionCookie(res: { headers: Record<string, unknown> }): string | undefined {
  const raw = res.headers['set-cookie'];
  const lines = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  return lines.find((l) => l.startsWith('twdown_session='));
}
