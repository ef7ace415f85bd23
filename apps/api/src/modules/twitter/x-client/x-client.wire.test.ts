/**
 * What goes over the wire, checked with tiny local servers: headers and query, syndication
 * preferred only when it has media, and no request ever leaving the configured X hosts.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from '../../../lib/redis/redis';
import { createXClient, type XClient } from './x-client';
import { syndicationToken, TWEET_RESULT_QUERY_ID, WEB_BEARER_TOKEN } from './x-client.config';
import { createXHttp } from './x-http';
import { captureLogger, clientConfig, dropKeys, newRedis, uniquePrefix } from './x-client.test-helpers';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

const TEXT_ONLY_GRAPHQL = readFileSync(join(__dirname, '../../../../../x-sim/fixtures/synthetic/text-only-992021.json'), 'utf8');
const SYNDICATION_WITH_PHOTO = JSON.stringify({
  __typename: 'Tweet',
  id_str: '992021',
  text: 'just setting up my twttr',
  user: { screen_name: 'sim_text' },
  mediaDetails: [
    {
      type: 'photo',
      media_url_https: 'https://pbs.twimg.com/media/AbCdEf.jpg',
      original_info: { width: 800, height: 600 },
    },
  ],
});

async function listen(handler: (seen: Seen, res: import('node:http').ServerResponse) => void) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
    seen.push(s);
    handler(s, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { seen, url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('X client on the wire', () => {
  let redis: Redis;
  const suitePrefix = uniquePrefix('x-client-wire');
  const closers: Array<() => Promise<void>> = [];
  let n = 0;

  function client(apiBaseUrl: string, syndicationBaseUrl = apiBaseUrl): XClient {
    const c = createXClient({
      redis,
      logger: captureLogger(),
      config: { ...clientConfig(apiBaseUrl, `${suitePrefix}${n++}:`), syndicationBaseUrl },
    });
    closers.push(() => c.close());
    return c;
  }

  beforeAll(() => {
    redis = newRedis();
  });
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });
  afterAll(async () => {
    await dropKeys(redis, suitePrefix);
    redis.disconnect();
  });

  /** A fake X: activation, TweetResultByRestId (text-only post) and syndication (with a photo). */
  async function fakeX(opts: { redirectGraphqlTo?: string } = {}) {
    const srv = await listen((s, res) => {
      if (s.url.startsWith('/1.1/guest/activate.json')) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ guest_token: '1234567890123456789' }));
      } else if (s.url.startsWith('/graphql/') && opts.redirectGraphqlTo) {
        res.writeHead(302, { location: `${opts.redirectGraphqlTo}/steal` }).end();
      } else if (s.url.startsWith('/graphql/')) {
        res.setHeader('content-type', 'application/json');
        res.end(TEXT_ONLY_GRAPHQL);
      } else if (s.url.startsWith('/tweet-result')) {
        res.setHeader('content-type', 'application/json');
        res.end(SYNDICATION_WITH_PHOTO);
      } else {
        res.writeHead(404).end();
      }
    });
    closers.push(srv.close);
    return srv;
  }

  it('when calling X, then it sends the web bearer, guest token, matching ct0/csrf and browser headers', async () => {
    const api = await fakeX();
    const synd = await fakeX();
    await client(api.url, synd.url).fetchTweet('992021');

    const [activate, graphql] = api.seen;
    expect(activate?.method).toBe('POST');
    expect(activate?.headers.authorization).toBe(`Bearer ${WEB_BEARER_TOKEN}`);
    expect(graphql?.url).toContain(`/graphql/${TWEET_RESULT_QUERY_ID}/TweetResultByRestId?`);
    const q = new URL(graphql?.url ?? '', api.url).searchParams;
    expect(JSON.parse(q.get('variables') ?? '{}')).toMatchObject({ tweetId: '992021' });
    expect(JSON.parse(q.get('features') ?? '{}')).toHaveProperty('responsive_web_graphql_timeline_navigation_enabled', true);
    expect(JSON.parse(q.get('fieldToggles') ?? '{}')).toHaveProperty('withArticleRichContentState');
    const h = graphql?.headers ?? {};
    expect(h['x-guest-token']).toBe('1234567890123456789');
    expect(h['user-agent']).toMatch(/Chrome\/\d+/);
    expect(h).toMatchObject({ 'x-twitter-active-user': 'yes', 'x-twitter-client-language': 'en', origin: 'https://x.com' });
    expect(h.referer).toMatch(/^https:\/\/x\.com/);
    expect(h.cookie).toContain(`ct0=${String(h['x-csrf-token'])}`);
    expect(h.cookie).toContain('guest_id=v1%3A1234567890123456789');

    const s = new URL(synd.seen[0]?.url ?? '', synd.url).searchParams;
    expect(Object.fromEntries(s)).toEqual({ id: '992021', token: syndicationToken('992021'), lang: 'en' });
  });

  it('when TweetResultByRestId has no media, then TweetDetail is asked with the same guest token and cobalt\'s variables', async () => {
    const api = await fakeX();
    const synd = await fakeX();
    await client(api.url, synd.url).fetchTweet('992021');
    const detail = api.seen.find((seen) => seen.url.includes('/TweetDetail?'));
    // queryId as cobalt sends it with a guest token (docs/x-upstream.md, "TweetDetail")
    expect(detail?.url).toContain('/graphql/4Siu98E55GquhG52zHdY5w/TweetDetail?');
    const q = new URL(detail?.url ?? '', api.url).searchParams;
    expect(JSON.parse(q.get('variables') ?? '{}')).toMatchObject({ focalTweetId: '992021', with_rux_injections: false, rankingMode: 'Relevance' });
    expect(JSON.parse(q.get('features') ?? '{}')).toHaveProperty('longform_notetweets_inline_media_enabled', true);
    expect(detail?.headers['x-guest-token']).toBe('1234567890123456789');
    expect(api.seen.filter((seen) => seen.url.startsWith('/1.1/guest/activate.json'))).toHaveLength(1);
  });

  it('computes the syndication token like the embed widget', () => {
    expect(syndicationToken('1874097816571961839')).toBe('4jjngwkifa');
    expect(syndicationToken('1674700676612386816')).toBe('42586mwa3uv');
    expect(syndicationToken('1346554693649113090')).toBe('39ibqxei7mo');
  });

  it('when GraphQL has no media but syndication does, then the syndication result wins', async () => {
    const api = await fakeX();
    const outcome = await client(api.url).fetchTweet('992021');
    expect(outcome.ok && outcome.tweet.source).toBe('syndication');
    expect(outcome.ok && outcome.tweet.media).toHaveLength(1);
  });

  it('when X redirects elsewhere, then the redirect is not followed', async () => {
    const trap = await listen((_s, res) => res.end('{}'));
    closers.push(trap.close);
    const api = await fakeX({ redirectGraphqlTo: trap.url });
    await client(api.url).fetchTweet('992021');
    expect(trap.seen).toHaveLength(0);
  });

  it('when the status id is not numeric, then nothing is requested at all', async () => {
    const api = await fakeX();
    const c = client(api.url);
    for (const bad of ['https://evil.example/x', '../../1.1/x', '12a', '', '1'.repeat(21)]) {
      expect(await c.fetchTweet(bad)).toMatchObject({ ok: false, reason: 'post_not_found' });
    }
    expect(api.seen).toHaveLength(0);
  });

  it('when asked for an origin that is not a configured X host, then the transport refuses before connecting', async () => {
    const trap = await listen((_s, res) => res.end());
    closers.push(trap.close);
    const http = createXHttp({
      logger: captureLogger(),
      config: { allowedBaseUrls: ['https://api.x.com'], connectTimeoutMs: 100, bodyTimeoutMs: 100, maxRetries: 0, retryBaseDelayMs: 1, maxBodyBytes: 1024 },
    });
    closers.push(() => http.close());
    await expect(http.send({ baseUrl: trap.url, path: '/', method: 'GET', headers: {}, label: 't' })).rejects.toThrow(/non-X origin/);
    expect(trap.seen).toHaveLength(0);
  });
});
