/**
 * A typed client for the twdown API: the request and response types come from the OpenAPI
 * document (schema.ts, generated), the calls from openapi-fetch (a thin wrapper over fetch).
 *
 *   const twdown = createTwdownClient({ baseUrl: 'https://twdown.example', apiKey: 'sk-…' });
 *   const { data, error, response } = await twdown.POST('/twitter', { body: { url } });
 *   if (data) console.log(data.data.videos[0].url); else console.error(response.status, error.message);
 *
 * `data` is the success envelope, `error` the `{code:-1,…}` envelope; both typed per route.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema';

export type { components, operations, paths } from './schema';
export type TwdownClient = Client<paths>;

export function createTwdownClient(opts: {
  /** The service's origin, e.g. https://twdown.example (the client adds /api/v1) */
  baseUrl: string;
  /** An `sk-…` key; omit for the public routes */
  apiKey?: string;
  /** A fetch implementation (defaults to the global one) */
  fetch?: typeof globalThis.fetch;
}): TwdownClient {
  return createClient<paths>({
    baseUrl: `${opts.baseUrl.replace(/\/+$/, '')}/api/v1`,
    headers: opts.apiKey ? { Authorization: `Bearer ${opts.apiKey}` } : {},
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
}
