import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createTwdownClient } from '../../apps/sdk/src';
import { startHarness, type Harness } from '../support/harness';

/** The generated client (apps/sdk) against the real server on a real port. */
let h: Harness;
let origin: string;
beforeAll(async () => {
  h = await startHarness();
  origin = await h.listen();
});
afterAll(async () => {
  await h.close();
});

describe('@twdown/sdk', () => {
  it('POST /twitter: a typed success envelope', async () => {
    const { key } = await h.createKey();
    const twdown = createTwdownClient({ baseUrl: `${origin}/`, apiKey: key });
    const { data, error, response } = await twdown.POST('/twitter', {
      body: { url: 'https://x.com/sim_video/status/992010' }, // a synthetic post
    });
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(data?.code).toBe(0);
    expect(data?.data.statusId).toBe('992010');
    expect(data?.data.videos[0]?.url).toMatch(/^https:\/\/video\.twimg\.com\//);
  });

  it('POST /twitter: the error envelope typed as `error`', async () => {
    const { key } = await h.createKey();
    const twdown = createTwdownClient({ baseUrl: origin, apiKey: key });
    const { data, error, response } = await twdown.POST('/twitter', { body: { url: 'https://example.com/nope' } });
    expect(data).toBeUndefined();
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ code: -1, message: 'Invalid Twitter/X URL format', error: { type: 'invalid_url' } });
  });

  it('POST /twitter/batch and GET /usage', async () => {
    const { key } = await h.createKey();
    const twdown = createTwdownClient({ baseUrl: origin, apiKey: key });
    const batch = await twdown.POST('/twitter/batch', { body: { urls: ['https://example.com/nope'] } });
    expect(batch.data?.data.results.map((r) => r.status)).toEqual([400]);
    const usage = await twdown.GET('/usage');
    expect(usage.response.status).toBe(200);
    expect(usage.data?.code).toBe(0);
  });

  it('without a key: 401 missing_api_key', async () => {
    const twdown = createTwdownClient({ baseUrl: origin });
    const { error, response } = await twdown.GET('/usage');
    expect(response.status).toBe(401);
    expect(error?.error.type).toBe('missing_api_key');
  });

  it('apps/sdk/src/schema.ts is what `npm run sdk` generates from docs/openapi.json (run `npm run docs:openapi`)', () => {
    const root = path.resolve(__dirname, '../..');
    const fresh = execFileSync(path.join(root, 'node_modules/.bin/tsx'), ['apps/sdk/src/generate.ts', '--stdout'], { cwd: root, encoding: 'utf8' });
    expect(readFileSync(path.join(root, 'apps/sdk/src/schema.ts'), 'utf8')).toBe(fresh);
  });
});
