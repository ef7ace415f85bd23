import type { TweetRef } from '../twitter.types';
import { ACCEPTED_HOSTS, parseTweetUrl } from './tweet-url';

const ID = '1841206275088290279';

describe('parseTweetUrl: accepted forms', () => {
  it.each<[string, TweetRef]>([
    [`https://x.com/DivineDropbear/status/${ID}`, { statusId: ID }],
    [`https://twitter.com/DivineDropbear/status/${ID}`, { statusId: ID }],
    [`http://twitter.com/jack/status/20`, { statusId: '20' }],
    [`x.com/jack/status/20`, { statusId: '20' }],
    [`twitter.com/jack/status/20`, { statusId: '20' }],
    [`www.x.com/jack/status/20`, { statusId: '20' }],
    [`https://www.twitter.com/jack/status/20`, { statusId: '20' }],
    [`https://mobile.twitter.com/jack/status/20`, { statusId: '20' }],
    [`https://mobile.x.com/jack/status/20`, { statusId: '20' }],
    [`https://m.twitter.com/jack/status/20`, { statusId: '20' }],
    [`https://m.x.com/jack/status/20`, { statusId: '20' }],
    [`https://fxtwitter.com/jack/status/20`, { statusId: '20' }],
    [`https://www.fxtwitter.com/jack/status/20`, { statusId: '20' }],
    [`https://vxtwitter.com/jack/status/20`, { statusId: '20' }],
    [`https://fixupx.com/jack/status/20`, { statusId: '20' }],
    [`https://fixvx.com/jack/status/20`, { statusId: '20' }],
    [`https://www.fixvx.com/jack/status/20`, { statusId: '20' }],
    [`HTTPS://X.COM/jack/status/20`, { statusId: '20' }],
    [`https://x.com/jack/statuses/20`, { statusId: '20' }],
    [`https://twitter.com/i/web/status/910031516746514432`, { statusId: '910031516746514432' }],
    [`https://x.com/i/status/${ID}`, { statusId: ID }],
    [`https://twitter.com/statuses/${ID}`, { statusId: ID }],
    [`https://twitter.com/status/${ID}`, { statusId: ID }],
    [`https://x.com/jack/status/20/`, { statusId: '20' }],
    [`https://twitter.com/BrooklynNets/status/1349794411333394432?s=20`, { statusId: '1349794411333394432' }],
    [`https://x.com/jack/status/20?s=46&t=AbC-dEf_123`, { statusId: '20' }],
    [`https://x.com/jack/status/20#reply`, { statusId: '20' }],
    [`https://x.com/jack/status/20/?s=20#x`, { statusId: '20' }],
    [`   https://x.com/jack/status/20 \n\t`, { statusId: '20' }],
    [`https://twitter.com/CTVJLaidlaw/status/1600649710662213632/video/2`, { statusId: '1600649710662213632', mediaType: 'video', mediaIndex: 2 }],
    [`https://x.com/jack/status/20/video/1`, { statusId: '20', mediaType: 'video', mediaIndex: 1 }],
    [`https://x.com/jack/status/20/photo/3/`, { statusId: '20', mediaType: 'photo', mediaIndex: 3 }],
    [`https://x.com/jack/status/20/photo/1?s=20`, { statusId: '20', mediaType: 'photo', mediaIndex: 1 }],
    [`https://fxtwitter.com/i/web/status/20/video/4`, { statusId: '20', mediaType: 'video', mediaIndex: 4 }],
    [`https://x.com/a_b_C_123456789/status/20`, { statusId: '20' }],
    [`https://x.com/jack/status/18446744073709551615`, { statusId: '18446744073709551615' }],
    [`https://x.com/jack/status/1`, { statusId: '1' }],
    [`https://x.com/status/status/20`, { statusId: '20' }],
  ])('%s → %j', (input, ref) => {
    expect(parseTweetUrl(input)).toEqual({ ok: true, ref });
  });
});

describe('parseTweetUrl: missing input', () => {
  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 20],
    ['an object', { url: 'https://x.com/jack/status/20' }],
    ['an empty string', ''],
    ['only whitespace', '  \n\t '],
  ])('when the url is %s, then url_required', (_label, input) => {
    expect(parseTweetUrl(input)).toEqual({ ok: false, code: 'url_required' });
  });
});

describe('parseTweetUrl: t.co short links', () => {
  it.each(['https://t.co/AbC123xyz', 't.co/AbC123xyz', 'http://t.co/AbC123xyz?amp=1'])(
    'when %s is pasted, then unsupported_url (we do not follow redirects)',
    (input) => {
      expect(parseTweetUrl(input)).toEqual({ ok: false, code: 'unsupported_url' });
    },
  );
});

describe('parseTweetUrl: rejected forms', () => {
  it.each([
    ['another host', 'https://example.com/jack/status/20'],
    ['a look-alike host', 'https://x.com.evil.com/jack/status/20'],
    ['a suffix host', 'https://evilx.com/jack/status/20'],
    ['an unlisted subdomain', 'https://api.x.com/jack/status/20'],
    ['a trailing-dot host', 'https://x.com./jack/status/20'],
    ['user info', 'https://x.com@evil.com/jack/status/20'],
    ['user info on x.com', 'https://user:pass@x.com/jack/status/20'],
    ['a port', 'https://x.com:8443/jack/status/20'],
    ['the default port spelled out', 'https://x.com:443/jack/status/20'],
    ['a bare host with port', 'x.com:443/jack/status/20'],
    ['javascript:', 'javascript:alert(1)//x.com/jack/status/20'],
    ['ftp', 'ftp://x.com/jack/status/20'],
    ['data:', 'data:text/html,x.com/jack/status/20'],
    ['protocol-relative', '//x.com/jack/status/20'],
    ['one slash after the scheme', 'https:/x.com/jack/status/20'],
    ['a backslash', 'https://x.com\\@evil.com/jack/status/20'],
    ['an inner newline', 'https://x.com/jack/sta\ntus/20'],
    ['an inner space', 'https://x.com/jack/status/ 20'],
    ['a profile', 'https://x.com/jack'],
    ['the home page', 'https://x.com/'],
    ['a path that merely contains status', 'https://x.com/jack/statusy/20'],
    ['status in the query only', 'https://x.com/search?q=status/20'],
    ['a missing id', 'https://x.com/jack/status/'],
    ['an id with letters', 'https://x.com/jack/status/12a4'],
    ['a hex id', 'https://x.com/jack/status/0x14'],
    ['a negative id', 'https://x.com/jack/status/-20'],
    ['a 21-digit id', 'https://x.com/jack/status/123456789012345678901'],
    ['an id above uint64', 'https://x.com/jack/status/18446744073709551616'],
    ['an id with a leading zero', 'https://x.com/jack/status/020'],
    ['a percent-encoded status', 'https://x.com/jack/%73tatus/20'],
    ['a too-long username', 'https://x.com/abcdefghijklmnop/status/20'],
    ['a username with a dot', 'https://x.com/ja.ck/status/20'],
    ['a double slash', 'https://x.com//jack/status/20'],
    ['video index 0', 'https://x.com/jack/status/20/video/0'],
    ['a video index with a leading zero', 'https://x.com/jack/status/20/video/01'],
    ['a video without index', 'https://x.com/jack/status/20/video'],
    ['an unknown suffix', 'https://x.com/jack/status/20/likes'],
    ['extra segments after the index', 'https://x.com/jack/status/20/photo/1/extra'],
    ['an i/web path without status', 'https://x.com/i/web/20'],
    ['a t.co host without code', 'https://t.co/'],
    ['a t.co nested path', 'https://t.co/a/b'],
    ['a string over 2 KB', `https://x.com/jack/status/20?pad=${'a'.repeat(2100)}`],
    ['garbage', 'not a url at all'],
  ])('when the input is %s, then invalid_url', (_label, input) => {
    expect(parseTweetUrl(input)).toEqual({ ok: false, code: 'invalid_url' });
  });
});

describe('ACCEPTED_HOSTS', () => {
  it('when each listed host is used, then the URL is accepted (the docs list matches behaviour)', () => {
    for (const host of ACCEPTED_HOSTS) {
      expect(parseTweetUrl(`https://${host}/jack/status/20`)).toEqual({ ok: true, ref: { statusId: '20' } });
    }
  });
});
