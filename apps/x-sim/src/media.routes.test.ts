import { startSim, type Running } from './test-helpers';

// Synthetic fixture 992010's URLs, so these tests run without the recorded set.
const VIDEO = '/media/video.twimg.com/ext_tw_video/992010000000000001/pu/vid/avc1/1280x720/SimHigh.mp4';
const PHOTO = '/media/pbs.twimg.com/media/Sim992011000000000001.jpg';

describe('media host /media/<host>/<path>', () => {
  let running: Running;
  let videoSize: number;
  beforeAll(async () => {
    running = await startSim();
    const state = await running.sim.mediaReady();
    if (!state.ok) throw new Error(`these tests need ffmpeg: ${state.reason}`);
    videoSize = state.files.video.size;
  });
  afterAll(() => running.sim.stop());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${running.url}${path}`, { headers });

  it('when a fixture video URL is fetched, then a real MP4 comes back with its length and range support', async () => {
    const res = await get(`${VIDEO}?tag=12`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
    expect(bytes.length).toBe(videoSize);
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
  });

  it('when a byte range is asked for, then 206 with exactly those bytes comes back', async () => {
    const full = Buffer.from(await (await get(VIDEO)).arrayBuffer());
    const res = await get(VIDEO, { range: 'bytes=100-199' });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 100-199/${videoSize}`);
    expect(res.headers.get('content-length')).toBe('100');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(full.subarray(100, 200));
  });

  it('when an open-ended or suffix range is asked for, then the tail of the file comes back', async () => {
    const open = await get(VIDEO, { range: `bytes=${videoSize - 10}-` });
    expect(open.status).toBe(206);
    expect((await open.arrayBuffer()).byteLength).toBe(10);
    const suffix = await get(VIDEO, { range: 'bytes=-20' });
    expect(suffix.headers.get('content-range')).toBe(`bytes ${videoSize - 20}-${videoSize - 1}/${videoSize}`);
  });

  it('when the range starts past the end, then it answers 416 with the real size', async () => {
    const res = await get(VIDEO, { range: `bytes=${videoSize}-` });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe(`bytes */${videoSize}`);
  });

  it('when a fixture photo is fetched, also in the ?format= spelling, then a JPEG comes back', async () => {
    for (const path of [PHOTO, `${PHOTO}?name=orig`, '/media/pbs.twimg.com/media/Sim992011000000000001?format=jpg&name=large']) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    }
  });

  it('when the HLS playlist is fetched, then it points at a real MPEG-TS segment', async () => {
    const playlist = await get('/media/video.twimg.com/ext_tw_video/992010000000000001/pu/pl/SimPlaylist.m3u8?tag=12&v=cfc');
    expect(playlist.status).toBe(200);
    const text = await playlist.text();
    expect(text).toMatch(/^#EXTM3U/);
    const segmentPath = text.split('\n').find((line) => line.startsWith('/media/'));
    const segment = Buffer.from(await (await get(segmentPath ?? '')).arrayBuffer());
    expect(segment[0]).toBe(0x47);
  });

  it('when a URL that appears in no fixture is asked for, then it answers 404', async () => {
    expect((await get('/media/video.twimg.com/ext_tw_video/1/pu/vid/avc1/1280x720/nope.mp4')).status).toBe(404);
    expect((await get('/media/example.com/media/Sim992011000000000001.jpg')).status).toBe(404);
  });

  it('when every media path from the fixtures is asked for with HEAD, then each is served', async () => {
    const paths = running.sim.mediaPaths();
    expect(paths.length).toBeGreaterThan(20);
    for (const path of paths) {
      const res = await fetch(`${running.url}/media/${path}`, { method: 'HEAD' });
      expect([path, res.status]).toEqual([path, 200]);
    }
  });

  it('when a player card\'s VMAP URL is fetched, then an XML VMAP lists renditions (percent-encoded) that the host serves', async () => {
    const res = await get('/media/video.twimg.com/amplify_video/vmap/992022000000000001.vmap');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/xml/);
    const xml = await res.text();
    expect(xml).toContain('xmlns:tw="http://twitter.com/schema/videoVMapV2.xsd"');
    const urls = [...xml.matchAll(/<tw:videoVariant url="([^"]+)"/g)].map((m) => decodeURIComponent(m[1] ?? ''));
    expect(urls).toEqual([
      'https://video.twimg.com/amplify_video/992022000000000001/vid/avc1/640x360/SimVmap360.mp4',
      'https://video.twimg.com/amplify_video/992022000000000001/pl/SimVmap.m3u8',
      'https://video.twimg.com/amplify_video/992022000000000001/vid/avc1/1280x720/SimVmap720.mp4',
    ]);
    for (const url of urls) expect([url, (await get(`/media/${url.slice('https://'.length)}`, {})).status]).toEqual([url, 200]);
  });

  it('when a media fault is queued, then the media host answers it', async () => {
    running.sim.faults.serverError(1, 'media');
    expect((await get(VIDEO)).status).toBe(503);
    expect((await get(VIDEO)).status).toBe(200);
  });
});

describe('media host without ffmpeg', () => {
  it('when ffmpeg is missing, then media answers 503 with a clear message and the rest still works', async () => {
    const running = await startSim({ ffmpegPath: '/nonexistent/ffmpeg', mediaCacheDir: '/nonexistent/cache' });
    try {
      const res = await fetch(`${running.url}${PHOTO}`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: string }).error).toMatch(/ffmpeg is not available.*apt-get install -y ffmpeg/);
      const activated = await fetch(`${running.url}/1.1/guest/activate.json`, { method: 'POST' });
      expect(activated.status).toBe(401);
    } finally {
      await running.sim.stop();
    }
  });
});
