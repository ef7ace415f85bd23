import request from 'supertest';
import { twitterResponseSchema } from '../../apps/api/src/modules/twitter/twitter.schemas';
import { fixtureFiles, idOfFixture, recordedMp4Urls } from '../support/fixtures';
import { bearer, startHarness, type Harness } from '../support/harness';
import { describeRecorded } from '../../apps/x-sim/src/recorded.jest';

/**
 * Every recorded fixture through the full HTTP path:
 * POST /api/v1/twitter → auth → rate limit → X client → simulator (real HTTP) → parser → envelope.
 */
let h: Harness;
let key: string;
beforeAll(async () => {
  h = await startHarness({ env: { RATE_LIMIT_PER_MINUTE: '1000' } });
  ({ key } = await h.createKey());
});
afterAll(async () => {
  await h.close();
});

const post = (url: string) => request(h.app).post('/api/v1/twitter').set(bearer(key)).send({ url });

type Body = Record<string, unknown>;
const trbriMedia = (i: number) => (b: Body) =>
  ((b.data as Body).tweetResult as { result: { legacy: { extended_entities: { media: unknown[] } } } }).result.legacy
    .extended_entities.media[i];
function detailEntry(b: Body, id: string): { legacy: Body; core?: Body } {
  const instr = ((b.data as Body).threaded_conversation_with_injections_v2 as { instructions: Array<{ type: string; entries?: Array<{ entryId: string; content: { itemContent: { tweet_results: { result: Body } } } }> }> }).instructions;
  const entries = instr.find((i) => i.type === 'TimelineAddEntries')?.entries ?? [];
  const entry = entries.find((e) => e.entryId === `tweet-${id}`);
  if (!entry) throw new Error(`no focal entry ${id}`);
  const r = entry.content.itemContent.tweet_results.result;
  return (r.tweet ?? r) as { legacy: Body };
}
const detailMedia = (id: string, i: number) => (b: Body) =>
  (detailEntry(b, id).legacy.extended_entities as { media: unknown[] }).media[i];

interface VideoCase {
  file: string;
  username: string;
  resolutions: string[];
  textStart: string;
  origin: 'post' | 'retweet' | 'card';
  mediaCount: number;
  expectedUrls: () => string[];
}

const videoCases: VideoCase[] = [
  { file: 'fx-trbri-video-1841206275088290279.json', username: 'DivineDropbear', resolutions: ['720p', '360p', '270p'], textStart: 'Sulphur-crested Cockatoo', origin: 'post', mediaCount: 1, expectedUrls: () => recordedMp4Urls('fx-trbri-video-1841206275088290279.json', trbriMedia(0)) },
  { file: 'fx-trbri-video-quote-1902059299591090335.json', username: 'carrionkid', resolutions: ['576p', '480p', '320p'], textStart: '', origin: 'post', mediaCount: 1, expectedUrls: () => recordedMp4Urls('fx-trbri-video-quote-1902059299591090335.json', trbriMedia(0)) },
  { file: 'fx-trbri-2videos-synthetic-991610.json', username: 'DivineDropbear', resolutions: ['720p', '360p', '270p'], textStart: 'Sulphur-crested Cockatoo', origin: 'post', mediaCount: 2, expectedUrls: () => recordedMp4Urls('fx-trbri-2videos-synthetic-991610.json', trbriMedia(0)) },
  { file: 'tw-tweetdetail-video-portrait-1671508600538161153.json', username: 'TheFigen_', resolutions: ['720p', '480p', '320p'], textStart: 'This is not science fiction.', origin: 'post', mediaCount: 1, expectedUrls: () => recordedMp4Urls('tw-tweetdetail-video-portrait-1671508600538161153.json', detailMedia('1671508600538161153', 0)) },
  { file: 'tw-tweetdetail-video-square-1671753569412820992.json', username: 'buitengebieden', resolutions: ['720p', '540p', '320p'], textStart: 'When you’re over 40', origin: 'post', mediaCount: 1, expectedUrls: () => recordedMp4Urls('tw-tweetdetail-video-square-1671753569412820992.json', detailMedia('1671753569412820992', 0)) },
  { file: 'tw-tweetdetail-retweet-of-video-1665951747842641921.json', username: 'ChinaDaily', resolutions: ['296p'], textStart: 'Today marks the arrival', origin: 'retweet', mediaCount: 1, expectedUrls: () => recordedMp4Urls('tw-tweetdetail-retweet-of-video-1665951747842641921.json', (b) => (((detailEntry(b, '1665951747842641921').legacy.retweeted_status_result as { result: { legacy: { extended_entities: { media: unknown[] } } } }).result.legacy.extended_entities.media[0]))) },
  { file: 'tw-tweetdetail-unifiedcard-video-1696922210588410217.json', username: 'FortniteGame', resolutions: ['720p', '360p', '270p'], textStart: "Il destino dell'isola", origin: 'card', mediaCount: 1, expectedUrls: () => {
    // the card's media lives in a JSON string inside binding_values
    return recordedMp4Urls('tw-tweetdetail-unifiedcard-video-1696922210588410217.json', (b) => {
      const legacy = detailEntry(b, '1696922210588410217') as unknown as { card: { legacy: { binding_values: Array<{ key: string; value: { string_value: string } }> } } };
      const card = JSON.parse(legacy.card.legacy.binding_values.find((v) => v.key === 'unified_card')?.value.string_value ?? '{}') as { media_entities: Record<string, unknown> };
      return Object.values(card.media_entities)[0];
    });
  } },
];

const noVideoCases: Array<[string, string, number, string]> = [
  ['fx-trbri-3photos-1848831595014459513.json', 'three photos', 422, 'No video found'],
  ['fx-trbri-newschema-photos-1964084223871971826.json', 'one photo (new user schema)', 422, 'No video found'],
  ['fx-trbri-poll-nomedia-1899954694652309701.json', 'a poll card', 422, 'No video found'],
  ['fx-trbri-textonly-20.json', 'text only', 422, 'No video found'],
  ['fx-trbri-quote-empty-synthetic-991001.json', 'a quote of a vanished post', 422, 'No video found'],
  ['fx-trbri-quote-unavailable-synthetic-991004.json', 'a quote of a suspended post', 422, 'No video found'],
  ['tw-tweetdetail-card-audiospace-retweet-1789054061729173804.json', 'a retweet of a Space', 422, 'This post is an audio Space, not a video'],
  ['tw-tweetdetail-newschema-gif-1649191520250245121.json', 'a focal post with no media (GIF only in a reply)', 422, 'No video found'],
  ['tw-tweetdetail-notetweet-photo-1682072224013099008.json', 'a long post with a photo', 422, 'No video found'],
  ['tw-tweetdetail-quote-photo-1658421690001502208.json', 'a quote of a photo post', 422, 'No video found'],
  ['tw-tweetdetail-retweet-of-photo-1658409412799737856.json', 'a retweet of a photo post', 422, 'No video found'],
  ['fx-trbri-unavailable-suspended-synthetic-991500.json', 'TweetUnavailable(Suspended)', 422, 'This post is from a suspended account'],
  ['fx-tweetdetail-tombstone-suspended-synthetic-991503.json', 'a suspended tombstone', 422, 'This post is from a suspended account'],
];

/** An ended broadcast: its replay (the simulator's synthetic playlist) answers under `hls`. */
const BROADCAST_FIXTURE = 'tw-tweetdetail-card-broadcast-1790441814857826439.json';

describeRecorded('every recorded fixture through POST /api/v1/twitter', () => {
  it('covers every fixture file', () => {
    const covered = new Set([
      ...videoCases.map((c) => c.file),
      ...noVideoCases.map((c) => c[0]),
      'fx-tweetdetail-video-1841206275088290279.json',
      'fx-tweetdetail-video-quote-twvr-1902059299591090335.json',
      BROADCAST_FIXTURE,
    ]);
    expect(fixtureFiles().filter((f) => !covered.has(f))).toEqual([]);
  });

  it.each(videoCases.map((c) => [c.file, c] as const))('%s → its video variants best first', async (_f, c) => {
    const res = await post(`https://x.com/${c.username}/status/${idOfFixture(c.file)}`);
    expect(res.status).toBe(200);
    const body = twitterResponseSchema.parse(res.body);
    const d = body.data;
    expect(d.username).toBe(c.username);
    expect(d.statusId).toBe(idOfFixture(c.file));
    expect(d.text.startsWith(c.textStart)).toBe(true);
    expect(d.text).not.toMatch(/https:\/\/t\.co\/\w+$/); // the trailing media link is removed
    expect(d.videos.map((v) => v.resolution)).toEqual(c.resolutions);
    expect(d.videos.map((v) => v.url)).toEqual(c.expectedUrls());
    expect(d.videos.every((v) => !v.url.includes('tag='))).toBe(true);
    expect(d.videos.map((v) => v.quality)).toEqual(c.resolutions.map((r) => (parseInt(r, 10) >= 720 ? 'HD' : 'SD')));
    expect(d.media).toHaveLength(c.mediaCount);
    expect(d.media[0]?.origin).toBe(c.origin);
    expect(d.hls.length).toBeGreaterThanOrEqual(1);
    expect(d.thumbnail).toMatch(/^https:\/\/pbs\.twimg\.com\//);
    expect(Date.parse(d.processed_at)).not.toBeNaN();
    expect(d.source).toBe('graphql');
  });

  it.each(noVideoCases)('%s (%s) → %d %s', async (file, _label, status, message) => {
    const res = await post(`https://twitter.com/i/web/status/${idOfFixture(file)}`);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ code: -1, message });
  });

  it(`${BROADCAST_FIXTURE} (an ended broadcast card) → 200, its replay playlist under hls`, async () => {
    const res = await post(`https://twitter.com/i/web/status/${idOfFixture(BROADCAST_FIXTURE)}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ videos: [], media_index: 1, media: [{ type: 'video', id: '1790441813079388161', origin: 'card', width: 1280, height: 720 }] });
    expect(res.body.data.hls).toEqual([{ url: expect.stringMatching(/\/Sim1BRJjPqnBqaKw\/.*type=replay$/), content_type: 'application/x-mpegURL' }]);
  });

  it('the TweetDetail recordings of 1841206275088290279 and 1902059299591090335 answer like their TweetResultByRestId twins', async () => {
    // the simulator serves the TweetResultByRestId recording when both exist; the TweetDetail
    // focal tweet is the same object, so the answer must match the recorded TweetDetail data too
    const a = await post('https://x.com/DivineDropbear/status/1841206275088290279');
    expect(a.body.data.videos.map((v: { url: string }) => v.url)).toEqual(
      recordedMp4Urls('fx-tweetdetail-video-1841206275088290279.json', detailMedia('1841206275088290279', 0)),
    );
    const b = await post('https://x.com/carrionkid/status/1902059299591090335');
    expect(b.body.data.videos.map((v: { url: string }) => v.url)).toEqual(
      recordedMp4Urls('fx-tweetdetail-video-quote-twvr-1902059299591090335.json', detailMedia('1902059299591090335', 0)),
    );
  });
});

describeRecorded('media selection', () => {
  it('when the URL ends in /video/2, then the second video of the post is returned', async () => {
    const res = await post('https://x.com/DivineDropbear/status/991610/video/2');
    expect(res.status).toBe(200);
    expect(res.body.data.media_index).toBe(2);
    expect(res.body.data.media[1].id).toBe('9916110000000000001');
  });

  it('when /video/N points past the last video, then 422 No video found', async () => {
    const res = await post('https://x.com/DivineDropbear/status/991610/video/3');
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: -1, message: 'No video found', error: { type: 'no_video' } });
  });
});
