import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const FIXTURE_DIR = path.resolve(__dirname, '../../apps/x-sim/fixtures/x');

/**
 * Independent reading of a recorded fixture's focal-tweet video variants, used to derive the
 * expected answer straight from the recorded data (not from the parser under test).
 */
export function recordedMp4Urls(file: string, pick: (body: Record<string, unknown>) => unknown): string[] {
  const body = JSON.parse(readFileSync(path.join(FIXTURE_DIR, file), 'utf8')) as Record<string, unknown>;
  const media = pick(body) as { video_info?: { variants: Array<{ bitrate?: number; content_type: string; url: string }> } };
  const variants = media.video_info?.variants ?? [];
  return variants
    .filter((v) => v.content_type === 'video/mp4')
    .sort((a, b) => (b.bitrate ?? 0) - (a.bitrate ?? 0))
    .map((v) => {
      const u = new URL(v.url);
      u.searchParams.delete('tag');
      return u.toString();
    });
}

export function fixtureFiles(): string[] {
  return readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.json'));
}

export function idOfFixture(file: string): string {
  const m = /-(\d+)\.json$/.exec(file);
  if (!m?.[1]) throw new Error(`no id in ${file}`);
  return m[1];
}
