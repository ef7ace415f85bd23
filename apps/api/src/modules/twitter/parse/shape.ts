/**
 * Narrowing helpers for X's loose JSON. X adds, drops and renames fields without notice, so the
 * parsers read what they need field by field instead of validating whole documents up front:
 * one unexpected field elsewhere must never cost us a download.
 */

export type Rec = Record<string, unknown>;

export function isRec(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Walks a path of keys and indexes; undefined as soon as a step is missing. */
export function at(value: unknown, ...path: (string | number)[]): unknown {
  let current: unknown = value;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[step];
    } else {
      if (!isRec(current)) return undefined;
      current = current[step];
    }
  }
  return current;
}

/** A non-empty string, or undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function isEmptyRec(value: unknown): boolean {
  return isRec(value) && Object.keys(value).length === 0;
}
