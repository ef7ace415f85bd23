import { createHmac } from 'node:crypto';
import request from 'supertest';
import { startHarness, type Harness } from '../support/harness';
import { compatErrorSchema, downloadCompatResponseSchema, downloadV1ResponseSchema } from '../../apps/api/src/modules/media/media.schemas';
import { PHOTO_VIDEO_GIF, TWO_RENDITIONS, postUrl } from './media.support';

// A fixed secret, so the test can sign links on its own (independently of the code) to check
// tampering, expiry and the host allowlist on follow.
const SECRET = 'test-media-link-secret-0123456789abcdef';
const sign = (payload: object) => {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
};

let h: Harness;
let key: string;
beforeAll(async () => {
  h = await startHarness({ env: { MEDIA_LINK_SECRET: SECRET } });
  key = (await h.createKey()).key;
  await h.sim.mediaReady();
});
afterAll(async () => {
  await h.close();
});

/** What the fixture 993002 holds (apps/x-sim/fixtures/synthetic/convert-photo-video-gif-993002.json). */
const EXPECTED_993002 = [
  { type: 'photo', mime_type: 'image/jpeg', url: 'https://pbs.twimg.com/media/SimPhoto9930021?format=jpg&name=orig', duration: null },
  { type: 'video', mime_type: 'video/mp4', url: 'https://video.twimg.com/ext_tw_video/9930022/pu/vid/avc1/640x360/SimLong640x360.mp4', duration: 40 },
  { type: 'gif', mime_type: 'video/mp4', url: 'https://video.twimg.com/tweet_video/SimGif9930023.mp4', duration: null },
];

describe('POST /api/download (Facebo/Soundc-compatible)', () => {
  it.each([
    ['raw key', (k: string) => k],
    ['Bearer key', (k: string) => `Bearer ${k}`],
  ])('when called with a %s, then every media item is listed in post order', async (_name, header) => {
    const res = await request(h.app).post('/api/download').set('Authorization', header(key)).send({ url: postUrl(PHOTO_VIDEO_GIF) });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    downloadCompatResponseSchema.parse(res.body); // the documented schema describes the real answer
    const items = res.body.items as Array<Record<string, unknown>>;
    expect(items.map((i) => ({ type: i.type, mime_type: i.mime_type, url: i.url, duration: i.duration }))).toEqual(EXPECTED_993002);
    for (const item of items) {
      expect(item).toMatchObject({ site: 'x', title: 'Synthetic post: a photo, a 40 s video and a GIF' });
      expect(typeof item.thumbnail).toBe('string');
      expect(item.download_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/media\/[\w-]+\.[\w-]+$/);
    }
    expect(res.headers['x-ratelimit-limit']).toBe('60');
  });

  it('when a video has two renditions, then url is the best and variants lists both with sizes and bitrates', async () => {
    const res = await request(h.app).post('/api/download').set('Authorization', key).send({ url: postUrl(TWO_RENDITIONS) });
    expect(res.status).toBe(200);
    const [item] = res.body.items as Array<Record<string, unknown>>;
    expect(item?.url).toBe('https://video.twimg.com/ext_tw_video/9930011/pu/vid/avc1/1280x720/SimLong1280x720.mp4');
    expect(item?.variants).toEqual([
      { url: 'https://video.twimg.com/ext_tw_video/9930011/pu/vid/avc1/1280x720/SimLong1280x720.mp4', width: 1280, height: 720, bitrate: 2176000, content_type: 'video/mp4' },
      { url: 'https://video.twimg.com/ext_tw_video/9930011/pu/vid/avc1/640x360/SimLong640x360.mp4', width: 640, height: 360, bitrate: 832000, content_type: 'video/mp4' },
    ]);
    // the post's text is only its media link, so the title falls back to @user
    expect(item?.title).toBe('@sim_media');
  });

  it.each([
    ['no body', undefined],
    ['no url', {}],
    ['an empty url', { url: '' }],
  ])('when the request has %s, then 400 {"error":"Missing URL"}', async (_name, body) => {
    const res = await request(h.app).post('/api/download').set('Authorization', key).send(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'Missing URL', type: 'url_required' });
    compatErrorSchema.strict().parse(res.body);
    expect(res.body.request_id).toBe(res.headers['x-request-id']);
    expect(res.body.code).toBeUndefined();
  });

  it.each([
    ['no header', undefined],
    ['an unknown raw key', 'sk-unknownunknownunknownunknownunknownunknown1'],
    ['an unknown Bearer key', 'Bearer sk-unknownunknownunknownunknownunknownunknown1'],
  ])('when sent with %s, then 401 {"error":"Invalid API token"}', async (_name, header) => {
    const req = request(h.app).post('/api/download');
    if (header) void req.set('Authorization', header);
    const res = await req.send({ url: postUrl(TWO_RENDITIONS) });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'Invalid API token' });
  });

  it('when the account is not premium, then 403 in the {"error"} shape', async () => {
    const free = await h.createKey({ premium: false });
    const res = await request(h.app).post('/api/download').set('Authorization', free.key).send({ url: postUrl(TWO_RENDITIONS) });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: 'API access is only available for premium users', type: 'not_premium' });
  });

  it('when the post has no media, then 422 in the {"error"} shape', async () => {
    const res = await request(h.app).post('/api/download').set('Authorization', key).send({ url: 'https://x.com/sim_text/status/992021' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: 'No media found in this post', type: 'no_media' });
  });

  it('when the URL is not an X post, then 400 in the {"error"} shape', async () => {
    const res = await request(h.app).post('/api/download').set('Authorization', key).send({ url: 'https://example.com/a.mp4' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'Invalid Twitter/X URL format', type: 'invalid_url' });
  });

  it('when an unknown /api route is called, then 404 in the {"error"} shape', async () => {
    const res = await request(h.app).post('/api/nope').set('Authorization', key).send({});
    expect(res.status).toBe(404);
    expect(typeof res.body.error).toBe('string');
  });
});

describe('POST /api/v1/download (v1 envelope)', () => {
  it('when the post has media, then {code:0,message:"ok",data:{items}}', async () => {
    const res = await request(h.app).post('/api/v1/download').set('Authorization', `Bearer ${key}`).send({ url: postUrl(PHOTO_VIDEO_GIF, '/video/1') });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ code: 0, message: 'ok' });
    downloadV1ResponseSchema.parse(res.body);
    expect((res.body.data.items as Array<{ type: string }>).map((i) => i.type)).toEqual(['photo', 'video', 'gif']);
  });

  it('when the url is missing, then the v1 error envelope with its own message', async () => {
    const res = await request(h.app).post('/api/v1/download').set('Authorization', `Bearer ${key}`).send({});
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: -1, message: 'URL parameter is required', error: { type: 'url_required' } });
  });

  it('when the path is spelled in capitals (Express routes it the same), then still the v1 envelope', async () => {
    const res = await request(h.app).post('/API/V1/DOWNLOAD').send({ url: postUrl(TWO_RENDITIONS) });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: -1, message: 'Missing API key' });
  });

  it('when no key is sent, then 401 Missing API key in the v1 envelope', async () => {
    const res = await request(h.app).post('/api/v1/download').send({ url: postUrl(TWO_RENDITIONS) });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: -1, message: 'Missing API key' });
  });
});

describe('GET /api/v1/media/<token> (our download links)', () => {
  async function linkOf(index: number): Promise<string> {
    const res = await request(h.app).post('/api/download').set('Authorization', key).send({ url: postUrl(PHOTO_VIDEO_GIF) });
    const url = new URL((res.body.items as Array<{ download_url: string }>)[index]?.download_url ?? '');
    return url.pathname;
  }

  it('when followed without a key, then the file streams as an attachment named <user>-<statusId>-<n>.<ext>', async () => {
    const res = await request(h.app).get(await linkOf(1)).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="sim_media-993002-2.mp4"');
    expect(res.headers['content-type']).toBe('video/mp4');
    const body = res.body as Buffer;
    expect(Number(res.headers['content-length'])).toBe(body.length);
    expect(body.subarray(4, 8).toString('latin1')).toBe('ftyp');
  });

  it('when a photo link is followed, then it is named .jpg', async () => {
    const res = await request(h.app).get(await linkOf(0));
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="sim_media-993002-1.jpg"');
  });

  it('when a Range is sent, then 206 with Content-Range passes through; past the end 416', async () => {
    const path = await linkOf(1);
    const part = await request(h.app).get(path).set('Range', 'bytes=0-99');
    expect(part.status).toBe(206);
    expect(part.headers['content-length']).toBe('100');
    expect(part.headers['content-range']).toMatch(/^bytes 0-99\/\d+$/);
    const past = await request(h.app).get(path).set('Range', 'bytes=999999999-');
    expect(past.status).toBe(416);
  });

  it('when the token is altered, then 403 with a clear JSON error', async () => {
    const path = await linkOf(1);
    const [body, sig] = path.slice('/api/v1/media/'.length).split('.');
    const payload = JSON.parse(Buffer.from(body ?? '', 'base64url').toString()) as { u: string; f: string; e: number };
    const forged = Buffer.from(JSON.stringify({ ...payload, f: 'other.mp4' })).toString('base64url');
    for (const token of [`${forged}.${sig ?? ''}`, `${body ?? ''}.AAAA`, 'garbage', `${body ?? ''}`]) {
      const res = await request(h.app).get(`/api/v1/media/${token}`);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: -1, error: { type: 'media_link_invalid' } });
    }
  });

  it('when the link has expired, then 410 with a clear JSON error', async () => {
    const token = sign({ u: EXPECTED_993002[1]?.url, f: 'a.mp4', e: Math.floor(Date.now() / 1000) - 1 });
    const res = await request(h.app).get(`/api/v1/media/${token}`);
    expect(res.status).toBe(410);
    expect(res.body).toMatchObject({ code: -1, message: 'This download link has expired; request a new one from /download' });
  });

  it.each([
    'https://example.com/video.mp4',
    'http://video.twimg.com/ext_tw_video/9930022/pu/vid/avc1/640x360/SimLong640x360.mp4',
    'https://video.twimg.com:8443/x.mp4',
    'https://user@video.twimg.com/x.mp4',
    'https://video.twimg.com.evil.example/x.mp4',
  ])('when a validly signed link names %s, then it is refused without any fetch', async (url) => {
    const before = h.sim.stats().mediaRequests;
    const res = await request(h.app).get(`/api/v1/media/${sign({ u: url, f: 'a.mp4', e: Math.floor(Date.now() / 1000) + 60 })}`);
    expect(res.status).toBe(400);
    expect(res.body.error.type).toBe('media_host_not_allowed');
    expect(h.sim.stats().mediaRequests).toBe(before);
  });

  it('when X does not serve the file, then 502 in JSON', async () => {
    h.sim.faults.serverError(1, 'media', 503);
    const res = await request(h.app).get(await linkOf(1));
    expect(res.status).toBe(502);
    expect(res.body.error.type).toBe('media_unavailable');
  });
});

describe('GET /api/v1/twitter documents both families', () => {
  it('when fetched, then it lists the routes, the compatible messages and samples in four languages', async () => {
    const res = await request(h.app).get('/api/v1/twitter');
    const paths = (res.body.endpoints as Array<{ path: string }>).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/api/download', '/api/convert/{mp3|mp4|wav|gif}', '/api/v1/download', '/api/v1/convert/{mp3|mp4|wav|gif}', '/api/v1/media/{token}']));
    expect(res.body.media.families.compatible.errors.documented_messages).toEqual({ 400: 'Missing URL', 401: 'Invalid API token', 402: 'Insufficient credits' });
    expect(Object.keys(res.body.media.examples)).toEqual(['curl', 'javascript', 'python', 'php']);
    const openapi = await request(h.app).get('/api/v1/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/download', '/convert/{format}', '/media/{token}', '/api/download', '/api/convert/{format}']));
    expect(openapi.body.paths['/api/convert/{format}'].post.responses['402'].description).toContain('Insufficient credits');
  });
});
