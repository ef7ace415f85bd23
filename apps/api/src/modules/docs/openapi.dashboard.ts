import type { OpenAPIRegistry, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { ErrorCode } from '../../lib/errors/app-error';
import {
  authResponseDataSchema,
  changeEmailSchema,
  changePasswordSchema,
  confirmEmailSchema,
  credentialsSchema,
  emailConfirmedDataSchema,
  forgotPasswordSchema,
  loggedOutDataSchema,
  loggedOutEverywhereDataSchema,
  loginSchema,
  mailSentDataSchema,
  passwordChangedDataSchema,
  passwordResetDataSchema,
  resetPasswordSchema,
  verifyEmailSchema,
} from '../accounts/accounts.schemas';
import { SESSION_COOKIE } from '../accounts/session.middleware';
import { billingRedirectSchema } from '../billing/billing.schemas';
import {
  createKeySchema,
  createdKeyDataSchema,
  dashboardUsageDataSchema,
  keyDeletedDataSchema,
  keyViewDataSchema,
  keysDataSchema,
  meDataSchema,
  renameKeySchema,
  rotatedKeyDataSchema,
} from '../dashboard/dashboard.schemas';
import { BODY_ERRORS, errors, json, ok } from './openapi.kit';

/** Every dashboard answer carries it (an account's data is never cached). */
const NO_STORE = z.object({ 'Cache-Control': z.literal('no-store') });
const THROTTLED: ErrorCode[] = ['too_many_attempts'];
// an Origin header from another site is refused on every state-changing request
const ORIGIN: ErrorCode[] = ['csrf_failed'];
const SESSION: ErrorCode[] = ['unauthenticated'];
const NOT_FOUND: ErrorCode[] = ['not_found'];
const INTERNAL: ErrorCode[] = ['internal'];

/**
 * The dashboard's JSON API under /dashboard/api: a cookie session (`twdown_session`) and, on
 * every state-changing request of a session, its CSRF token in X-CSRF-Token (both documented
 * security schemes). The steps before a session exists (sign-up, login, links from mails) need
 * neither, but are still refused when an Origin header names another site.
 */
export function registerDashboardPaths(registry: OpenAPIRegistry, serverUrl: string): void {
  const session = registry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: 'The dashboard session, set by POST /dashboard/api/login or /verify-email (HttpOnly, SameSite=Lax)',
  });
  const csrf = registry.registerComponent('securitySchemes', 'csrfToken', {
    type: 'apiKey',
    in: 'header',
    name: 'X-CSRF-Token',
    description: "The session's CSRF token (csrf_token from login, verify-email or GET /me), required with the session on POST/PATCH/DELETE",
  });
  const read = [{ [session.name]: [] }];
  const write = [{ [session.name]: [], [csrf.name]: [] }];
  const servers = [{ url: serverUrl }];

  const route = (opts: {
    method: 'get' | 'post' | 'patch' | 'delete';
    path: string;
    summary: string;
    description?: string;
    security?: typeof read;
    body?: z.ZodType;
    bodyRequired?: boolean;
    params?: z.ZodObject;
    status?: 200 | 201 | 202;
    data: z.ZodType;
    errors: ErrorCode[];
  }) => {
    const success: ResponseConfig = { description: opts.summary, headers: NO_STORE, content: ok(opts.data) };
    registry.registerPath({
      method: opts.method,
      path: `/dashboard/api${opts.path}`,
      servers,
      tags: ['Dashboard'],
      summary: opts.summary,
      ...(opts.description ? { description: opts.description } : {}),
      ...(opts.security ? { security: opts.security } : {}),
      request: {
        ...(opts.params ? { params: opts.params } : {}),
        ...(opts.body ? { body: { required: opts.bodyRequired ?? true, content: json(opts.body) } } : {}),
      },
      responses: { [opts.status ?? 200]: success, ...errors([...opts.errors, ...INTERNAL], { headers: NO_STORE }) },
    });
  };
  const keyId = z.object({ id: z.uuid().describe('The key id (another account\'s key, or a malformed id, is 404)') });

  route({ method: 'post', path: '/signup', summary: 'Sign up: a verification link is mailed', description: 'The same answer whether the address is new or registered (the owner of a registered address is told by mail). No session is opened.', body: credentialsSchema, status: 202, data: mailSentDataSchema, errors: [...BODY_ERRORS, ...ORIGIN, ...THROTTLED] });
  route({ method: 'post', path: '/verify-email', summary: 'Follow the sign-up link: opens a session (cookie)', body: verifyEmailSchema, data: authResponseDataSchema, errors: [...BODY_ERRORS, 'invalid_token', 'invalid_credentials', 'token_used', 'token_expired', ...ORIGIN, ...THROTTLED] });
  route({ method: 'post', path: '/login', summary: 'Log in: opens a session (cookie)', body: loginSchema, data: authResponseDataSchema, errors: [...BODY_ERRORS, 'invalid_credentials', 'email_not_verified', ...ORIGIN, ...THROTTLED] });
  route({ method: 'post', path: '/password/forgot', summary: 'Mail a password-reset link', body: forgotPasswordSchema, status: 202, data: mailSentDataSchema, errors: [...BODY_ERRORS, ...ORIGIN, ...THROTTLED] });
  route({ method: 'post', path: '/password/reset', summary: 'Set a new password from a reset link; every session ends', body: resetPasswordSchema, data: passwordResetDataSchema, errors: [...BODY_ERRORS, 'invalid_token', 'token_used', 'token_expired', ...ORIGIN, ...THROTTLED] });
  route({ method: 'post', path: '/email/confirm', summary: 'Follow an email-change link: the account uses the new address', body: confirmEmailSchema, data: emailConfirmedDataSchema, errors: [...BODY_ERRORS, 'invalid_token', 'conflict', 'token_used', 'token_expired', ...ORIGIN, ...THROTTLED] });
  route({ method: 'post', path: '/logout', summary: 'Log out this session', security: write, data: loggedOutDataSchema, errors: [...SESSION, ...ORIGIN] });
  route({ method: 'get', path: '/me', summary: 'The signed-in account, its subscription and the CSRF token', security: read, data: meDataSchema, errors: SESSION });
  route({ method: 'get', path: '/usage', summary: "The account's usage, rate-limit standing and credits", security: read, data: dashboardUsageDataSchema, errors: SESSION });
  route({ method: 'post', path: '/logout-all', summary: 'Log out every session of the account, this one included', security: write, data: loggedOutEverywhereDataSchema, errors: [...SESSION, ...ORIGIN] });
  route({ method: 'post', path: '/password', summary: 'Change the password; every other session ends', security: write, body: changePasswordSchema, data: passwordChangedDataSchema, errors: [...BODY_ERRORS, ...SESSION, 'wrong_password', ...ORIGIN, ...THROTTLED] });
  route({ method: 'post', path: '/email', summary: 'Change the address: a link goes to the new one', security: write, body: changeEmailSchema, status: 202, data: mailSentDataSchema, errors: [...BODY_ERRORS, ...SESSION, 'wrong_password', ...ORIGIN, ...THROTTLED] });
  route({ method: 'get', path: '/keys', summary: "The account's API keys (never the secrets)", security: read, data: keysDataSchema, errors: SESSION });
  route({ method: 'post', path: '/keys', summary: 'Create an API key (the full key is shown once)', security: write, body: createKeySchema.unwrap(), bodyRequired: false, status: 201, data: createdKeyDataSchema, errors: [...BODY_ERRORS, ...SESSION, ...ORIGIN] });
  route({ method: 'patch', path: '/keys/{id}', summary: 'Rename an API key', security: write, params: keyId, body: renameKeySchema, data: keyViewDataSchema, errors: [...BODY_ERRORS, ...SESSION, ...ORIGIN, ...NOT_FOUND] });
  route({ method: 'post', path: '/keys/{id}/revoke', summary: 'Revoke an API key (idempotent)', security: write, params: keyId, data: keyViewDataSchema, errors: [...SESSION, ...ORIGIN, ...NOT_FOUND] });
  route({ method: 'post', path: '/keys/{id}/rotate', summary: 'Replace an API key; the old one works for KEY_ROTATION_GRACE_SECONDS', security: write, params: keyId, data: rotatedKeyDataSchema, errors: [...SESSION, ...ORIGIN, ...NOT_FOUND, 'conflict'] });
  route({ method: 'delete', path: '/keys/{id}', summary: 'Delete an API key', security: write, params: keyId, data: keyDeletedDataSchema, errors: [...SESSION, ...ORIGIN, ...NOT_FOUND] });
  const billing: ErrorCode[] = [...SESSION, ...ORIGIN, 'conflict', 'billing_provider_error', 'billing_not_configured'];
  route({ method: 'post', path: '/billing/checkout', summary: 'Start a Stripe Checkout for the premium plan', security: write, data: billingRedirectSchema, errors: billing });
  route({ method: 'post', path: '/billing/portal', summary: "Open Stripe's Customer Portal", security: write, data: billingRedirectSchema, errors: billing });
}
