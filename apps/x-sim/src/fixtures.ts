import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { asArray, asObject, asString, dig, type Json, type JsonObject } from './json';

/** `recorded` = captured from X; `synthetic` = hand-written in X's schema (ours or an upstream project's). */
export type FixtureOrigin = 'recorded' | 'synthetic';
export type FixtureOperation = 'TweetResultByRestId' | 'TweetDetail';

export interface FixtureEntry {
  id: string;
  origin: FixtureOrigin;
  /** Files this id was read from, relative to the fixtures folder. */
  files: string[];
  /** The focal tweet result, served as the TweetResultByRestId answer. */
  result: JsonObject;
  /** The raw recorded TweetDetail body, when one exists for this id. */
  tweetDetail?: JsonObject;
}

export interface FixtureIndex {
  byId: ReadonlyMap<string, FixtureEntry>;
  /** `host/path` of every video.twimg.com / pbs.twimg.com URL found anywhere in the fixtures. */
  mediaPaths: ReadonlySet<string>;
}

export const FIXTURES_DIR = path.join(__dirname, '..', 'fixtures');
const SOURCES: ReadonlyArray<{ dir: string; origin: FixtureOrigin }> = [
  { dir: 'x', origin: 'recorded' },
  { dir: 'synthetic', origin: 'synthetic' },
];

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
  const body = JSON.parse(readFileSync(path.join(FIXTURES_DIR, dir, file), 'utf8')) as Json;
  const relative = `${dir}/${file}`;
  // Some upstream mocks (FxEmbed's 991xxx) are hand-written too; their names say so.
  const fileOrigin: FixtureOrigin = file.includes('-synthetic-') ? 'synthetic' : origin;
  const restResult = asObject(dig(body, 'data', 'tweetResult', 'result'));
  if (restResult) return { id, origin: fileOrigin, files: [relative], result: restResult };
  const focal = focalFromTweetDetail(body, id);
  const detail = asObject(body);
  if (!focal || !detail) throw new Error(`fixture ${relative}: neither a TweetResultByRestId nor a TweetDetail for ${id}`);
  return { id, origin: fileOrigin, files: [relative], result: focal, tweetDetail: detail };
}

/** A recorded TweetResultByRestId answer wins over a TweetDetail focal tweet for the same id. */
function merge(existing: FixtureEntry, next: FixtureEntry): FixtureEntry {
  const rest = [existing, next].find((e) => !e.tweetDetail) ?? existing;
  return {
    id: existing.id,
    origin: existing.origin,
    files: [...existing.files, ...next.files],
    result: rest.result,
    tweetDetail: existing.tweetDetail ?? next.tweetDetail,
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
  for (const { dir, origin } of SOURCES) {
    const files = readdirSync(path.join(FIXTURES_DIR, dir)).filter((f) => f.endsWith('.json')).sort();
    for (const file of files) {
      const entry = loadFile(dir, file, origin);
      const existing = byId.get(entry.id);
      byId.set(entry.id, existing ? merge(existing, entry) : entry);
      collectMediaPaths(entry.tweetDetail ?? entry.result, mediaPaths);
    }
  }
  return { byId, mediaPaths };
}

let cached: FixtureIndex | undefined;

/** Fixtures are read-only data, so one parse per process is shared by every simulator instance. */
export function loadFixtures(): FixtureIndex {
  cached ??= load();
  return cached;
}
