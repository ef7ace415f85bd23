import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** Redoc's self-contained browser bundle, served from node_modules (no CDN). */
export const REDOC_BUNDLE = require.resolve('redoc/bundles/redoc.standalone.js');

/**
 * The Content-Security-Policy of /docs alone. It is the dashboard pages' policy (scripts and
 * connections from this origin only, no plugins, never framed) with the two allowances Redoc
 * cannot work without:
 * - `style-src 'unsafe-inline'`: Redoc renders with styled-components, which writes its CSS
 *   into <style> elements at run time; there is no nonce hook in the standalone bundle. Inline
 *   *scripts* stay forbidden, which is what protects the page.
 * - `worker-src blob:`: the search index runs in a Web Worker that Redoc builds from a blob URL.
 * The page has no user data, no forms and no session-dependent content, so the looser style
 * rule costs nothing there, and the dashboard pages keep their stricter policy.
 */
export const REFERENCE_CSP: RequestHandler = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    workerSrc: ["'self'", 'blob:'],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
  },
});

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>twdown API reference</title>
    <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
  </head>
  <body>
    <div id="redoc" data-spec-url="/api/v1/openapi.json" data-testid="api-reference"></div>
    <script src="/docs/redoc.standalone.js"></script>
    <script src="/assets/reference.js"></script>
  </body>
</html>
`;

/**
 * GET /docs: the API reference rendered by Redoc from GET /api/v1/openapi.json (the same
 * document as docs/openapi.json), with the curl/JavaScript/Python/PHP samples it carries as
 * x-codeSamples. The page's one script (apps/dashboard/public/assets/reference.js) calls
 * Redoc.init; nothing inline. GET /docs/redoc.standalone.js serves the bundle. REFERENCE_CSP goes
 * in front of the page (app.ts).
 */
export const apiReference: { page: RequestHandler; bundle: RequestHandler } = {
  page: (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(PAGE);
  },
  bundle: (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.sendFile(REDOC_BUNDLE);
  },
};
