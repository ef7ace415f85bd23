import { readFileSync } from 'node:fs';
import request from 'supertest';
import { OPENAPI_FILE, renderOpenApi } from '../../apps/api/src/modules/docs/write-openapi';
import { DEFAULT_MESSAGES, STATUS_BY_CODE } from '../../apps/api/src/lib/errors/app-error';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { PUBLIC_BASE_URL: 'https://api.example.test' } });
});
afterAll(async () => {
  await h.close();
});

describe('GET /api/v1/twitter (documentation)', () => {
  it('when called without a key, then it returns the API documentation as JSON', async () => {
    const res = await request(h.app).get('/api/v1/twitter');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = res.body;
    expect(doc.endpoints).toEqual(
      expect.arrayContaining([expect.objectContaining({ method: 'POST', path: '/api/v1/twitter', auth: true })]),
    );
    expect(doc.authentication.header).toBe('Authorization: Bearer sk-…');
    expect(doc.rate_limits.windows).toEqual([
      { window: 'minute', limit: 60, seconds: 60 },
      { window: 'hour', limit: 1000, seconds: 3600 },
      { window: 'day', limit: 10000, seconds: 86400 },
    ]);
    expect(Object.keys(doc.examples).sort()).toEqual(['curl', 'javascript', 'php', 'python']);
    expect(doc.examples.curl).toContain('https://api.example.test/api/v1/twitter');
    // the request schema is the one the route validates with
    expect(doc.request.schema.required).toEqual(['url']);
    expect(doc.response.schema.properties.data.required).toEqual(
      expect.arrayContaining(['thumbnail', 'videos', 'text', 'username', 'statusId', 'processed_at']),
    );
  });

  it('documents every error a caller can get, with the exact status and message the code uses', async () => {
    const res = await request(h.app).get('/api/v1/twitter');
    const table = res.body.errors.table as Array<{ status: number; type: keyof typeof STATUS_BY_CODE; message: string }>;
    for (const row of table) {
      expect(row.status).toBe(STATUS_BY_CODE[row.type]);
      expect(row.message).toBe(DEFAULT_MESSAGES[row.type]);
    }
    const messages = table.map((r) => `${r.status} ${r.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        '400 URL parameter is required',
        '400 Invalid Twitter/X URL format',
        '401 Missing API key',
        '401 Invalid API key',
        '403 API access is only available for premium users',
        '422 No video found',
        '429 Rate limit exceeded',
        '500 Internal server error',
      ]),
    );
  });
});

describe('GET /api/v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document describing POST /twitter with its schemas and error statuses', async () => {
    const res = await request(h.app).get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.servers).toEqual([{ url: 'https://api.example.test/api/v1' }]);
    const post = res.body.paths['/twitter'].post;
    expect(Object.keys(post.responses).sort()).toEqual(['200', '400', '401', '403', '422', '429', '500', '502', '503']);
    expect(res.body.components.schemas.TwitterRequest.properties.url.type).toBe('string');
    expect(res.body.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});

describe('docs/openapi.json', () => {
  it('is exactly what the code generates (run `npm run docs:openapi` after changing the API)', () => {
    const committed = readFileSync(OPENAPI_FILE, 'utf8');
    expect(committed).toBe(renderOpenApi());
  });
});
