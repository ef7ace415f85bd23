import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { asArray, asObject, asString, dig, type Json, type JsonObject } from './json';
import { recordedDirs } from './recorded-fixtures';
import { vmapRenditionPaths } from './vmap';

/** `recorded` = captured from X; `synthetic` = hand-written in X's schema (ours or an upstream project's). */
export type FixtureOrigin = 'recorded' | 'synthetic';
export type FixtureOperation = 'TweetResultByRestId' | 'TweetDetail';

export interface FixtureEntry {
  id: string;
  origin: FixtureOrigin;
  /** Files this id was read from (directory name + file name). */
  files: string[];
  /** The focal tweet result: the TweetResultByRestId answer (unless tweetDetailOnly) and the source of derived answers. */
  result?: JsonObject;
  /** The raw recorded TweetDetail body, when one exists for this id. */
  tweetDetail?: JsonObject;
  /** A recorded syndication body (`synd-*` files); otherwise syndication is derived from `result`. */
  syndication?: JsonObject;
  /** Served by TweetDetail only: TweetResultByRestId answers an empty result (exercises the fallback). */
  tweetDetailOnly: boolean;
}

export interface FixtureIndex {
  byId: ReadonlyMap<string, FixtureEntry>;
  /** `host/path` of every video.twimg.com / pbs.twimg.com URL found anywhere in the fixtures. */
  mediaPaths: ReadonlySet<string>;
  /** The recorded directories that were read (empty when the recorded set is absent). */
  recordedDirs: readonly string[];
}

/** Our own hand-written fixtures, committed with the repo. */
export const SYNTHETIC_DIR = path.join(__dirname, '..', 'fixtures', 'synthetic');

/**
 * Ids answered by TweetDetail only. 1756252052232016281: the x-2 README records it "used only as
 * a TweetDetail answer"; 992013 is our synthetic case of the same.
 */
const TWEET_DETAIL_ONLY: ReadonlySet<string> = new Set(['1756252052232016281', '992013']);

const RESULT_TYPENAMES = new Set(['Tweet', 'TweetWithVisibilityResults', 'TweetTombstone', 'TweetUnavailable']);

export function focalFromTweetDetail(body: Json, id: string): JsonObject | undefined {
  const instructions = asArray(dig(body, 'data', 'threaded_conversation_with_injections_v2', 'instructions'));
  for (const instruction of instructions) {
    if (asString(dig(instruction, 'type')) !== 'TimelineAddEntries') continue;
    for (const entry of asArray(dig(instruction, 'entries'))) {
      if (asString(dig(entry, 'entryId')) !== `tweet-${id}`) continue;
      return asObject(dig(entry, 'content', 'itemContent', 'tweet_results', 'result'));
    }
  }
  return undefined;
}

function loadFile(dir: string, file: string, origin: FixtureOrigin): FixtureEntry {
  const match = /-(\d+)\.json$/.exec(file);
  if (!match?.[1]) throw new Error(`fixture ${dir}/${file}: no tweet id at the end of its name`);
  const id = match[1];
  const body = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Json;
  const relative = `${path.basename(dir)}/${file}`;
  // Some upstream mocks (FxEmbed's 991xxx) are hand-written too; their names say so.
  const fileOrigin: FixtureOrigin = file.includes('-synthetic-') ? 'synthetic' : origin;
  const base = { id, origin: fileOrigin, files: [relative], tweetDetailOnly: TWEET_DETAIL_ONLY.has(id) };
  const restResult = asObject(dig(body, 'data', 'tweetResult', 'result'));
  if (restResult) return { ...base, result: restResult };
  const bare = asObject(body);
  // The x-2 set stores bare tweet result objects, and syndication bodies as `synd-*`.
  if (bare && RESULT_TYPENAMES.has(asString(bare.__typename) ?? '') && bare.data === undefined) {
    return file.startsWith('synd-') ? { ...base, syndication: bare } : { ...base, result: bare };
  }
  const focal = focalFromTweetDetail(body, id);
  if (!focal || !bare) throw new Error(`fixture ${relative}: neither a TweetResultByRestId nor a TweetDetail for ${id}`);
  return { ...base, result: focal, tweetDetail: bare };
}

/** A recorded TweetResultByRestId answer wins over a TweetDetail focal tweet for the same id. */
function merge(existing: FixtureEntry, next: FixtureEntry): FixtureEntry {
  const rest = [existing, next].find((e) => e.result && !e.tweetDetail) ?? existing;
  return {
    id: existing.id,
    origin: existing.origin,
    files: [...existing.files, ...next.files],
    result: rest.result ?? next.result,
    tweetDetail: existing.tweetDetail ?? next.tweetDetail,
    syndication: existing.syndication ?? next.syndication,
    tweetDetailOnly: existing.tweetDetailOnly,
  };
}

const MEDIA_URL = /https:\/\/((?:video|pbs)\.twimg\.com)(\/[^\s"'<>\\?#]*)/g;

function collectMediaPaths(value: Json, into: Set<string>): void {
  if (typeof value === 'string') {
    // unified_card bodies are JSON inside a string, so their slashes may still be escaped.
    for (const m of value.replace(/\\\//g, '/').matchAll(MEDIA_URL)) into.add(`${m[1]}${m[2]}`);
  } else if (Array.isArray(value)) {
    for (const item of value) collectMediaPaths(item, into);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) collectMediaPaths(item, into);
  }
}

function load(): FixtureIndex {
  const byId = new Map<string, FixtureEntry>();
  const mediaPaths = new Set<string>();
  const dirs = recordedDirs();
  const sources = [...dirs.map((dir) => ({ dir, origin: 'recorded' as const })), { dir: SYNTHETIC_DIR, origin: 'synthetic' as const }];
  for (const { dir, origin } of sources) {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    for (const file of files) {
      const entry = loadFile(dir, file, origin);
      const existing = byId.get(entry.id);
      byId.set(entry.id, existing ? merge(existing, entry) : entry);
      collectMediaPaths(entry.tweetDetail ?? entry.result ?? entry.syndication ?? null, mediaPaths);
    }
  }
  for (const vmap of [...mediaPaths].filter((p) => p.endsWith('.vmap'))) {
    for (const rendition of vmapRenditionPaths(vmap)) mediaPaths.add(rendition);
  }
  return { byId, mediaPaths, recordedDirs: dirs };
}

let cached: FixtureIndex | undefined;

/** Fixtures are read-only data, so one parse per process is shared by every simulator instance. */
export function loadFixtures(): FixtureIndex {
  cached ??= load();
  return cached;
}
