import { REQUIRED_FEATURES, WEB_BEARER_TOKEN, createXSim, type XSim, type XSimOptions } from './index';

export const BEARER = `Bearer ${WEB_BEARER_TOKEN}`;
/** Every required feature plus one the simulator does not know, as real clients send. */
export const FEATURES: Record<string, boolean> = {
  ...Object.fromEntries(REQUIRED_FEATURES.map((key) => [key, true])),
  rweb_video_screen_enabled: false,
};

export interface Running {
  sim: XSim;
  url: string;
}

export async function startSim(options: XSimOptions = {}): Promise<Running> {
  const sim = createXSim(options);
  const { url } = await sim.start(0);
  return { sim, url };
}

export async function activate(url: string): Promise<string> {
  const res = await fetch(`${url}/1.1/guest/activate.json`, { method: 'POST', headers: { authorization: BEARER } });
  const body = (await res.json()) as { guest_token: string };
  return body.guest_token;
}

export interface GqlRequest {
  token?: string;
  operation?: string;
  variables?: Record<string, unknown> | string;
  features?: Record<string, unknown> | string;
  bearer?: string | null;
  prefix?: string;
}

export function gqlUrl(url: string, id: string, req: GqlRequest = {}): string {
  const operation = req.operation ?? 'TweetResultByRestId';
  const idKey = operation === 'TweetDetail' ? 'focalTweetId' : 'tweetId';
  const variables = req.variables ?? { [idKey]: id, withCommunity: false, includePromotedContent: false, withVoice: false };
  const features = req.features ?? FEATURES;
  const params = new URLSearchParams({
    variables: typeof variables === 'string' ? variables : JSON.stringify(variables),
    features: typeof features === 'string' ? features : JSON.stringify(features),
    fieldToggles: JSON.stringify({ withArticleRichContentState: false }),
  });
  return `${url}${req.prefix ?? ''}/graphql/2ICDjqPd81tulZcYrtpTuQ/${operation}?${params.toString()}`;
}

export function gql(url: string, id: string, req: GqlRequest = {}, init: RequestInit = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (req.bearer !== null) headers.authorization = req.bearer ?? BEARER;
  if (req.token) headers['x-guest-token'] = req.token;
  return fetch(gqlUrl(url, id, req), { ...init, headers });
}

export function setFaults(url: string, body: unknown): Promise<Response> {
  return fetch(`${url}/__sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Reads a nested property of parsed JSON without casting to `any`. */
export function at(value: unknown, ...keys: Array<string | number>): unknown {
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}
