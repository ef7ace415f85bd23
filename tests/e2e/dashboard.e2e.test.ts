/**
 * Browser end-to-end test of the developer dashboard against the REAL app: PostgreSQL, Redis, the
 * X simulator and the Stripe stand-in, all over real HTTP on real ports, driven by Debian's
 * chromium through playwright-core.
 *
 *   sign up → "check your email" → the link from the mail (real SMTP) + password → Subscribe → stand-in checkout (#pay) → signed webhook → back on /dashboard?billing=success
 *   → plan shows Premium with the first period's 1,000 credits → create a key (read from the modal) → POST /api/v1/twitter with it → 200
 *   → Usage shows the call → revoke the key in the UI → the next API call gets 401
 *   → rename + rotate a second key (both secrets work in the grace period) → delete the old one → 401
 *   → forgot password → the reset link from the mail → log in with the new one → log out everywhere
 *   → change the email address through the link mailed to the new one
 *
 * The pages run under their strict Content-Security-Policy; any violation the browser reports
 * fails the test.
 *
 * Screenshots of every step land in tests/artifacts/screenshots/ (git-ignored).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startHarness, type Harness } from '../support/harness';
import { linkToken } from '../support/smtp';
import { standinEnv, startStripeStandin, type StripeStandin } from '../support/stripe-standin';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const SHOTS = path.resolve(__dirname, '../artifacts/screenshots');
const TWEET_ID = '992010';
const TWEET_URL = `https://x.com/sim_video/status/${TWEET_ID}`;
const EMAIL = `e2e-${Date.now()}@example.com`;
const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a brand new passphrase';
const STEP_TIMEOUT = 60_000;
const UI_TIMEOUT = 15_000;

jest.setTimeout(STEP_TIMEOUT);

let harness: Harness;
let standin: StripeStandin;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let base: string;
/** Uncaught page errors, CSP violations and failed (non-401) dashboard API calls; asserted empty at the end. */
const problems: string[] = [];

let apiKey = '';
let keyId = '';

/** Progress on stderr when E2E_DEBUG is set (jest buffers console output until the file ends). */
function log(msg: string): void {
  if (process.env.E2E_DEBUG) process.stderr.write(`[e2e ${new Date().toISOString().slice(11, 23)}] ${msg}\n`);
}

async function shot(name: string): Promise<void> {
  log(`screenshot ${name}`);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

async function callApi(key: string): Promise<{ status: number; body: { code: number; message: string; data?: { statusId?: string } } }> {
  log(`POST /api/v1/twitter with ${key.slice(0, 11)}…`);
  const res = await fetch(`${base}/api/v1/twitter`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ url: TWEET_URL }),
  });
  const body = (await res.json()) as { code: number; message: string };
  log(`→ ${res.status} ${body.message}`);
  return { status: res.status, body };
}

/** The pages' policy as the issue asks: no inline code, nothing framed, only our origin. */
function expectStrictCsp(header: string | undefined): void {
  const directives = new Map((header ?? '').split(';').map((d) => d.trim().split(/\s+/)).map(([name = '', ...values]) => [name, values]));
  expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  expect(directives.get('script-src')).toEqual(["'self'"]);
  expect(directives.get('style-src')).toEqual(["'self'"]);
  expect(directives.get('default-src')).toEqual(["'self'"]);
  expect(header).not.toContain('unsafe-inline');
  expect(header).not.toContain('unsafe-eval');
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install it with "apt-get install -y chromium" (or set CHROMIUM_PATH)`);
  }
  mkdirSync(SHOTS, { recursive: true });
  standin = await startStripeStandin();
  harness = await startHarness({ env: standinEnv(standin) });
  base = await harness.listen();
  standin.webhookUrl = `${base}/api/v1/webhooks/stripe`;

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  context = await browser.newContext({ viewport: { width: 1366, height: 900 }, colorScheme: 'light', locale: 'en-US', reducedMotion: 'reduce' });
  context.setDefaultTimeout(UI_TIMEOUT);
  page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  // Chromium reports every Content-Security-Policy violation on the console
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to (execute|apply|load|connect|frame)/i.test(msg.text())) problems.push(`csp: ${msg.text()}`);
  });
  page.on('response', (res) => {
    const url = new URL(res.url());
    if (url.pathname.startsWith('/dashboard/api/') && res.status() >= 400 && res.status() !== 401) {
      problems.push(`${res.request().method()} ${url.pathname} → ${res.status()}`);
    }
  });
}, STEP_TIMEOUT);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await harness?.close();
  await standin?.stop();
}, STEP_TIMEOUT);

describe('developer dashboard (browser, real app)', () => {
  test('landing page pitches the API and links to sign up, log in and the docs', async () => {
    const res = await page.goto(`${base}/`);
    expectStrictCsp(res?.headers()['content-security-policy']);
    await expect(page.title()).resolves.toContain('twdown');
    await page.getByTestId('pricing-card').waitFor();
    const code = await page.getByTestId('landing-code').innerText();
    expect(code).toContain(`${base}/api/v1/twitter`);
    expect(code).toContain('Authorization: Bearer sk-');
    expect(await page.getByTestId('landing-signup').getAttribute('href')).toBe('/dashboard/signup');
    expect(await page.getByTestId('landing-login').getAttribute('href')).toBe('/dashboard/login');
    expect(await page.getByTestId('landing-docs').getAttribute('href')).toBe('/docs');
    expect(await page.getByTestId('landing-openapi').getAttribute('href')).toBe('/api/v1/openapi.json');
    // the live limits come from GET /api/v1/twitter
    await page.locator('#limits-line').filter({ hasText: '/ minute' }).waitFor();
    await shot('01-landing');
  });

  test('signs up, follows the emailed link with the password, and lands on the Overview with the Free plan', async () => {
    await page.getByTestId('landing-signup').click();
    await page.waitForURL(/\/dashboard\/signup$/);
    await page.locator('#signup-email').fill(EMAIL);
    await page.locator('#signup-password').fill(PASSWORD);
    await shot('02-signup');
    await page.locator('#signup-submit').click();
    await page.getByTestId('check-email-page').waitFor();
    await expect(page.getByTestId('check-email-page-lead').innerText()).resolves.toContain(EMAIL);
    await shot('02b-check-email');
    // nothing is open before the link is followed
    expect((await page.request.get(`${base}/dashboard/api/me`)).status()).toBe(401);

    const token = linkToken(await harness.mail.next(EMAIL), 'verify-email');
    const res = await page.goto(`${base}/dashboard/verify-email#token=${token}`);
    expectStrictCsp(res?.headers()['content-security-policy']);
    await page.getByTestId('verify-email-page').waitFor();
    await page.getByTestId('verify-password').fill(PASSWORD);
    await shot('02c-verify');
    await page.getByTestId('verify-form-submit').click();
    await page.getByTestId('view-overview').waitFor();
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    await expect(page.getByTestId('plan-name').innerText()).resolves.toBe('Free');
    await expect(page.getByTestId('user-email').innerText()).resolves.toBe(EMAIL);
    await page.locator('#subscribe-btn').waitFor();
    expect(await page.getByTestId('billing-not-configured').count()).toBe(0);
    await shot('03-overview-free');
  });

  test('subscribes through the Stripe stand-in checkout and comes back Premium', async () => {
    await page.locator('#subscribe-btn').click();
    await page.waitForURL((u) => u.href.startsWith(`${standin.url}/pay/`));
    await shot('04-checkout');
    await page.locator('#pay').click();
    // the stand-in sends signed webhooks to the API, then redirects to /dashboard?billing=success
    await page.waitForURL((u) => u.href.startsWith(`${base}/dashboard`));
    await page.getByTestId('billing-success-banner').waitFor();
    await page.locator('[data-testid="plan-name"][data-plan="premium"]').waitFor();
    await expect(page.getByTestId('plan-name').innerText()).resolves.toBe('Premium');
    await page.locator('#manage-billing-btn').waitFor();
    expect(await page.locator('#subscribe-btn').count()).toBe(0);
    expect(standin.deliveries.length).toBeGreaterThanOrEqual(1);
    for (const d of standin.deliveries) expect(d.status).toBe(200);
    // invoice.paid of the first period granted CREDITS_PER_PERIOD (default 1000); the stats were
    // drawn before the webhooks landed, so reload to read them fresh
    await page.reload();
    await page.locator('[data-testid="stat-credits"]').filter({ hasText: '1,000' }).waitFor();
    await shot('05-overview-premium');
  });

  test('creates an API key and shows the full key once', async () => {
    await page.getByTestId('nav-keys').click();
    await page.getByTestId('keys-empty').waitFor();
    await page.locator('#create-key-btn').click();
    await page.locator('#new-key-name').fill('E2E server');
    await shot('06-create-key');
    await page.getByTestId('prompt-submit').click();
    const secret = page.locator('#new-key-value');
    await secret.waitFor();
    apiKey = (await secret.innerText()).trim();
    expect(apiKey).toMatch(/^sk-[A-Za-z0-9]{43}$/);
    await expect(page.getByTestId('new-key-modal').innerText()).resolves.toContain('will not be shown again');
    await shot('07-key-created');
    await page.locator('#new-key-done').click();
    await page.getByTestId('new-key-modal').waitFor({ state: 'detached' });

    const row = page.getByTestId('key-row');
    await expect(row.count()).resolves.toBe(1);
    keyId = (await row.getAttribute('data-key-id')) ?? '';
    expect(keyId).not.toBe('');
    await expect(row.getAttribute('data-status')).resolves.toBe('active');
    await expect(row.getByTestId('key-prefix').innerText()).resolves.toBe(`${apiKey.slice(0, 11)}…`);
    await expect(row.getByTestId('key-name').innerText()).resolves.toBe('E2E server');
    // the secret is nowhere on the page any more
    expect(await page.content()).not.toContain(apiKey);
  });

  test('the new key works: POST /api/v1/twitter returns the fixture tweet', async () => {
    const { status, body } = await callApi(apiKey);
    expect(status).toBe(200);
    expect(body.code).toBe(0);
    expect(body.data?.statusId).toBe(TWEET_ID);
  });

  test('Usage shows the call in the totals, the chart and the per-key table', async () => {
    await page.getByTestId('nav-usage').click();
    await page.locator('[data-testid="view-usage"][data-loaded="true"]').waitFor();
    const requests24h = Number((await page.getByTestId('usage-24h-requests').innerText()).replace(/,/g, ''));
    expect(requests24h).toBeGreaterThanOrEqual(1);
    const requests30d = Number((await page.getByTestId('usage-30d-requests').innerText()).replace(/,/g, ''));
    expect(requests30d).toBeGreaterThanOrEqual(1);

    // the hourly chart has a bar for it, with a native tooltip
    const hourly = page.locator('[data-testid="chart-24h"] .slot');
    await expect(hourly.count()).resolves.toBeGreaterThanOrEqual(24);
    const bars = await hourly.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-requests'))));
    expect(bars.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    const busy = page.locator('[data-testid="chart-24h"] .slot:has(.bar-req)').last();
    await expect(busy.locator('title').textContent()).resolves.toMatch(/Requests: [1-9]/);
    await busy.hover();

    // standing per window and the per-key totals
    for (const w of ['minute', 'hour', 'day']) {
      const meter = page.getByTestId(`meter-${w}`);
      await expect(meter.innerText()).resolves.toMatch(/resets in/);
      expect(Number(await meter.getAttribute('data-used'))).toBeGreaterThanOrEqual(1);
    }
    const perKey = page.locator(`[data-testid="per-key-row"][data-key-id="${keyId}"]`);
    expect(Number(await perKey.getAttribute('data-requests'))).toBeGreaterThanOrEqual(1);

    // credits: the balance and the billing period's grant in the ledger
    await expect(page.getByTestId('credits-balance').innerText()).resolves.toBe('1,000');
    const grant = page.getByTestId('credit-row').first();
    await expect(grant.getAttribute('data-kind')).resolves.toBe('grant');
    await expect(grant.getAttribute('data-amount')).resolves.toBe('1000');
    await shot('08-usage');
  });

  test('revokes the key in the UI and the next API call gets 401', async () => {
    await page.getByTestId('nav-keys').click();
    const row = page.locator(`[data-testid="key-row"][data-key-id="${keyId}"]`);
    await row.locator('[data-action="revoke"]').click();
    await page.getByTestId('revoke-confirm').waitFor();
    await shot('09-revoke-confirm');
    await page.getByTestId('confirm-ok').click();
    await page.locator(`[data-testid="key-row"][data-key-id="${keyId}"][data-status="revoked"]`).waitFor();
    await expect(row.getByTestId('key-status').innerText()).resolves.toBe('Revoked');
    await shot('10-key-revoked');

    const { status, body } = await callApi(apiKey);
    expect(status).toBe(401);
    expect(body.code).toBe(-1);
  });

  test('renames and rotates a key: both secrets work during the grace period; deleting the old one cuts it off', async () => {
    await page.locator('#create-key-btn').click();
    await page.locator('#new-key-name').fill('Worker');
    await page.getByTestId('prompt-submit').click();
    const first = (await page.locator('#new-key-value').innerText()).trim();
    await page.locator('#new-key-done').click();
    const row = page.locator('[data-testid="key-row"][data-status="active"]');
    const id = (await row.getAttribute('data-key-id')) ?? '';

    await row.locator('[data-action="rename"]').click();
    await page.locator('#rename-key-name').fill('Worker (eu-west)');
    await page.getByTestId('prompt-submit').click();
    await page.locator(`[data-testid="key-row"][data-key-id="${id}"] [data-testid="key-name"]`, { hasText: 'Worker (eu-west)' }).waitFor();

    await page.locator(`[data-testid="key-row"][data-key-id="${id}"] [data-action="rotate"]`).click();
    await page.getByTestId('rotate-confirm').getByTestId('confirm-ok').click();
    const modal = page.getByTestId('new-key-modal');
    await expect(modal.innerText()).resolves.toMatch(/keeps working until/);
    const second = (await page.locator('#new-key-value').innerText()).trim();
    expect(second).toMatch(/^sk-[A-Za-z0-9]{43}$/);
    expect(second).not.toBe(first);
    await shot('11-rotated');
    await page.locator('#new-key-done').click();

    const old = page.locator(`[data-testid="key-row"][data-key-id="${id}"]`);
    await expect(old.getAttribute('data-status')).resolves.toBe('expiring');
    expect((await callApi(first)).status).toBe(200);
    expect((await callApi(second)).status).toBe(200);

    await old.locator('[data-action="delete"]').click();
    await page.getByTestId('delete-confirm').getByTestId('confirm-ok').click();
    await old.waitFor({ state: 'detached' });
    await shot('12-keys-after-rotation');
    expect((await callApi(first)).status).toBe(401);
    expect((await callApi(second)).status).toBe(200);
  });

  test('logs out and back in, still Premium', async () => {
    await page.getByTestId('logout').click();
    await page.getByTestId('login-form').waitFor();
    await page.locator('#login-email').fill(EMAIL);
    await page.locator('#login-password').fill(PASSWORD);
    await page.locator('#login-submit').click();
    await page.locator('[data-testid="plan-name"][data-plan="premium"]').waitFor();
  });

  test('forgot password: the reset link from the mail sets a new password, the old one stops working', async () => {
    await page.getByTestId('logout').click();
    await page.getByTestId('login-form').waitFor();
    await page.getByTestId('goto-forgot').click();
    await page.getByTestId('forgot-email').fill(EMAIL);
    await page.getByTestId('forgot-form-submit').click();
    await page.getByTestId('forgot-sent').waitFor();
    await shot('15-forgot-sent');
    const token = linkToken(await harness.mail.next(EMAIL), 'reset-password');
    await page.goto(`${base}/dashboard/reset-password#token=${token}`);
    await page.getByTestId('reset-password').fill(NEW_PASSWORD);
    await page.getByTestId('reset-form-submit').click();
    await page.getByTestId('login-form').waitFor();
    await page.locator('#login-email').fill(EMAIL);
    await page.locator('#login-password').fill(PASSWORD);
    await page.locator('#login-submit').click();
    await page.getByTestId('auth-error').filter({ hasText: 'Invalid email or password' }).waitFor();
    await page.locator('#login-password').fill(NEW_PASSWORD);
    await page.locator('#login-submit').click();
    await page.locator('[data-testid="plan-name"][data-plan="premium"]').waitFor();
  });

  test('log out everywhere (Account page) ends the session of another browser too', async () => {
    const other = await browser.newContext();
    const otherLogin = await other.request.post(`${base}/dashboard/api/login`, { data: { email: EMAIL, password: NEW_PASSWORD } });
    expect(otherLogin.status()).toBe(200);
    expect((await other.request.get(`${base}/dashboard/api/me`)).status()).toBe(200);
    await page.getByTestId('nav-account').click();
    await page.getByTestId('view-account').waitFor();
    await shot('16-account');
    await page.getByTestId('logout-all-form-submit').click();
    await page.getByTestId('login-form').waitFor();
    expect((await other.request.get(`${base}/dashboard/api/me`)).status()).toBe(401);
    await other.close();
    await page.locator('#login-email').fill(EMAIL);
    await page.locator('#login-password').fill(NEW_PASSWORD);
    await page.locator('#login-submit').click();
    await page.getByTestId('view-overview').waitFor();
  });

  test('changes the email address: the link goes to the new address, the confirm page switches it, the old address is told', async () => {
    const newEmail = `e2e-new-${Date.now()}@example.com`;
    await page.getByTestId('nav-account').click();
    await page.getByTestId('account-new-email').fill(newEmail);
    await page.getByTestId('account-email-password').fill(NEW_PASSWORD);
    await page.getByTestId('email-form-submit').click();
    await page.getByTestId('email-form-note').filter({ hasText: newEmail }).waitFor();
    const token = linkToken(await harness.mail.next(newEmail), 'confirm-email');
    const res = await page.goto(`${base}/dashboard/confirm-email#token=${token}`);
    expectStrictCsp(res?.headers()['content-security-policy']);
    await page.getByTestId('confirm-email-status').filter({ hasText: `now uses ${newEmail}` }).waitFor();
    await shot('17-email-changed');
    expect((await harness.mail.next(EMAIL)).subject).toBe('Your twdown email address was changed');
    await page.goto(`${base}/dashboard`);
    await expect(page.getByTestId('user-email').innerText()).resolves.toBe(newEmail);
  });

  test('small screens and dark mode render the same views', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('nav-usage').click();
    await page.locator('[data-testid="view-usage"][data-loaded="true"]').waitFor();
    await shot('13-usage-mobile');
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByTestId('nav-keys').click();
    await page.getByTestId('key-row').first().waitFor();
    await shot('14-keys-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  test('no page errors, no CSP violations and no failed dashboard API calls along the way', () => {
    expect(problems).toEqual([]);
  });
});
