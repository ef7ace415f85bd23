import { readFileSync, readdirSync } from 'node:fs';
import { SYNTHETIC_DIR, focalFromTweetDetail } from './fixtures';
import { describeRecorded } from './recorded.jest';
import { recordedFile } from './recorded-fixtures';
import { REQUIRED_FEATURES } from './index';
import type { Json } from './json';
import { FEATURES, activate, at, gql, startSim, type Running } from './test-helpers';

function readFixture(file: string): Json {
  const found = recordedFile(file);
  if (found === undefined) throw new Error(`recorded fixture ${file} not found`);
  return JSON.parse(readFileSync(found, 'utf8')) as Json;
}

describe('GET /graphql/:queryId/TweetResultByRestId', () => {
  let running: Running;
  let token: string;
  beforeEach(async () => {
    running = await startSim();
    token = await activate(running.url);
  });
  afterEach(() => running.sim.stop());

  describe('auth', () => {
    it('when the bearer is missing or wrong, then it answers 401 with error 89', async () => {
      for (const bearer of [null, 'Bearer nope']) {
        const res = await gql(running.url, '20', { token, bearer });
        expect(res.status).toBe(401);
        expect(at(await res.json(), 'errors', 0, 'code')).toBe(89);
      }
    });

    it('when no guest token is sent, then it answers 403 "Bad guest token." (239)', async () => {
      const res = await gql(running.url, '20', {});
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ errors: [{ code: 239, message: 'Bad guest token.' }] });
    });

    it('when the guest token was never issued or has been retired, then it answers 403 (239)', async () => {
      expect((await gql(running.url, '20', { token: '1234567890123456789' })).status).toBe(403);
      running.sim.retireGuestToken(token);
      const res = await gql(running.url, '20', { token });
      expect(res.status).toBe(403);
      expect(at(await res.json(), 'errors', 0, 'code')).toBe(239);
    });

    it('when the guest token outlives its TTL, then it is refused', async () => {
      let now = 1_000_000;
      const timed = await startSim({ now: () => now, tokenTtlSeconds: 60 });
      try {
        const fresh = await activate(timed.url);
        expect((await gql(timed.url, '20', { token: fresh })).status).toBe(200);
        now += 60_000;
        expect((await gql(timed.url, '20', { token: fresh })).status).toBe(403);
        expect(timed.sim.stats().validTokens).toBe(0);
      } finally {
        await timed.sim.stop();
      }
    });
  });

  describe('validation', () => {
    it('when required features are missing or null, then it answers 400 with error 336 naming them', async () => {
      const [first = '', second = ''] = REQUIRED_FEATURES;
      const { [first]: _dropped, ...features } = { ...FEATURES, [second]: null };
      const res = await gql(running.url, '20', { token, features });
      expect(res.status).toBe(400);
      const error = at(await res.json(), 'errors', 0);
      expect(at(error, 'code')).toBe(336);
      expect(at(error, 'message')).toBe(`The following features cannot be null: ${first}, ${second}`);
    });

    it('when features is not JSON, then it answers 400 and no tweet', async () => {
      const res = await gql(running.url, '20', { token, features: '{not json' });
      expect(res.status).toBe(400);
      expect(at(await res.json(), 'data')).toBeUndefined();
    });

    it('when variables is not JSON or lacks tweetId, then it answers 400', async () => {
      expect((await gql(running.url, '20', { token, variables: 'tweetId=20' })).status).toBe(400);
      expect((await gql(running.url, '20', { token, variables: { withVoice: false } })).status).toBe(400);
    });

    it('when another operation is asked for, then it answers 404', async () => {
      expect((await gql(running.url, '20', { token, operation: 'UserByScreenName' })).status).toBe(404);
    });
  });

  describe('answers', () => {
    it('when any served id is asked for, then its tweet result comes back under data.tweetResult.result', async () => {
      const ids = running.sim.ids.all();
      const syntheticIds = readdirSync(SYNTHETIC_DIR).flatMap((file) => /-(\d+)\.json$/.exec(file)?.[1] ?? []);
      expect(syntheticIds).toHaveLength(26); // + the two 993xxx conversion posts;
      expect(ids).toEqual(expect.arrayContaining(syntheticIds));
      for (const id of ids) {
        const res = await gql(running.url, id, { token });
        expect(res.status).toBe(200);
        const body = await res.json();
        const described = running.sim.ids.describe().find((entry) => entry.id === id);
        if (described?.tweetDetailOnly === true || described?.typename === null) {
          // served by TweetDetail or syndication only
          expect(body).toEqual({ data: { tweetResult: {} } });
          continue;
        }
        const result = at(body, 'data', 'tweetResult', 'result');
        const typename = at(result, '__typename');
        expect(['Tweet', 'TweetWithVisibilityResults', 'TweetTombstone', 'TweetUnavailable']).toContain(typename);
        if (typename === 'Tweet') expect(at(result, 'rest_id')).toBe(id);
        if (typename === 'TweetWithVisibilityResults') expect(at(result, 'tweet', 'rest_id')).toBe(id);
      }
    });

    it('when a TweetDetail-only id is asked for, then TweetResultByRestId is empty and TweetDetail holds it', async () => {
      expect(await (await gql(running.url, '992013', { token })).json()).toEqual({ data: { tweetResult: {} } });
      const body = await (await gql(running.url, '992013', { token, operation: 'TweetDetail' })).json();
      expect(at(focalFromTweetDetail(body as Json, '992013'), 'legacy', 'extended_entities', 'media', 0, 'type')).toBe('video');
    });

    it('when an unknown id is asked for, then tweetResult is an empty object', async () => {
      const res = await gql(running.url, '1111111111111111111', { token });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ data: { tweetResult: {} } });
    });

    it('when the /i/api prefix and any queryId are used, then the answer is the same', async () => {
      const res = await gql(running.url, '992011', { token, prefix: '/i/api' });
      expect(at(await res.json(), 'data', 'tweetResult', 'result', 'rest_id')).toBe('992011');
    });

    it('when TweetDetail is asked for an id recorded only by rest id, then a one-entry conversation holds it', async () => {
      const body = await (await gql(running.url, '992010', { token, operation: 'TweetDetail' })).json();
      expect(focalFromTweetDetail(body as Json, '992010')).toMatchObject({ rest_id: '992010' });
    });

    describeRecorded('recorded bodies (X_SIM_FIXTURES_DIR)', () => {
    it('when an id was recorded only as TweetDetail, then the focal tweet-<id> entry is served', async () => {
        const id = '1671508600538161153';
        const expected = focalFromTweetDetail(readFixture(`tw-tweetdetail-video-portrait-${id}.json`), id);
        const res = await gql(running.url, id, { token });
        expect(at(await res.json(), 'data', 'tweetResult', 'result')).toEqual(expected);
        expect(at(expected, 'legacy', 'extended_entities', 'media', 0, 'type')).toBe('video');
      });

      it('when an id was recorded both ways, then the recorded TweetResultByRestId body is served', async () => {
        const id = '1902059299591090335';
        const res = await gql(running.url, id, { token });
        expect(await res.json()).toEqual(readFixture(`fx-trbri-video-quote-${id}.json`));
      });

      it('when TweetDetail is asked for a recorded TweetDetail id, then the recorded body is served', async () => {
        const id = '1649191520250245121';
        const res = await gql(running.url, id, { token, operation: 'TweetDetail' });
        expect(await res.json()).toEqual(readFixture(`tw-tweetdetail-newschema-gif-${id}.json`));
      });
    });

    it.each([
      ['992001', { __typename: 'TweetUnavailable', reason: 'Protected' }],
      ['992002', { __typename: 'TweetUnavailable', reason: 'NsfwLoggedOut' }],
      ['992003', { __typename: 'TweetUnavailable', reason: 'NsfwViewerHasNoStatedAge' }],
    ])('when synthetic id %s is asked for, then it is %o', async (id, expected) => {
      const res = await gql(running.url, id, { token });
      expect(at(await res.json(), 'data', 'tweetResult', 'result')).toEqual(expected);
    });

    it('when the synthetic tombstones and sensitive tweets are asked for, then they have the documented shapes', async () => {
      const result = async (id: string) => at(await (await gql(running.url, id, { token })).json(), 'data', 'tweetResult', 'result');
      expect(at(await result('992004'), 'tombstone', 'text', 'text')).toBe('This Post was deleted by the Post author. Learn more');
      expect(String(at(await result('992005'), 'tombstone', 'text', 'text'))).toMatch(/^Age-restricted adult content\. /);
      const wrapped = await result('992006');
      expect(at(wrapped, '__typename')).toBe('TweetWithVisibilityResults');
      expect(at(wrapped, 'tweet', 'legacy', 'extended_entities', 'media', 0, 'type')).toBe('video');
      const sensitive = await result('992007');
      expect(at(sensitive, 'legacy', 'possibly_sensitive')).toBe(true);
      expect(at(sensitive, 'legacy', 'extended_entities')).toBeUndefined();
    });
  });

  it('when calls are made, then stats count them per tweet id', async () => {
    await gql(running.url, '992010', { token });
    await gql(running.url, '992010', { token });
    await gql(running.url, '992001', { token });
    expect(running.sim.stats()).toMatchObject({ graphqlCalls: 3, graphqlCallsByTweetId: { '992010': 2, '992001': 1 } });
  });
});
