// GET /docs: renders the OpenAPI document with Redoc (loaded just before this file from
// /docs/redoc.standalone.js). A separate file because the page's CSP forbids inline scripts.

/** @typedef {{ init: (specUrl: string, options: Record<string, unknown>, element: HTMLElement | null) => void }} RedocGlobal */

const root = document.getElementById('redoc');
const redoc = /** @type {{ Redoc?: RedocGlobal }} */ (/** @type {unknown} */ (window)).Redoc;
if (root && redoc) {
  redoc.init(
    root.dataset.specUrl ?? '/api/v1/openapi.json',
    {
      expandResponses: '200',
      hideDownloadButton: false,
      pathInMiddlePanel: true,
      theme: { colors: { primary: { main: '#1d9bf0' } } },
    },
    root,
  );
} else if (root) {
  root.textContent = 'The API reference could not load. The OpenAPI document is at /api/v1/openapi.json.';
}
