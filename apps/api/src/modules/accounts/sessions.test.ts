import { createHash, randomBytes } from 'node:crypto';
import cookieParser from 'cookie-parser';
import express from 'express';
import request from 'supertest';
import { useTestPrisma } from '../../../../../tests/support/test-prisma';
import { errorHandler } from '../../lib/http/error-handler';
import { createLogger } from '../../lib/logger/logger';
import {
  clearSessionCookie,
  csrfGuard,
  originGuard,
  requireSession,
  sessionUserId,
  setSessionCookie,
} from './session.middleware';
import { createSessionService, type SessionService } from './sessions.service';
import { createAccountsRepository } from './accounts.repository';

/**
 * Dashboard sessions and CSRF on a tiny express app against real session rows. The promises are
 * docs/security.md's, written out here: the cookie `twdown_session` is HttpOnly, SameSite=Lax,
 * Path=/, Secure per COOKIE_SECURE; only the SHA-256 hex of the 43-character base64url token is
 * stored; a state-changing request needs the session's token in X-CSRF-Token and no foreign
 * Origin.
 */
const logger = createLogger({ level: 'silent' });
const NOW = new Date('2026-06-01T12:00:00.000Z');
const TTL = 3600;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('dashboard sessions and CSRF (real PostgreSQL)', () => {
  const db = useTestPrisma();
  let clock: Date;
  let sessions: SessionService;

  beforeEach(() => {
    clock = NOW;
    sessions = createSessionService({ rows: createAccountsRepository(db.prisma).sessions, ttlSeconds: TTL, now: () => clock });
  });

  const newUser = async () => (await db.prisma.user.create({ data: { email: `s-${randomBytes(5).toString('hex')}@example.com` } })).id;

  describe('session service', () => {
    it('when a session is created, then the cookie token is 256 random bits and only its SHA-256 is stored', async () => {
      const userId = await newUser();
      const s = await sessions.create(userId);
      expect(s.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(s.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(s.csrfToken).not.toBe(s.token);
      expect(s.expiresAt.toISOString()).toBe('2026-06-01T13:00:00.000Z');
      const rows = await db.prisma.session.findMany({ where: { userId } });
      expect(rows).toHaveLength(1);
      expect(rows[0]?.id).toBe(sha256(s.token));
      expect(rows[0]?.csrfToken).toBe(s.csrfToken);
      expect(rows[0]?.expiresAt.toISOString()).toBe('2026-06-01T13:00:00.000Z');
      expect(sessions.ttlSeconds).toBe(TTL);
    });

    it('when a session is created, then the user’s expired sessions are removed, live ones kept', async () => {
      const userId = await newUser();
      const other = await newUser();
      const expired = await sessions.create(userId);
      const otherExpired = await sessions.create(other);
      clock = new Date(NOW.getTime() + 30 * 60_000);
      const live = await sessions.create(userId);
      clock = new Date(NOW.getTime() + TTL * 1000); // `expired` ends exactly now
      await sessions.create(userId);
      const ids = (await db.prisma.session.findMany({ where: { userId } })).map((r) => r.id);
      expect(ids).not.toContain(sha256(expired.token));
      expect(ids).toContain(sha256(live.token));
      expect(ids).toHaveLength(2);
      expect(await db.prisma.session.count({ where: { id: sha256(otherExpired.token) } })).toBe(1);
    });

    it('when a token is resolved, then a live session comes back until the instant it expires', async () => {
      const userId = await newUser();
      const s = await sessions.create(userId);
      clock = new Date(s.expiresAt.getTime() - 1);
      expect(await sessions.resolve(s.token)).toEqual({ id: sha256(s.token), userId, csrfToken: s.csrfToken, expiresAt: s.expiresAt });
      const bystander = await sessions.create(await newUser()); // created later: still live
      clock = s.expiresAt;
      expect(await sessions.resolve(s.token)).toBeNull();
      expect(await db.prisma.session.count({ where: { id: sha256(s.token) } })).toBe(0); // removed on sight
      expect(await db.prisma.session.count({ where: { id: sha256(bystander.token) } })).toBe(1); // and nothing else
    });

    it.each([
      ['missing', undefined],
      ['empty', ''],
      ['42 characters', 'a'.repeat(42)],
      ['44 characters', 'a'.repeat(44)],
      ['a foreign character', `${'a'.repeat(42)}.`],
      ['unknown', 'a'.repeat(43)],
    ])('when the token is %s, then there is no session', async (_name, token) => {
      expect(await sessions.resolve(token)).toBeNull();
    });

    it('when the stored hash is given as the token, then there is no session (the hash is not a credential)', async () => {
      const s = await sessions.create(await newUser());
      expect(await sessions.resolve(sha256(s.token))).toBeNull();
      expect(await sessions.resolve(`${s.token.slice(0, 42)}`)).toBeNull();
    });

    it('when a session is destroyed, then only that row goes; a malformed token destroys nothing', async () => {
      const userId = await newUser();
      const a = await sessions.create(userId);
      const b = await sessions.create(userId);
      await sessions.destroy(undefined);
      await sessions.destroy('not a token');
      await sessions.destroy(a.token);
      expect(await sessions.resolve(a.token)).toBeNull();
      expect(await sessions.resolve(b.token)).not.toBeNull();
    });

    it('when all sessions of a user end, then the kept one stays, other users are untouched, and the count is told', async () => {
      const userId = await newUser();
      const other = await newUser();
      const keep = await sessions.create(userId);
      await sessions.create(userId);
      await sessions.create(userId);
      const theirs = await sessions.create(other);
      expect(await sessions.destroyAllFor(userId, sha256(keep.token))).toBe(2);
      expect(await sessions.resolve(keep.token)).not.toBeNull();
      expect(await sessions.destroyAllFor(userId)).toBe(1);
      expect(await sessions.resolve(keep.token)).toBeNull();
      expect(await sessions.resolve(theirs.token)).not.toBeNull();
    });
  });

  describe('middleware', () => {
    function app(env: { COOKIE_SECURE?: 'auto' | 'true' | 'false'; PUBLIC_BASE_URL?: string } = {}) {
      const cookieEnv = { COOKIE_SECURE: env.COOKIE_SECURE ?? 'auto', SESSION_TTL_SECONDS: TTL };
      const a = express();
      a.set('trust proxy', 'loopback');
      a.use(cookieParser());
      a.post('/login/:userId', async (req, res) => {
        setSessionCookie(req, res, cookieEnv, await sessions.create(String(req.params.userId)));
        res.json({ ok: true });
      });
      a.post('/logout', (req, res) => {
        clearSessionCookie(req, res, cookieEnv);
        res.json({ ok: true });
      });
      a.get('/whoami-unguarded', (req, res) => void res.json({ userId: sessionUserId(req) }));
      const guarded = express.Router();
      guarded.use(originGuard({ PUBLIC_BASE_URL: env.PUBLIC_BASE_URL }), requireSession(sessions), csrfGuard());
      guarded.all('/thing', (req, res) => void res.json({ userId: sessionUserId(req) }));
      a.use('/api', guarded);
      a.use(errorHandler(logger));
      return a;
    }

    async function login() {
      const userId = await newUser();
      const s = await sessions.create(userId);
      return { userId, cookie: `twdown_session=${s.token}`, csrf: s.csrfToken };
    }

    it.each([
      ['auto over http', 'auto', false, false],
      ['auto behind an https proxy', 'auto', true, true],
      ['true over http', 'true', false, true],
      ['false behind an https proxy', 'false', true, false],
    ] as const)('when COOKIE_SECURE is %s (%s, https: %s), then the cookie is HttpOnly, SameSite=Lax, Path=/, Secure: %s', async (_name, mode, https, secure) => {
      const userId = await newUser();
      const req = request(app({ COOKIE_SECURE: mode })).post(`/login/${userId}`);
      const res = https ? await req.set('X-Forwarded-Proto', 'https') : await req;
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toMatch(/^twdown_session=[A-Za-z0-9_-]{43};/);
      expect(cookie).toContain('Max-Age=3600');
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('SameSite=Lax');
      expect(cookie).toContain('Path=/');
      expect(cookie.includes('Secure')).toBe(secure);
      const out = https ? await request(app({ COOKIE_SECURE: mode })).post('/logout').set('X-Forwarded-Proto', 'https') : await request(app({ COOKIE_SECURE: mode })).post('/logout');
      const cleared = String(out.headers['set-cookie']);
      expect(cleared).toMatch(/^twdown_session=;/);
      expect(cleared).toContain('HttpOnly');
      expect(cleared).toContain('Path=/');
      expect(cleared).toContain('Expires=Thu, 01 Jan 1970');
      expect(cleared.includes('Secure')).toBe(secure);
    });

    it('when a live session sends its CSRF token, then GET and POST pass and see the user', async () => {
      const a = app();
      const { userId, cookie, csrf } = await login();
      expect((await request(a).get('/api/thing').set('Cookie', cookie)).body).toEqual({ userId });
      for (const method of ['post', 'put', 'patch', 'delete'] as const) {
        const res = await request(a)[method]('/api/thing').set('Cookie', cookie).set('X-CSRF-Token', csrf);
        expect(res.status).toBe(200);
      }
    });

    it.each(['post', 'put', 'patch', 'delete'] as const)('when a %s comes without the CSRF token, then 403 csrf_failed', async (method) => {
      const a = app();
      const { cookie } = await login();
      const res = await request(a)[method]('/api/thing').set('Cookie', cookie);
      expect(res.status).toBe(403);
      expect(res.body.error.type).toBe('csrf_failed');
    });

    it.each([
      ['another session’s token', (_csrf: string, other: string) => other],
      ['the token with one character changed', (csrf: string) => `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}`],
      ['the token plus a character', (csrf: string) => `${csrf}A`],
      ['a prefix of the token', (csrf: string) => csrf.slice(0, 10)],
    ])('when a POST sends %s, then 403 csrf_failed', async (_name, sent) => {
      const a = app();
      const { cookie, csrf } = await login();
      const other = await login();
      const res = await request(a).post('/api/thing').set('Cookie', cookie).set('X-CSRF-Token', sent(csrf, other.csrf));
      expect(res.status).toBe(403);
      expect(res.body.error.type).toBe('csrf_failed');
    });

    it('when safe methods come without the CSRF token, then they pass (HEAD, OPTIONS, GET)', async () => {
      const a = app();
      const { cookie } = await login();
      expect((await request(a).head('/api/thing').set('Cookie', cookie)).status).toBe(200);
      expect((await request(a).options('/api/thing').set('Cookie', cookie)).status).toBe(200);
    });

    it.each([
      ['no cookie', undefined],
      ['an unknown token', `twdown_session=${'a'.repeat(43)}`],
      ['a malformed token', 'twdown_session=abc'],
      ['the cookie under another name', `session=${'a'.repeat(43)}`],
    ])('when the request has %s, then 401 unauthenticated', async (_name, cookie) => {
      const a = app();
      const req = request(a).get('/api/thing');
      const res = cookie ? await req.set('Cookie', cookie) : await req;
      expect(res.status).toBe(401);
      expect(res.body.error.type).toBe('unauthenticated');
    });

    it('when a POST comes without a session, then 401 unauthenticated (not a CSRF refusal)', async () => {
      const res = await request(app()).post('/api/thing').set('X-CSRF-Token', 'x');
      expect(res.status).toBe(401);
      expect(res.body.error.type).toBe('unauthenticated');
    });

    it('when no cookie parser ran or the CSRF guard runs without a session, then the answer is a refusal, never a 500', async () => {
      const bare = express();
      bare.get('/s', requireSession(sessions), (_req, res) => void res.json({ ok: true }));
      bare.post('/c', csrfGuard(), (_req, res) => void res.json({ ok: true }));
      bare.use(errorHandler(logger));
      const s = await sessions.create(await newUser());
      expect((await request(bare).get('/s').set('Cookie', `twdown_session=${s.token}`)).status).toBe(401);
      const c = await request(bare).post('/c').set('X-CSRF-Token', s.csrfToken);
      expect(c.status).toBe(403);
      expect(c.body.error.type).toBe('csrf_failed');
    });

    it('when a handler asks for the user without a session, then 401 unauthenticated', async () => {
      const res = await request(app()).get('/whoami-unguarded');
      expect(res.status).toBe(401);
      expect(res.body.error.type).toBe('unauthenticated');
    });

    it('when a POST comes from a foreign Origin, then 403 csrf_failed even with the right token', async () => {
      const a = app();
      const { cookie, csrf } = await login();
      const res = await request(a).post('/api/thing').set('Cookie', cookie).set('X-CSRF-Token', csrf).set('Origin', 'https://evil.example');
      expect(res.status).toBe(403);
      expect(res.body.error.type).toBe('csrf_failed');
      // a safe method from a foreign origin is not a state change
      expect((await request(a).get('/api/thing').set('Cookie', cookie).set('Origin', 'https://evil.example')).status).toBe(200);
    });

    it('when a POST comes from the server’s own origin or PUBLIC_BASE_URL’s, then it passes', async () => {
      const a = app({ PUBLIC_BASE_URL: 'https://api.example.com/some/path' });
      const { cookie, csrf } = await login();
      const post = (origin: string, host = 'internal:8080') =>
        request(a).post('/api/thing').set('Host', host).set('Cookie', cookie).set('X-CSRF-Token', csrf).set('Origin', origin);
      expect((await post('http://internal:8080')).status).toBe(200);
      expect((await post('https://api.example.com')).status).toBe(200);
      expect((await post('https://internal:8080')).status).toBe(403); // wrong scheme
      expect((await post('http://internal:8081')).status).toBe(403);
      expect((await post('https://api.example.com.evil.example')).status).toBe(403);
      expect((await post('null')).status).toBe(403);
      const noBase = app();
      const other = await login();
      const res = await request(noBase)
        .post('/api/thing')
        .set('Host', 'internal:8080')
        .set('Cookie', other.cookie)
        .set('X-CSRF-Token', other.csrf)
        .set('Origin', 'https://api.example.com');
      expect(res.status).toBe(403);
    });
  });
});
