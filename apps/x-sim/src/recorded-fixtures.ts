import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the recorded X responses live. They are other projects' test data, so the repo does not
 * carry them: they sit next to the checkout in ../shared/fixtures (present in CI and on our
 * machines, absent for someone who clones the repo alone).
 *
 * `X_SIM_FIXTURES_DIR` overrides the default: one directory, or several joined with the path
 * delimiter (`:` on Linux). Unset, it is `../shared/fixtures/x` and `../shared/fixtures/x-2`
 * resolved from the repository root. Directories that do not exist are ignored; with none left,
 * the simulator serves only the synthetic fixtures and tests that need recorded data are skipped.
 * This is the one place that reads the variable (the simulator is a test tool, not the API, so
 * it is not part of apps/api's env module).
 */
export const FIXTURES_ENV = 'X_SIM_FIXTURES_DIR';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export function configuredRecordedDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env[FIXTURES_ENV];
  if (raw !== undefined && raw.trim() !== '') {
    return raw
      .split(path.delimiter)
      .filter((dir) => dir.trim() !== '')
      .map((dir) => path.resolve(REPO_ROOT, dir));
  }
  return [path.resolve(REPO_ROOT, '..', 'shared', 'fixtures', 'x'), path.resolve(REPO_ROOT, '..', 'shared', 'fixtures', 'x-2')];
}

/** The configured directories that exist. */
export function recordedDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  return configuredRecordedDirs(env).filter((dir) => existsSync(dir));
}

export function recordedAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  return recordedDirs(env).length > 0;
}

/** Absolute path of a recorded file by name, searching every directory; undefined if absent. */
export function recordedFile(file: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of recordedDirs(env)) {
    const candidate = path.join(dir, file);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The one line printed when the recorded set is absent. */
export function recordedAbsentLine(env: NodeJS.ProcessEnv = process.env): string {
  return `recorded X fixtures not found (${FIXTURES_ENV}=${configuredRecordedDirs(env).join(path.delimiter)}): tests that need them are SKIPPED; set ${FIXTURES_ENV} to ../shared/fixtures/x[:…/x-2] to run them`;
}
