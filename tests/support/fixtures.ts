import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { recordedFile } from '../../apps/x-sim/src/recorded-fixtures';

/** The recorded set's first directory (../shared/fixtures/x by default; see X_SIM_FIXTURES_DIR). */
function recordedPath(file: string): string {
  const found = recordedFile(file);
  if (found === undefined) throw new Error(`recorded fixture ${file} not found under X_SIM_FIXTURES_DIR`);
  return found;
}

/**
 * Independent reading of a recorded fixture's focal-tweet video variants, used to derive the
 * expected answer straight from the recorded data (not from the parser under test).
 */
export function recordedMp4Urls(file: string, pick: (body: Record<string, unknown>) => unknown): string[] {
  const body = JSON.parse(readFileSync(recordedPath(file), 'utf8')) as Record<string, unknown>;
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

/** The files of the first recorded set (the one named `x`, holding whole X answers). */
export function fixtureFiles(): string[] {
  const readme = recordedFile('fx-trbri-textonly-20.json');
  if (readme === undefined) throw new Error('the recorded set ../shared/fixtures/x is not under X_SIM_FIXTURES_DIR');
  return readdirSync(path.dirname(readme)).filter((f) => f.endsWith('.json'));
}

export function idOfFixture(file: string): string {
  const m = /-(\d+)\.json$/.exec(file);
  if (!m?.[1]) throw new Error(`no id in ${file}`);
  return m[1];
}
