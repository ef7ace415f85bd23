import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';

export const DASHBOARD_PUBLIC_DIR = path.resolve(__dirname, '../../../../dashboard/public');

/**
 * The browser UI (static files in apps/dashboard/public, written separately):
 *   GET /                 → index.html (landing)
 *   GET /dashboard[/...]  → dashboard/<path> when that file exists, else dashboard.html or
 *                           dashboard/index.html (single-page app fallback)
 *   any other file        → served at its path (/app.js, /assets/...)
 * Missing files fall through to the API's 404.
 */
const SHELL_FILES = ['dashboard.html', path.join('dashboard', 'index.html')];

/**
 * The pages' Content-Security-Policy: scripts, styles, images and API calls from this origin
 * only; no inline script or style (the pages carry none: an injected <script> or style attribute
 * does not run); no plugins; never framed (clickjacking). `upgrade-insecure-requests` is left out
 * so the quick start works on plain http://localhost.
 */
export const PAGE_CSP = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
});

/** GET / (PAGE_CSP in front, in app.ts) and the static files and dashboard shell (`files`, an app-level fallback). */
export function createDashboardPages(opts: { publicDir?: string } = {}) {
  const dir = opts.publicDir ?? DASHBOARD_PUBLIC_DIR;
  const sendPage = (res: Response, file: string | undefined, next: NextFunction) => {
    if (!file || !existsSync(file)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(file);
  };
  const isApi = (p: string) => p === '/api' || p.startsWith('/api/') || p.startsWith('/dashboard/api');
  const isDashboard = (p: string) => p === '/dashboard' || p.startsWith('/dashboard/');
  const staticFiles = express.static(dir, { index: false, redirect: false, fallthrough: true, dotfiles: 'ignore' });

  const landing: RequestHandler = (_req, res, next) => sendPage(res, path.join(dir, 'index.html'), next);
  const files: RequestHandler = (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApi(req.path)) return next();
    PAGE_CSP(req, res, () => {
      void staticFiles(req, res, () => {
        if (!isDashboard(req.path)) return next();
        sendPage(res, SHELL_FILES.map((f) => path.join(dir, f)).find((f) => existsSync(f)), next);
      });
    });
  };
  return { landing, files };
}
