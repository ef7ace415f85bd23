import request from 'supertest';
import { describeRecorded } from '../../apps/x-sim/src/recorded.jest';
import { bearer, startHarness, type Harness } from '../support/harness';

/** New post shapes through the full HTTP path (API → X client → simulator over real HTTP). */
let h: Harness;
let key: string;
beforeAll(async () => {
  h = await startHarness({ env: { RATE_LIMIT_PER_MINUTE: '1000' } });
  ({ key } = await h.createKey());
});
afterEach(() => {
  h.sim.faults.clear();
});
afterAll(async () => {
  await h.close();
});

const post = (url: string) => request(h.app).post('/api/v1/twitter').set(bearer(key)).send({ url });

describe('TweetDetail fallback', () => {
  it('when TweetResultByRestId has no such post but TweetDetail has it, then the video answers from GraphQL', async () => {
    const before = h.sim.stats().graphqlCallsByTweetId['992013'] ?? 0;
    const res = await post('https://x.com/sim_detail/status/992013');
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ source: 'graphql', username: 'sim_detail', statusId: '992013' });
    expect((h.sim.stats().graphqlCallsByTweetId['992013'] ?? 0) - before).toBe(2);
  });
});

describe('typed outcomes for broadcasts and Spaces; broadcast replays', () => {
  it('when the post is a broadcast still running, then 422 live_broadcast carries the broadcast id', async () => {
    const res = await post('https://x.com/sim_live/status/992027');
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      code: -1,
      message: 'This post is a live broadcast, not a video file',
      error: {
        type: 'live_broadcast',
        request_id: res.headers['x-request-id'],
        broadcast_id: '1SimLiveNowX1',
        url: 'https://x.com/i/broadcasts/1SimLiveNowX1',
        state: 'RUNNING',
      },
    });
  });

  it('when X fails on an ended broadcast\'s replay lookup, then 503 with Retry-After, not live_broadcast; when it answers, the replay playlist answers under hls', async () => {
    h.sim.faults.serverError(10, 'broadcast');
    const failed = await post('https://x.com/sim_live/status/992016/video/1');
    h.sim.faults.clear();
    expect(failed.status).toBe(503);
    expect(failed.body.error.type).toBe('upstream_unavailable');
    expect(Number(failed.headers['retry-after'])).toBeGreaterThan(0);

    // nothing was cached: the next ask reads the replay (two api.x.com calls)
    const before = h.sim.stats().broadcastCalls;
    const res = await post('https://x.com/sim_live/status/992016');
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      videos: [],
      media_index: 1,
      thumbnail: 'https://pbs.twimg.com/card_img/992016000000000001/SimLive?format=jpg&name=orig',
      hls: [
        {
          // the simulator's synthetic replay location (apps/x-sim/src/broadcast.routes.ts)
          url: 'https://prod-fastly-us-east-1.video.pscp.tv/Transcoding/v1/hls/Sim1SimBroadcastX/non_transcode/us-east-1/periscope-replay-direct-prod-us-east-1-public/playlist.m3u8?type=replay',
          content_type: 'application/x-mpegURL',
        },
      ],
    });
    expect(res.body.data.media).toMatchObject([{ type: 'video', id: '992016000000000001', origin: 'card' }]);
    expect(h.sim.stats().broadcastCalls - before).toBe(2);
  });

  it('when the post is a Space, then 422 audio_space carries the Space id', async () => {
    const res = await post('https://x.com/sim_space/status/992017');
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ type: 'audio_space', space_id: '1SimSpaceXyZ', url: 'https://x.com/i/spaces/1SimSpaceXyZ' });
  });
});

describe('syndication retweets', () => {
  it('when GraphQL is rate-limited and the post is a retweet, then syndication answers with the original', async () => {
    h.sim.faults.rateLimit(10, 'graphql');
    const res = await post('https://x.com/sim_retweeter/status/992019');
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ source: 'syndication', username: 'sim_video', statusId: '992019' });
    expect(res.body.data.media.map((m: { origin: string }) => m.origin)).toEqual(['retweet']);
  });
});

/** What the simulator's VMAP for content id `id` lists (apps/x-sim/src/vmap.ts, synthetic). */
const vmapVideos = (id: string) => [
  { resolution: '720p', quality: 'HD', url: `https://video.twimg.com/amplify_video/${id}/vid/avc1/1280x720/SimVmap720.mp4`, bitrate: 2176000 },
  { resolution: '360p', quality: 'SD', url: `https://video.twimg.com/amplify_video/${id}/vid/avc1/640x360/SimVmap360.mp4`, bitrate: 832000 },
];
const vmapHls = (id: string) => ({ url: `https://video.twimg.com/amplify_video/${id}/pl/SimVmap.m3u8`, content_type: 'application/x-mpegURL' });

describe('card videos and t.co expansion', () => {
  it('when the post is a poll with a video, then its card HLS playlist and the mp4s of its VMAP answer', async () => {
    const res = await post('https://x.com/sim_poll/status/992014');
    expect(res.status).toBe(200);
    expect(res.body.data.videos).toMatchObject(vmapVideos('992014000000000001'));
    expect(res.body.data.hls).toEqual([
      { url: 'https://video.twimg.com/amplify_video/992014000000000001/pl/SimPoll.m3u8', content_type: 'application/x-mpegURL' },
      vmapHls('992014000000000001'),
    ]);
  });

  it('when the post is a promo_video_convo card with only a VMAP, then the VMAP\'s mp4s answer, best first', async () => {
    const before = h.sim.stats().mediaRequests;
    const res = await post('https://x.com/sim_promo/status/992022');
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ source: 'graphql', media_index: 1, thumbnail: 'https://pbs.twimg.com/amplify_video_thumb/992022000000000001/img/SimPromo.jpg' });
    expect(res.body.data.videos).toMatchObject(vmapVideos('992022000000000001'));
    expect(res.body.data.hls).toEqual([vmapHls('992022000000000001')]);
    expect(res.body.data.media[0]).not.toHaveProperty('vmap_url');
    expect(h.sim.stats().mediaRequests - before).toBe(1);
  });

  it('when X\'s video host fails on an amplify card\'s VMAP, then 503 with Retry-After, not no_video; nothing is cached and the next ask gets the VMAP\'s mp4s', async () => {
    h.sim.faults.serverError(10, 'media');
    const failed = await post('https://x.com/sim_amplify/status/992023/video/1');
    h.sim.faults.clear();
    expect(failed.status).toBe(503);
    expect(failed.body.error.type).toBe('upstream_unavailable');
    expect(Number(failed.headers['retry-after'])).toBeGreaterThan(0);
    const again = await post('https://x.com/sim_amplify/status/992023/video/1');
    expect(again.status).toBe(200);
    expect(again.body.data.videos).toMatchObject(vmapVideos('992023000000000001'));
  });

  it('when a multi-destination carousel is asked as /video/3, then its third slide (a portrait video) answers', async () => {
    const res = await post('https://x.com/sim_ads/status/992024/video/3');
    expect(res.status).toBe(200);
    expect(res.body.data.media_index).toBe(3);
    expect(res.body.data.videos[0]).toMatchObject({ width: 720, height: 1280 });
  });

  it('when the post is an article with videos in its body, then every body item is listed and the first video answers', async () => {
    const res = await post('https://x.com/sim_writer/status/992026');
    expect(res.status).toBe(200);
    expect(res.body.data.media.map((m: { type: string; id: string }) => `${m.type}:${m.id}`)).toEqual([
      'photo:992026000000000001',
      'video:992026000000000002',
      'photo:992026000000000003',
      'gif:992026000000000004',
      'video:992026000000000005',
    ]);
    expect(res.body.data).toMatchObject({ media_index: 2, videos: [{ resolution: '720p' }, { resolution: '360p' }] });
  });

  it('when an article is asked of /api/download, then the cover and every body item are listed, photos with a thumbnail, in reading order', async () => {
    const res = await request(h.app).post('/api/download').set(bearer(key)).send({ url: 'https://x.com/sim_writer/status/992026' });
    expect(res.status).toBe(200);
    const items = res.body.items as Array<{ type: string; url: string; thumbnail: string }>;
    expect(items.map((i) => [i.type, i.url])).toEqual([
      ['photo', 'https://pbs.twimg.com/media/SimArticle992026000000000001?format=jpg&name=orig'],
      ['video', 'https://video.twimg.com/amplify_video/992026000000000002/vid/avc1/1280x720/SimArticleHigh.mp4'],
      ['photo', 'https://pbs.twimg.com/media/SimArticle992026000000000003?format=jpg&name=orig'],
      ['gif', 'https://video.twimg.com/tweet_video/SimArticleGif992026000000000004.mp4'],
      ['video', 'https://video.twimg.com/amplify_video/992026000000000005/vid/avc1/1280x720/SimArticleHigh.mp4'],
    ]);
    expect(items[0]?.thumbnail).toBe('https://pbs.twimg.com/media/SimArticle992026000000000001?format=jpg&name=small');
  });

  it('when the post has an author link, then expanded_text shows where it points', async () => {
    const res = await post('https://x.com/sim_video/status/992010');
    expect(res.status).toBe(200);
    expect(res.body.data.expanded_text).toBe('A synthetic video post for offline demos https://example.com/sim-article');
  });
});

describeRecorded('recorded shapes over HTTP (X_SIM_FIXTURES_DIR)', () => {
  it('when a recorded post is answered by TweetDetail only, then its video comes from TweetDetail', async () => {
    const res = await post('https://x.com/Sota_Vision/status/1756252052232016281/video/1');
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ source: 'graphql', username: 'Sota_Vision', media_index: 1 });
    expect(res.body.data.media.map((m: { type: string }) => m.type)).toEqual(['video', 'photo', 'photo', 'photo']);
  });

  it('when the recorded photo, 4K video, photo post is asked as /video/2, then the 2160p video answers', async () => {
    const res = await post('https://x.com/niccruzpatane/status/2074968793441591473/video/2');
    expect(res.status).toBe(200);
    expect(res.body.data.videos[0].resolution).toBe('2160p');
  });

  it('when the recorded sensitive link post without media is asked for, then 422 no_video (not age_restricted)', async () => {
    const res = await post('https://x.com/gabrielapomeroy/status/2070348194228170887');
    expect(res.status).toBe(422);
    expect(res.body.error.type).toBe('no_video');
  });

  it('when the recorded 2025 broadcast (ended) and Space posts are asked for, then the replay and the typed outcome answer', async () => {
    const broadcast = await post('https://x.com/XDevelopers/status/1897362060448801025');
    expect(broadcast.status).toBe(200);
    expect(broadcast.body.data.media).toMatchObject([{ type: 'video', id: '1897362057726713856', origin: 'card', width: 1920, height: 1080 }]);
    expect(broadcast.body.data.hls[0].url).toMatch(/^https:\/\/prod-fastly-us-east-1\.video\.pscp\.tv\/.*\/Sim1yoKMoQbjlXJQ\/.*type=replay$/);
    const space = await post('https://x.com/XDevelopers/status/1896984310282088640');
    expect(space.body.error).toMatchObject({ type: 'audio_space', space_id: '1YqKDZMkejvJV' });
  });

  it('when the recorded promo_video_convo card (VMAP only) is asked for, then the mp4s of the (simulated) VMAP answer', async () => {
    const res = await post('https://x.com/titobeauvi21/status/1090673433690685441');
    expect(res.status).toBe(200);
    expect(res.body.data.videos).toMatchObject(vmapVideos('958720308076310529'));
    expect(res.body.data.thumbnail).toBe('https://pbs.twimg.com/amplify_video_thumb/958720308076310529/img/HEP-Wr9NYFSPOYQK.jpg');
  });

  it('when only a recorded syndication body exists, then GraphQL finds nothing and syndication answers', async () => {
    const res = await post('https://x.com/Rainmaker1973/status/1684218600456876032');
    expect(res.status).toBe(200);
    expect(res.body.data.source).toBe('syndication');
  });
});
