import { syndicationToken } from './index';
import { readFileSync } from 'node:fs';
import { describeRecorded } from './recorded.jest';
import { recordedFile } from './recorded-fixtures';
import { at, startSim, type Running } from './test-helpers';

describe('GET /tweet-result (derived syndication)', () => {
  let running: Running;
  beforeAll(async () => {
    running = await startSim();
  });
  afterAll(() => running.sim.stop());

  const syndication = (id: string, token = syndicationToken(id)) =>
    fetch(`${running.url}/tweet-result?id=${id}&token=${token}&lang=en`);
  const bodyOf = async (id: string) => {
    const res = await syndication(id);
    expect(res.status).toBe(200);
    return res.json();
  };

  it('computes the token exactly like the published test vectors', () => {
    expect(syndicationToken('1874097816571961839')).toBe('4jjngwkifa');
    expect(syndicationToken('1674700676612386816')).toBe('42586mwa3uv');
    expect(syndicationToken('1346554693649113090')).toBe('39ibqxei7mo');
  });

  it('when the token is missing or wrong, then it answers 400', async () => {
    expect((await fetch(`${running.url}/tweet-result?id=20`)).status).toBe(400);
    expect((await syndication('20', 'abc')).status).toBe(400);
    expect((await syndication('992010', syndicationToken('20'))).status).toBe(400);
  });

  it('when the id is unknown, then it answers 404 with {}', async () => {
    const res = await syndication('1111111111111111111');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({});
  });

  it('when a video tweet is asked for, then the root is the tweet with mediaDetails (no id_str) and video', async () => {
    const body = await bodyOf('992010');
    expect(body).toMatchObject({ __typename: 'Tweet', id_str: '992010', user: { screen_name: 'sim_video' } });
    expect(at(body, 'mediaDetails', 0, 'type')).toBe('video');
    expect(at(body, 'mediaDetails', 0, 'id_str')).toBeUndefined();
    expect(at(body, 'mediaDetails', 0, 'video_info', 'variants')).toHaveLength(4);
    expect(at(body, 'video', 'variants', 2)).toEqual({
      type: 'video/mp4',
      src: 'https://video.twimg.com/ext_tw_video/992010000000000001/pu/vid/avc1/1280x720/SimHigh.mp4?tag=12',
    });
    expect(at(body, 'possibly_sensitive')).toBe(false);
  });

  it('when a retweet is asked for, then the original tweet and its media are answered', async () => {
    const body = await bodyOf('992019');
    expect(at(body, 'id_str')).toBe('992010');
    expect(at(body, 'user', 'screen_name')).toBe('sim_video');
    expect(at(body, 'video', 'variants')).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'video/mp4' })]));
  });

  describeRecorded('derived from recorded bodies (X_SIM_FIXTURES_DIR)', () => {
  it('when a recorded video tweet is asked for, then its variants come through', async () => {
      const body = await bodyOf('1841206275088290279');
      expect(body).toMatchObject({ __typename: 'Tweet', id_str: '1841206275088290279', user: { screen_name: 'DivineDropbear' } });
      expect(at(body, 'mediaDetails', 0, 'type')).toBe('video');
      expect(at(body, 'mediaDetails', 0, 'id_str')).toBeUndefined();
      expect(at(body, 'mediaDetails', 0, 'video_info', 'variants')).toHaveLength(4);
      expect(at(body, 'video', 'variants', 3)).toEqual({
        type: 'video/mp4',
        src: 'https://video.twimg.com/ext_tw_video/1841204388993646595/pu/vid/avc1/1280x720/NRpzIavCR5W-jWFh.mp4?tag=12',
      });
      expect(at(body, 'possibly_sensitive')).toBe(false);
    });

    it('when a photo tweet on the new user schema is asked for, then photos and user come through', async () => {
      const body = await bodyOf('1964084223871971826');
      expect(at(body, 'user', 'screen_name')).toBe('vo1twasdowned');
      expect(at(body, 'photos', 0)).toMatchObject({ width: 736, height: 515 });
      expect(at(body, 'video')).toBeUndefined();
    });

    it('when a quoting tweet is asked for, then quoted_tweet carries the quote', async () => {
      const body = await bodyOf('1902059299591090335');
      expect(at(body, 'quoted_tweet', 'user', 'screen_name')).toBe('__itzt3z');
    });

    it('when a retweet is asked for, then the original tweet and its media are answered', async () => {
      const body = await bodyOf('1665951747842641921');
      expect(at(body, 'user', 'screen_name')).toBe('ChinaDaily');
      expect(at(body, 'video', 'variants')).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'video/mp4' })]));
    });

    it('when a recorded syndication body exists, then it is served as recorded', async () => {
      const file = recordedFile('synd-video-reused-from-other-user-1684218600456876032.json');
      if (file === undefined) throw new Error('the x-2 set is missing');
      expect(await bodyOf('1684218600456876032')).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    });
  });

  it('when the post is gone or withheld, then a TweetTombstone is answered', async () => {
    expect(await bodyOf('992004')).toEqual({
      __typename: 'TweetTombstone',
      tombstone: { text: { text: 'This Post was deleted by the Post author. Learn more', entities: [], rtl: false } },
    });
        expect(String(at(await bodyOf('992002'), 'tombstone', 'text', 'text'))).toMatch(/^Age-restricted/);
  });

  it('when the sensitive synthetic post is asked for, then possibly_sensitive is true and there is no media', async () => {
    const body = await bodyOf('992007');
    expect(at(body, 'possibly_sensitive')).toBe(true);
    expect(at(body, 'mediaDetails')).toBeUndefined();
  });

  it('counts syndication calls in stats', () => {
    expect(running.sim.stats().syndicationCalls).toBeGreaterThan(0);
  });
});
