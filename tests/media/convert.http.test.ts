import { startHarness, type Harness } from '../support/harness';
import { DIRECT_360, PHOTO_VIDEO_GIF, TWO_RENDITIONS, convert, durationOf, ffprobe, grant, json, postUrl } from './media.support';

// The simulator's 993001 video is 40 s of 1280x720 / 640x360 H.264 + AAC stereo 44.1 kHz.
let h: Harness;
let base: string;
let key: string;
beforeAll(async () => {
  h = await startHarness({ env: { CONVERT_MAX_PER_ACCOUNT: '4' } });
  const account = await h.createKey();
  key = account.key;
  await grant(h, account.userId, 1000);
  base = await h.listen();
  await h.sim.mediaReady();
});
afterAll(async () => {
  await h.close();
});

const video = postUrl(TWO_RENDITIONS);

describe('POST /api/convert/{fmt}: outputs', () => {
  it('when mp3 of seconds 5–15.5 at "128" is asked, then a 10.5 s 128 kbps MP3 named after the post streams back', async () => {
    const res = await convert(base, key, 'mp3', { url: video, options: { start_time: 5, end_time: '15.5', audio_quality: '128' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="sim_media-993001-1.mp3"');
    const p = await ffprobe(res.bytes, 'mp3');
    expect(p.format.format_name).toBe('mp3');
    expect(p.streams.map((s) => s.codec_name)).toEqual(['mp3']);
    expect(Math.abs(durationOf(p) - 10.5)).toBeLessThanOrEqual(0.1);
    expect(Math.round(Number(p.format.bit_rate) / 1000 / 32) * 32).toBe(128);
  });

  it('when mp3 is asked without options, then the whole 40 s at the default 192 kbps', async () => {
    const res = await convert(base, key, 'mp3', { url: video });
    expect(res.status).toBe(200);
    const p = await ffprobe(res.bytes, 'mp3');
    expect(Math.abs(durationOf(p) - 40)).toBeLessThanOrEqual(0.1);
    expect(Math.round(Number(p.format.bit_rate) / 1000 / 32) * 32).toBe(192);
    expect(res.headers.get('x-credits-charged')).toBe('1');
  });

  it('when audio_quality is 320 (a number), then a 320 kbps MP3', async () => {
    const res = await convert(base, key, 'mp3', { url: video, options: { audio_quality: 320, end_time: 3 } });
    const p = await ffprobe(res.bytes, 'mp3');
    expect(Math.round(Number(p.format.bit_rate) / 1000 / 32) * 32).toBe(320);
  });

  it('when wav is asked, then 16-bit PCM WAV of the trimmed length', async () => {
    const res = await convert(base, key, 'wav', { url: video, options: { start_time: 1.25, end_time: 4.5 } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(res.bytes.subarray(0, 4).toString('latin1')).toBe('RIFF');
    const p = await ffprobe(res.bytes, 'wav');
    expect(p.streams[0]).toMatchObject({ codec_name: 'pcm_s16le', sample_rate: '44100', channels: 2 });
    expect(Math.abs(durationOf(p) - 3.25)).toBeLessThanOrEqual(0.1);
  });

  it('when gif of seconds 2–5 is asked, then a 480-wide GIF of about 3 s', async () => {
    const res = await convert(base, key, 'gif', { url: video, options: { start_time: 2, end_time: 5 } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/gif');
    expect(res.bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    const p = await ffprobe(res.bytes, 'gif');
    expect(p.streams[0]).toMatchObject({ codec_name: 'gif', width: 480, height: 270 });
    expect(Math.abs(durationOf(p) - 3)).toBeLessThanOrEqual(0.1);
  });

  it('when mp4 without trim at video_quality "360" is asked, then the 640x360 rendition is copied, fragmented, full length', async () => {
    const res = await convert(base, key, 'mp4', { url: video, options: { video_quality: '360' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    // fragmented: the moov comes before any media data, so it plays from the first byte
    expect(res.bytes.indexOf('moov')).toBeLessThan(res.bytes.indexOf('moof'));
    expect(res.bytes.indexOf('moov')).toBeLessThan(200);
    const p = await ffprobe(res.bytes, 'mp4');
    expect(p.streams.map((s) => [s.codec_type, s.codec_name])).toEqual([['video', 'h264'], ['audio', 'aac']]);
    expect(p.streams[0]).toMatchObject({ width: 640, height: 360 });
    expect(Math.abs(durationOf(p) - 40)).toBeLessThanOrEqual(0.1);
  });

  it('when video_quality is above the source ("1080"), then the best rendition (720p)', async () => {
    const res = await convert(base, key, 'mp4', { url: video, options: { video_quality: 1080, start_time: 0, end_time: 2 } });
    const p = await ffprobe(res.bytes, 'mp4');
    expect(p.streams[0]).toMatchObject({ codec_name: 'h264', width: 1280, height: 720 });
  });

  it('when mp4 is trimmed to 3.5–7, then it is re-encoded to H.264/AAC and lasts 3.5 s', async () => {
    const res = await convert(base, key, 'mp4', { url: video, options: { start_time: 3.5, end_time: 7, video_quality: '360', h264: true } });
    expect(res.status).toBe(200);
    const p = await ffprobe(res.bytes, 'mp4');
    expect(p.streams.map((s) => s.codec_name)).toEqual(['h264', 'aac']);
    expect(Math.abs(durationOf(p) - 3.5)).toBeLessThanOrEqual(0.1);
  });

  it('when the url is a direct video.twimg.com MP4, then it is probed and converted', async () => {
    const res = await convert(base, key, 'mp3', { url: DIRECT_360, options: { start_time: 30 } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="SimLong640x360.mp3"');
    const p = await ffprobe(res.bytes, 'mp3');
    expect(Math.abs(durationOf(p) - 10)).toBeLessThanOrEqual(0.1);
  });

  it('when /video/N names the post\'s third item (a GIF; X counts every media item), then that one is converted', async () => {
    const res = await convert(base, key, 'gif', { url: postUrl(PHOTO_VIDEO_GIF, '/video/3') });
    expect(res.status).toBe(200);
    const p = await ffprobe(res.bytes, 'gif');
    // the simulator's GIF is 2 s of 320x180: never upscaled
    expect(p.streams[0]).toMatchObject({ width: 320, height: 180 });
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="sim_media-993002-3.gif"');
  });

  it('when subtitles:true and X has no captions, then the output is made and X-Subtitles says unavailable', async () => {
    const res = await convert(base, key, 'mp3', { url: video, options: { subtitles: true, end_time: 1 } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-subtitles')).toBe('unavailable');
  });

  it('when called on /api/v1/convert with a Bearer key, then the same output', async () => {
    const res = await convert(base, `Bearer ${key}`, 'mp3', { url: video, options: { end_time: 2 } }, {}, '/api/v1');
    expect(res.status).toBe(200);
    expect(Math.abs(durationOf(await ffprobe(res.bytes, 'mp3')) - 2)).toBeLessThanOrEqual(0.1);
  });
});

describe('POST /api/convert/{fmt}: bad input', () => {
  it.each([
    [{ start_time: -1 }, 'start_time must not be negative'],
    [{ end_time: 'ten' }, 'end_time must be a number of seconds'],
    [{ start_time: 10, end_time: 10 }, 'end_time must be greater than start_time'],
    [{ start_time: 12, end_time: 5 }, 'end_time must be greater than start_time'],
    [{ start_time: 41 }, 'start_time is beyond the end of the media'],
    [{ end_time: 45 }, 'end_time is beyond the end of the media'],
    [{ audio_quality: '32' }, 'audio_quality must be between 64 and 320 kbps'],
    [{ audio_quality: 'best' }, 'audio_quality must be a bitrate in kbps'],
    [{ video_quality: 'hd' }, 'video_quality must be a height in pixels'],
    [{ h264: 'yes' }, 'h264 must be true or false'],
    [{ subtitles: 1 }, 'subtitles must be true or false'],
    [{ speed: 2 }, 'Unknown option "speed"'],
  ])('when options are %j, then 400 naming the option', async (options, message) => {
    const res = await convert(base, key, 'mp3', { url: video, options });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(String(json(res).error)).toContain(message);
  });

  it.each([
    [{}, 'Missing URL'],
    [{ url: '' }, 'Missing URL'],
    [{ url: 'https://example.com/video.mp4' }, 'url must be an X post URL'],
    [{ url: 'https://pbs.twimg.com/media/SimPhoto9930021.jpg' }, 'url must be an X post URL'],
    [{ url: 'https://video.twimg.com.evil.example/a.mp4' }, 'url must be an X post URL'],
    [{ url: 'http://video.twimg.com/ext_tw_video/9930011/pu/vid/avc1/640x360/SimLong640x360.mp4' }, 'url must be an X post URL'],
    [{ url: video, options: [] }, 'options must be an object'],
    [{ url: video, format: 'mp3' }, 'Unknown field "format"'],
  ])('when the body is %j, then 400 with a clear message', async (body, message) => {
    const before = h.sim.stats().mediaRequests;
    const res = await convert(base, key, 'mp3', body);
    expect(res.status).toBe(400);
    expect(String(json(res).error)).toContain(message);
    expect(h.sim.stats().mediaRequests).toBe(before);
  });

  it('when the format is unknown, then 404 naming the formats', async () => {
    const res = await convert(base, key, 'flac', { url: video });
    expect(res.status).toBe(404);
    expect(String(json(res).error)).toContain('mp3, mp4, wav, gif');
  });

  it('when mp3 is asked of a GIF (no audio), then 422 before any output', async () => {
    const res = await convert(base, key, 'mp3', { url: postUrl(PHOTO_VIDEO_GIF, '/video/3') });
    expect(res.status).toBe(422);
    expect(json(res)).toMatchObject({ error: 'This media has no audio track', type: 'no_audio' });
  });

  it('when a GIF longer than 30 s is asked, then 400 output_too_long', async () => {
    const res = await convert(base, key, 'gif', { url: video, options: { start_time: 5 } });
    expect(res.status).toBe(400);
    expect(json(res).type).toBe('output_too_long');
  });

  it('when the v1 family gets bad options, then the v1 envelope', async () => {
    const res = await convert(base, `Bearer ${key}`, 'mp3', { url: video, options: { start_time: -2 } }, {}, '/api/v1');
    expect(res.status).toBe(400);
    expect(json(res)).toMatchObject({ code: -1, error: { type: 'invalid_option' } });
  });

  it('when no key / an unknown key is sent, then 401 Invalid API token', async () => {
    for (const k of ['', 'sk-nopenopenopenopenopenopenopenopenopenopenope1']) {
      const res = await convert(base, k, 'mp3', { url: video });
      expect(res.status).toBe(401);
      expect(json(res).error).toBe('Invalid API token');
    }
  });
});
