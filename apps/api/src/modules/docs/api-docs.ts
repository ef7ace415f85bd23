import { z } from 'zod';
import { twitterRequestSchema, twitterResponseSchema, errorEnvelopeSchema } from '../twitter/twitter.schemas';
import { ACCEPTED_HOSTS } from '../twitter/parse/tweet-url';
import type { WindowSpec } from '../ratelimit/rate-limit.service';
import { TWITTER_ERROR_CODES, errorTable } from './docs.errors';
import { buildMediaDocs } from './media-docs';

const EXAMPLE_URL = 'https://x.com/sim_video/status/992010';

function examples(endpoint: string) {
  return {
    curl: `curl -X POST ${endpoint} \\\n  -H "Authorization: Bearer sk-YOUR_KEY" \\\n  -H "Content-Type: application/json" \\\n  -d '{"url":"${EXAMPLE_URL}"}'`,
    javascript: `const res = await fetch("${endpoint}", {\n  method: "POST",\n  headers: { Authorization: "Bearer sk-YOUR_KEY", "Content-Type": "application/json" },\n  body: JSON.stringify({ url: "${EXAMPLE_URL}" }),\n});\nconst body = await res.json();\nif (body.code !== 0) throw new Error(body.message);\nconsole.log(body.data.videos[0].url);`,
    python: `import requests\n\nr = requests.post(\n    "${endpoint}",\n    headers={"Authorization": "Bearer sk-YOUR_KEY"},\n    json={"url": "${EXAMPLE_URL}"},\n    timeout=30,\n)\nbody = r.json()\nif body["code"] != 0:\n    raise RuntimeError(body["message"])\nprint(body["data"]["videos"][0]["url"])`,
    php: `<?php\n$ch = curl_init("${endpoint}");\ncurl_setopt_array($ch, [\n  CURLOPT_POST => true,\n  CURLOPT_RETURNTRANSFER => true,\n  CURLOPT_HTTPHEADER => ["Authorization: Bearer sk-YOUR_KEY", "Content-Type: application/json"],\n  CURLOPT_POSTFIELDS => json_encode(["url" => "${EXAMPLE_URL}"]),\n]);\n$body = json_decode(curl_exec($ch), true);\nif ($body["code"] !== 0) { throw new Exception($body["message"]); }\necho $body["data"]["videos"][0]["url"];`,
  };
}

/** GET /api/v1/twitter: the API's documentation as JSON, generated from the live schemas. */
export function buildApiDocs(opts: { baseUrl: string; windows: WindowSpec[] }) {
  const endpoint = `${opts.baseUrl}/api/v1/twitter`;
  return {
    name: 'twdown API',
    version: 'v1',
    description: 'Turns an X/Twitter post URL into downloadable media. Compatible with the TwitterDown v1 API.',
    openapi: `${opts.baseUrl}/api/v1/openapi.json`,
    endpoints: [
      { method: 'POST', path: '/api/v1/twitter', auth: true, description: 'Extract the video of a post' },
      { method: 'POST', path: '/api/v1/twitter/batch', auth: true, description: 'Extract the videos of 1 to 20 posts; one request per URL' },
      { method: 'GET', path: '/api/v1/twitter', auth: false, description: 'This documentation' },
      { method: 'GET', path: '/api/v1/usage', auth: true, description: 'Your usage, rate-limit standing and credit balance' },
      { method: 'GET', path: '/api/v1/openapi.json', auth: false, description: 'OpenAPI 3.1 document' },
      { method: 'POST', path: '/api/download', auth: true, description: 'Every media item of a post (Facebo/Soundc-compatible; see media)' },
      { method: 'POST', path: '/api/convert/{mp3|mp4|wav|gif}', auth: true, description: 'Convert and stream a file (compatible; costs credits)' },
      { method: 'POST', path: '/api/v1/download', auth: true, description: 'Every media item of a post (v1 envelope)' },
      { method: 'POST', path: '/api/v1/convert/{mp3|mp4|wav|gif}', auth: true, description: 'Convert and stream a file (v1 errors; costs credits)' },
      { method: 'GET', path: '/api/v1/media/{token}', auth: false, description: 'Follow a signed download link from /download' },
    ],
    authentication: {
      type: 'Bearer',
      header: 'Authorization: Bearer sk-…',
      how_to_get_a_key: 'Create an account, subscribe to premium, open API Keys in the dashboard, create a key. The key is shown once.',
      premium_required: true,
    },
    rate_limits: {
      scope: 'per account (all keys of an account share the limits)',
      windows: opts.windows.map((w) => ({ window: w.name, limit: w.limit, seconds: w.seconds })),
      headers: {
        'X-RateLimit-Limit': 'limit of the window closest to exhaustion',
        'X-RateLimit-Remaining': 'requests left in that window',
        'X-RateLimit-Reset': 'unix time (seconds) when that window resets',
        'RateLimit-Policy': 'IETF structured field describing all windows',
        RateLimit: 'IETF structured field with remaining and reset of all windows',
      },
      on_limit: '429 with Retry-After (seconds); a refused request does not count against the other windows',
    },
    request: {
      content_type: 'application/json',
      max_body_bytes: 16 * 1024,
      schema: z.toJSONSchema(twitterRequestSchema),
      accepted_url_forms: {
        hosts: ACCEPTED_HOSTS,
        paths: ['/<user>/status/<id>', '/i/web/status/<id>', '/i/status/<id>', '/statuses/<id>', '…/video/<n>', '…/photo/<n>'],
        notes: 'Query strings, fragments, surrounding whitespace and a missing scheme are fine. t.co short links are not supported.',
      },
    },
    response: { schema: z.toJSONSchema(twitterResponseSchema, { io: 'output' }) },
    errors: {
      envelope: z.toJSONSchema(errorEnvelopeSchema, { io: 'output' }),
      table: errorTable(TWITTER_ERROR_CODES),
    },
    examples: examples(endpoint),
    media: buildMediaDocs(opts.baseUrl),
  };
}
