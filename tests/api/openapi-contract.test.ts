import request from 'supertest';
import { z } from 'zod';
import { bearer, startHarness, type Harness } from '../support/harness';

/**
 * The OpenAPI document is a valid OpenAPI 3.1 document, and real answers of the running app
 * (recorded below through the full HTTP stack) match the response schema the document gives for
 * their path, method and status. The schemas are read back from the served document itself
 * ($refs resolved, JSON Schema → zod with z.fromJSONSchema), not from the code's zod schemas.
 */
let h: Harness;
let doc: OpenApiDoc;
beforeAll(async () => {
  h = await startHarness({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
  doc = (await request(h.app).get('/api/v1/openapi.json')).body as OpenApiDoc;
});
afterAll(async () => {
  await h.close();
});

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }>; headers?: Record<string, unknown> }> }>>;
  components: { schemas: Record<string, unknown> };
}

function deref(node: unknown, schemas: Record<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map((n) => deref(n, schemas));
  if (typeof node !== 'object' || node === null) return node;
  const ref = (node as { $ref?: unknown }).$ref;
  if (typeof ref === 'string') {
    const name = ref.replace('#/components/schemas/', '');
    if (!(name in schemas)) throw new Error(`unresolved ${ref}`);
    return deref(schemas[name], schemas);
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, deref(v, schemas)]));
}

/** Checks one recorded answer against the document; returns what does not match. */
function mismatches(path: string, method: string, res: { status: number; body: unknown; headers: Record<string, unknown> }): string[] {
  const operation = doc.paths[path]?.[method];
  if (!operation) return [`${method.toUpperCase()} ${path} is not in the document`];
  const documented = operation.responses[String(res.status)];
  if (!documented) return [`${method.toUpperCase()} ${path} answered ${res.status}, which is not documented`];
  const problems: string[] = [];
  const schema = documented.content?.['application/json']?.schema;
  if (schema) {
    const parsed = z.fromJSONSchema(deref(schema, doc.components.schemas) as Parameters<typeof z.fromJSONSchema>[0]).safeParse(res.body);
    if (!parsed.success) problems.push(`${method.toUpperCase()} ${path} ${res.status}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  for (const [name, header] of Object.entries(documented.headers ?? {})) {
    if ((header as { required?: boolean }).required && res.headers[name.toLowerCase()] === undefined) problems.push(`${method.toUpperCase()} ${path} ${res.status}: header ${name} missing`);
  }
  return problems;
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    // ESM-only package: loaded with a dynamic import (jest runs with --experimental-vm-modules)
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const result = await new Validator().validate(doc as unknown as Parameters<InstanceType<typeof Validator>['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('describes every public route of the API (fixed list)', () => {
    const ops = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).filter((m) => m !== 'servers').map((m) => `${m.toUpperCase()} ${p}`));
    expect(ops.sort()).toEqual(
      expect.arrayContaining([
        'GET /healthz',
        'GET /openapi.json',
        'GET /readyz',
        'GET /twitter',
        'GET /usage',
        'POST /twitter',
        'POST /twitter/batch',
        'POST /webhooks/stripe',
        'POST /download',
        'POST /convert/{format}',
        'GET /media/{token}',
        'POST /api/download',
        'POST /api/convert/{format}',
      ]),
    );
  });

  it('matches real answers of every documented route (success and error statuses)', async () => {
    const { key } = await h.createKey();
    const { key: basic } = await h.createKey({ premium: false });
    const { key: limited } = await h.createKey();
    const api = '/api/v1';
    const recorded: Array<[string, string, request.Response]> = [];
    const rec = async (path: string, method: string, res: Promise<request.Response> | request.Response) => recorded.push([path, method, await res]);

    await rec('/twitter', 'get', request(h.app).get(`${api}/twitter`));
    await rec('/twitter', 'post', request(h.app).post(`${api}/twitter`).set(bearer(key)).send({ url: 'https://x.com/sim_video/status/992010' }));
    await rec('/twitter', 'post', request(h.app).post(`${api}/twitter`).set(bearer(key)).send({ url: 'nope' }));
    await rec('/twitter', 'post', request(h.app).post(`${api}/twitter`).set(bearer(key)).send({ url: 'https://x.com/a/status/992021' }));
    await rec('/twitter', 'post', request(h.app).post(`${api}/twitter`).send({ url: 'https://x.com/a/status/992010' }));
    await rec('/twitter', 'post', request(h.app).post(`${api}/twitter`).set(bearer(basic)).send({ url: 'https://x.com/a/status/992010' }));
    for (let i = 0; i < 5; i++) await request(h.app).post(`${api}/twitter`).set(bearer(limited)).send({ url: 'nope' });
    await rec('/twitter', 'post', request(h.app).post(`${api}/twitter`).set(bearer(limited)).send({ url: 'nope' }));
    await rec('/twitter/batch', 'post', request(h.app).post(`${api}/twitter/batch`).set(bearer(key)).send({ urls: ['https://x.com/sim_video/status/992010', 'nope'] }));
    await rec('/twitter/batch', 'post', request(h.app).post(`${api}/twitter/batch`).set(bearer(key)).send({ urls: [] }));
    await rec('/usage', 'get', request(h.app).get(`${api}/usage`).set(bearer(key)));
    await rec('/usage', 'get', request(h.app).get(`${api}/usage`).set(bearer('sk-nope')));
    await rec('/openapi.json', 'get', request(h.app).get(`${api}/openapi.json`));
    await rec('/webhooks/stripe', 'post', request(h.app).post(`${api}/webhooks/stripe`).set('Content-Type', 'application/json').send('{}'));
    const mediaPost = 'https://x.com/sim_media/status/993002'; // synthetic: photo, video, gif
    const { key: mediaKey } = await h.createKey(); // a fresh minute window (5 a minute in this file)
    await rec('/download', 'post', request(h.app).post(`${api}/download`).set(bearer(mediaKey)).send({ url: mediaPost }));
    await rec('/download', 'post', request(h.app).post(`${api}/download`).set(bearer(mediaKey)).send({ url: 'nope' }));
    await rec('/api/download', 'post', request(h.app).post('/api/download').set('Authorization', mediaKey).send({ url: mediaPost }));
    await rec('/api/download', 'post', request(h.app).post('/api/download').set('Authorization', 'sk-nope').send({ url: mediaPost }));
    await rec('/api/convert/{format}', 'post', request(h.app).post('/api/convert/mp3').set('Authorization', mediaKey).send({ url: mediaPost }));
    await rec('/healthz', 'get', request(h.app).get('/healthz'));
    await rec('/readyz', 'get', request(h.app).get('/readyz'));

    // the recording covers what it claims to (so a broken route cannot pass by answering 500)
    expect(recorded.map(([p, m, r]) => `${m} ${p} ${r.status}`)).toEqual([
      'get /twitter 200',
      'post /twitter 200',
      'post /twitter 400',
      'post /twitter 422',
      'post /twitter 401',
      'post /twitter 403',
      'post /twitter 429',
      'post /twitter/batch 200',
      'post /twitter/batch 400',
      'get /usage 200',
      'get /usage 401',
      'get /openapi.json 200',
      'post /webhooks/stripe 503',
      'post /download 200',
      'post /download 400',
      'post /api/download 200',
      'post /api/download 401',
      'post /api/convert/{format} 402',
      'get /healthz 200',
      'get /readyz 200',
    ]);
    const problems = recorded.flatMap(([p, m, r]) => mismatches(p, m, { status: r.status, body: r.body as unknown, headers: r.headers }));
    expect(problems).toEqual([]);
  });
});
