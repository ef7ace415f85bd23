import { AppError } from '../../../lib/errors/app-error';
import type { MediaItem, ParseOutcome, VideoMedia } from '../twitter.types';
import type { XClient } from './x-client';
import { useSimSuite } from './x-client.test-helpers';

/**
 * Player cards whose mp4s are only in a VMAP on video.twimg.com (docs/x-upstream.md, "Player
 * cards and VMAP"), against the simulator's media host, which serves a synthetic VMAP per card.
 */
describe('X client: card videos from a VMAP (against the X simulator)', () => {
  const suite = useSimSuite('x-client-vmap');
  const { sim } = suite;
  const client = (): XClient => suite.client({ overrides: { mediaBaseUrl: `${suite.url}/media`, maxRetries: 0 } });

  function onlyVideo(outcome: ParseOutcome): VideoMedia {
    if (!outcome.ok) throw new Error(`expected a post, got ${outcome.reason}`);
    const [item, ...rest] = outcome.tweet.media;
    if (item === undefined || item.type === 'photo' || rest.length > 0) throw new Error('expected exactly one video');
    return item;
  }

  const hasVmapMark = (media: readonly MediaItem[]): boolean => media.some((m) => 'vmap_url' in m);

  it('when a promo_video_convo card has only a VMAP, then one VMAP fetch gives its mp4s and the mark is gone', async () => {
    const outcome = await client().fetchTweet('992022');
    const video = onlyVideo(outcome);
    expect(video.variants.map((v) => [v.resolution, v.bitrate, v.url])).toEqual([
      ['720p', 2176000, 'https://video.twimg.com/amplify_video/992022000000000001/vid/avc1/1280x720/SimVmap720.mp4'],
      ['360p', 832000, 'https://video.twimg.com/amplify_video/992022000000000001/vid/avc1/640x360/SimVmap360.mp4'],
    ]);
    expect(hasVmapMark(outcome.ok ? outcome.tweet.media : [])).toBe(false);
    // one GraphQL answer was enough: the card item counts as media, no TweetDetail / syndication
    expect(sim.stats()).toMatchObject({ graphqlCalls: 1, syndicationCalls: 0, mediaRequests: 1 });
  });

  it('when X\'s video host answers 503 for a VMAP-only card, then the answer is upstream_unavailable, not a post without video', async () => {
    sim.faults.serverError(5, 'media');
    const err: unknown = await client().fetchTweet('992022').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect(err instanceof AppError && err.code).toBe('upstream_unavailable');
  });

  it('when X\'s video host says the VMAP is gone (404), then the card video stays without variants (X\'s own verdict)', async () => {
    sim.faults.serverError(5, 'media', 404);
    const outcome = await client().fetchTweet('992023');
    const video = onlyVideo(outcome);
    expect(video).toMatchObject({ id: '992023000000000001', variants: [], hls: [] });
    expect(hasVmapMark(outcome.ok ? outcome.tweet.media : [])).toBe(false);
  });

  it('when a poll video\'s VMAP cannot be fetched, then its card HLS playlist still answers, unmarked', async () => {
    sim.faults.serverError(5, 'media');
    const outcome = await client().fetchTweet('992014');
    const video = onlyVideo(outcome);
    expect(video.variants).toEqual([]);
    expect(video.hls).toEqual([{ url: 'https://video.twimg.com/amplify_video/992014000000000001/pl/SimPoll.m3u8', content_type: 'application/x-mpegURL' }]);
    expect(hasVmapMark(outcome.ok ? outcome.tweet.media : [])).toBe(false);
  });

  it('when a post has no player card, then the video host is never asked', async () => {
    const outcome = await client().fetchTweet('992010');
    expect(outcome.ok).toBe(true);
    expect(sim.stats().mediaRequests).toBe(0);
  });
});
