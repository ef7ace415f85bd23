import { creditCost, outputWindow, pickRendition, type Rendition } from './convert.plan';
import type { ConvertOptions } from './convert.schemas';

const none: ConvertOptions = { startTime: undefined, endTime: undefined, audioKbps: undefined, videoHeight: undefined, h264: false, subtitles: false };
const r = (w: number, h: number, bitrate: number): Rendition => ({ url: `https://video.twimg.com/${w}x${h}.mp4`, width: w, height: h, bitrate });
const ladder = [r(480, 270, 256_000), r(1280, 720, 2_176_000), r(640, 360, 832_000)];

describe('creditCost: per started minute', () => {
  it.each([
    [0.5, 1, 1],
    [59.9, 1, 1],
    [60, 1, 1],
    [60.01, 1, 2],
    [125, 1, 3],
    [600, 1, 10],
    [30, 3, 3],
  ])('when the output is %p s at %p per minute, then %p credits', (seconds, perMinute, expected) => {
    expect(creditCost(seconds, perMinute)).toBe(expected);
  });
});

describe('pickRendition', () => {
  it.each([
    [undefined, '1280x720'],
    [1080, '1280x720'],
    [720, '1280x720'],
    [719, '640x360'],
    [360, '640x360'],
    [300, '480x270'],
    [144, '480x270'],
  ])('when mp4 video_quality is %p, then %s', (height, expected) => {
    expect(pickRendition('mp4', ladder, { ...none, videoHeight: height }).url).toContain(expected);
  });

  it('when a portrait video is asked at 720, then its short side decides (720x1280)', () => {
    const portrait = [r(320, 568, 632_000), r(720, 1280, 2_176_000), r(480, 852, 950_000)];
    expect(pickRendition('mp4', portrait, { ...none, videoHeight: 720 }).url).toContain('720x1280');
  });

  it('when a gif is made, then the smallest rendition at least 480 wide', () => {
    expect(pickRendition('gif', ladder, none).url).toContain('480x270');
    expect(pickRendition('gif', [r(1280, 720, 1), r(640, 360, 1)], none).url).toContain('640x360');
  });
});

describe('outputWindow', () => {
  const caps = { maxSeconds: 600, gifMaxSeconds: 30 };
  it('when no times are given, then the whole media, untrimmed', () => {
    expect(outputWindow('mp3', none, 40, caps)).toEqual({ start: 0, seconds: 40, trimmed: false });
  });
  it('when end_time is within the 50 ms slack past the end, then it is accepted and clamped', () => {
    expect(outputWindow('mp3', { ...none, startTime: 30, endTime: 40.04 }, 40, caps)).toEqual({ start: 30, seconds: 10, trimmed: true });
  });
  it('when the output is longer than CONVERT_MAX_SECONDS, then output_too_long', () => {
    expect(() => outputWindow('mp3', none, 700, caps)).toThrow(/limited to 600 s/);
  });
});
