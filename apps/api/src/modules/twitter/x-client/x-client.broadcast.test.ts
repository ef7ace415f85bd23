import { AppError } from '../../../lib/errors/app-error';
import type { XClient } from './x-client';
import { useSimSuite } from './x-client.test-helpers';

/** Broadcast replays (docs/x-upstream.md, "Broadcasts and Spaces"), against the simulator. */
describe('X client: broadcast replays (against the X simulator)', () => {
  const suite = useSimSuite('x-client-broadcast');
  const { sim } = suite;
  const client = (): XClient => suite.client({ overrides: { maxRetries: 0 } });

  it('when the broadcast has ended, then show.json and the stream status give one card video with the replay playlist', async () => {
    const outcome = await client().fetchTweet('992016');
    expect(outcome.ok && outcome.tweet.media).toEqual([
      {
        type: 'video',
        id: '992016000000000001',
        origin: 'card',
        thumbnail: 'https://pbs.twimg.com/card_img/992016000000000001/SimLive?format=jpg&name=orig',
        width: 0,
        height: 0,
        duration_ms: null,
        variants: [],
        hls: [
          {
            url: 'https://prod-fastly-us-east-1.video.pscp.tv/Transcoding/v1/hls/Sim1SimBroadcastX/non_transcode/us-east-1/periscope-replay-direct-prod-us-east-1-public/playlist.m3u8?type=replay',
            content_type: 'application/x-mpegURL',
          },
        ],
      },
    ]);
    expect(sim.stats()).toMatchObject({ graphqlCalls: 1, broadcastCalls: 2, syndicationCalls: 0 });
  });

  it('when the broadcast is still running, then no stream is asked for and the post keeps its live card only', async () => {
    const outcome = await client().fetchTweet('992027');
    expect(outcome).toMatchObject({ ok: true, tweet: { media: [], live: { type: 'broadcast', id: '1SimLiveNowX1', state: 'RUNNING' } } });
    expect(sim.stats().broadcastCalls).toBe(1);
  });

  it('when the replay lookup is rate-limited, then upstream_unavailable, not a post without video', async () => {
    sim.faults.rateLimit(5, 'broadcast');
    const err: unknown = await client().fetchTweet('992016').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err instanceof AppError && err.code).toBe('upstream_unavailable');
  });

  it('when the post is no broadcast, then the broadcast endpoints are never asked', async () => {
    await client().fetchTweet('992010');
    await client().fetchTweet('992017');
    expect(sim.stats().broadcastCalls).toBe(0);
  });
});
