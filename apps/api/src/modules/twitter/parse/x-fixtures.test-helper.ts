// Test support only (not a test file): loads the recorded X responses from X_SIM_FIXTURES_DIR
// (../shared/fixtures/x by default; they are not in the repo) and the synthetic ones we wrote.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordedFile } from '../../../../../x-sim/src/recorded-fixtures';
export { describeRecorded } from '../../../../../x-sim/src/recorded.jest';
import type { MediaItem, ParsedTweet, ParseOutcome, VideoMedia } from '../twitter.types';
import { parseTweetDetailResponse, parseTweetResultResponse } from './graphql.parser';
import { isRec } from './shape';

const SYNTHETIC_DIR = join(__dirname, '../../../../../x-sim/fixtures/synthetic');

/** A recorded fixture by file name (call only inside describeRecorded). */
export function loadFixture(file: string): unknown {
  const found = recordedFile(file);
  if (found === undefined) throw new Error(`recorded fixture ${file} not found under X_SIM_FIXTURES_DIR`);
  return JSON.parse(readFileSync(found, 'utf8')) as unknown;
}

/** One of our synthetic fixtures (apps/x-sim/fixtures/synthetic), always present. */
export function loadSynthetic(file: string): unknown {
  return JSON.parse(readFileSync(join(SYNTHETIC_DIR, file), 'utf8')) as unknown;
}

export function fixtureStatusId(file: string): string {
  const match = /-(\d+)\.json$/.exec(file);
  if (match?.[1] === undefined) throw new Error(`no status id in ${file}`);
  return match[1];
}

/** Parses a fixture with the parser its operation needs (TweetDetail or TweetResultByRestId). */
export function parseFixture(file: string): ParseOutcome {
  const body = loadFixture(file);
  const statusId = fixtureStatusId(file);
  return file.includes('-tweetdetail-')
    ? parseTweetDetailResponse(body, statusId)
    : parseTweetResultResponse(body, statusId);
}

export function expectTweet(outcome: ParseOutcome): ParsedTweet {
  if (!outcome.ok) throw new Error(`expected a tweet, got ${outcome.reason} (${outcome.detail ?? ''})`);
  return outcome.tweet;
}

export function summary(media: readonly MediaItem[]): { type: string; id: string; origin: string }[] {
  return media.map(({ type, id, origin }) => ({ type, id, origin }));
}

export function videoAt(media: readonly MediaItem[], index: number): VideoMedia {
  const item = media.at(index);
  if (item === undefined || item.type === 'photo') throw new Error(`media[${String(index)}] is not a video`);
  return item;
}

/** `[resolution, url]` per mp4 variant, in the parser's order. */
export function variantTable(video: VideoMedia): [string, string][] {
  return video.variants.map((variant) => [variant.resolution, variant.url]);
}

/** Any tweet result in a body (replies, related posts) by rest_id, still wrapped if it was. */
export function findTweetResult(node: unknown, restId: string): unknown {
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = findTweetResult(child, restId);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isRec(node)) return undefined;
  const inner = node.__typename === 'TweetWithVisibilityResults' ? node.tweet : node;
  if (isRec(inner) && inner.rest_id === restId && isRec(inner.legacy)) return node;
  for (const child of Object.values(node)) {
    const found = findTweetResult(child, restId);
    if (found !== undefined) return found;
  }
  return undefined;
}

export const ALL_FIXTURES: readonly string[] = [
  'fx-trbri-video-1841206275088290279.json',
  'fx-tweetdetail-video-1841206275088290279.json',
  'fx-trbri-3photos-1848831595014459513.json',
  'fx-trbri-video-quote-1902059299591090335.json',
  'fx-tweetdetail-video-quote-twvr-1902059299591090335.json',
  'fx-trbri-poll-nomedia-1899954694652309701.json',
  'fx-trbri-newschema-photos-1964084223871971826.json',
  'fx-trbri-textonly-20.json',
  'fx-trbri-2videos-synthetic-991610.json',
  'fx-trbri-unavailable-suspended-synthetic-991500.json',
  'fx-tweetdetail-tombstone-suspended-synthetic-991503.json',
  'fx-trbri-quote-unavailable-synthetic-991004.json',
  'fx-trbri-quote-empty-synthetic-991001.json',
  'tw-tweetdetail-video-portrait-1671508600538161153.json',
  'tw-tweetdetail-video-square-1671753569412820992.json',
  'tw-tweetdetail-retweet-of-video-1665951747842641921.json',
  'tw-tweetdetail-quote-photo-1658421690001502208.json',
  'tw-tweetdetail-retweet-of-photo-1658409412799737856.json',
  'tw-tweetdetail-notetweet-photo-1682072224013099008.json',
  'tw-tweetdetail-unifiedcard-video-1696922210588410217.json',
  'tw-tweetdetail-card-broadcast-1790441814857826439.json',
  'tw-tweetdetail-card-audiospace-retweet-1789054061729173804.json',
  'tw-tweetdetail-newschema-gif-1649191520250245121.json',
];
