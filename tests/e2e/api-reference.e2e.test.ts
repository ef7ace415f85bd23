/**
 * Browser test of the rendered API reference (GET /docs, Redoc served from node_modules) against
 * the real app on a real port, in Debian's chromium through playwright-core: it renders every
 * operation of the OpenAPI document with its code samples, under the page's own CSP, with no
 * CSP violation, no page error and no request leaving this origin; the landing page links to it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startHarness, type Harness } from '../support/harness';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.resolve(__dirname, '../artifacts/screenshots');
const UI_TIMEOUT = 20_000;

jest.setTimeout(60_000);

let h: Harness;
let browser: Browser;
let page: Page;
let base: string;
const problems: string[] = [];
const foreign: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with "apt-get install -y chromium" (or set CHROMIUM_PATH)`);
  mkdirSync(SHOTS, { recursive: true });
  h = await startHarness();
  base = await h.listen();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // chromium reports CSP refusals on the console ("Refused to …")
    if (msg.type() === 'error' || /Refused to/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  // loads that completed (a request the CSP refuses is announced, then fails)
  page.on('requestfinished', (req) => {
    const url = req.url();
    if (!url.startsWith(base) && !url.startsWith('blob:') && !url.startsWith('data:')) foreign.push(url);
  });
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

test('the landing page links to /docs', async () => {
  await page.goto(`${base}/`);
  expect(await page.getByTestId('landing-docs').getAttribute('href')).toBe('/docs');
  await page.getByRole('link', { name: 'Read the API docs' }).click();
  await page.waitForURL(`${base}/docs`);
});

test('/docs renders every operation with curl, JavaScript, Python and PHP samples', async () => {
  problems.length = 0; // the landing page's own console (a logged-out /dashboard/api call) is not this page's
  foreign.length = 0;
  const res = await page.goto(`${base}/docs`);
  const csp = res?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain('worker-src');
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);

  // operation titles come from the document's summaries (the fixed list of this API's public routes)
  for (const summary of ['Extract the video of a post', 'Extract the videos of 1 to 20 posts in one call', 'This OpenAPI document']) {
    await page.getByText(summary, { exact: true }).first().waitFor({ timeout: UI_TIMEOUT });
  }
  const text = await page.locator('#redoc').innerText();
  for (const label of ['curl', 'JavaScript', 'Python', 'PHP']) expect(text).toContain(label);
  expect(text).toContain('Authorization: Bearer sk-YOUR_KEY');
  expect(text).toContain('/twitter/batch');
  await page.screenshot({ path: path.join(SHOTS, 'docs-reference.png'), fullPage: false });

  // Redoc's sidebar credit points at an image on cdn.redoc.ly: the page's CSP refuses it, which is
  // the one refusal expected here (and the proof that nothing is fetched from a CDN)
  const cdnLogo = /^console: Loading the image 'https:\/\/cdn\.redoc\.ly\/[^']*' violates the following Content Security Policy directive/;
  expect(problems.filter((p) => !cdnLogo.test(p))).toEqual([]);
  expect(foreign).toEqual([]);
});

test('the Redoc bundle is served by the app itself, cacheable', async () => {
  const res = await fetch(`${base}/docs/redoc.standalone.js`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/javascript/);
  expect(res.headers.get('cache-control')).toContain('max-age=');
  expect((await res.text()).length).toBeGreaterThan(100_000);
});
