import { FAULT_TARGETS, type CountedFault, type FaultSettings, type FaultTarget } from './faults';

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const COUNTED = ['hang', 'serverError', 'rateLimit', 'forbidden', 'html', 'truncated'] as const;
const KNOWN_KEYS = new Set<string>([...COUNTED, 'latencyMs', 'latencyTarget', 'forbiddenTokens']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isTarget(value: unknown): value is FaultTarget {
  return typeof value === 'string' && (FAULT_TARGETS as readonly string[]).includes(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function parseCounted(name: string, value: unknown): Parsed<CountedFault> {
  // A bare number is shorthand for `{ count: n }` against every route.
  if (isCount(value)) return { ok: true, value: { count: value } };
  if (!isRecord(value) || !isCount(value.count)) return { ok: false, error: `${name}.count must be a non-negative integer` };
  if (value.target !== undefined && !isTarget(value.target)) return { ok: false, error: `${name}.target must be one of ${FAULT_TARGETS.join(', ')}` };
  let status: number | undefined;
  if (value.status !== undefined) {
    if (!isCount(value.status) || value.status < 100 || value.status > 599) return { ok: false, error: `${name}.status must be an HTTP status code` };
    status = value.status;
  }
  return { ok: true, value: { count: value.count, target: value.target, status } };
}

/** Validates the JSON body of `POST /__sim/faults`. */
export function parseFaultSettings(body: unknown): Parsed<FaultSettings> {
  if (!isRecord(body)) return { ok: false, error: 'body must be a JSON object' };
  const unknown = Object.keys(body).filter((key) => !KNOWN_KEYS.has(key));
  if (unknown.length > 0) return { ok: false, error: `unknown fault(s): ${unknown.join(', ')}` };
  const settings: FaultSettings = {};
  if (body.latencyMs !== undefined) {
    if (!isCount(body.latencyMs)) return { ok: false, error: 'latencyMs must be a non-negative integer' };
    settings.latencyMs = body.latencyMs;
  }
  if (body.latencyTarget !== undefined) {
    if (!isTarget(body.latencyTarget)) return { ok: false, error: `latencyTarget must be one of ${FAULT_TARGETS.join(', ')}` };
    settings.latencyTarget = body.latencyTarget;
  }
  if (body.forbiddenTokens !== undefined) {
    const tokens = body.forbiddenTokens;
    if (!Array.isArray(tokens) || !tokens.every((t): t is string => typeof t === 'string')) {
      return { ok: false, error: 'forbiddenTokens must be an array of strings' };
    }
    settings.forbiddenTokens = tokens;
  }
  for (const name of COUNTED) {
    if (body[name] === undefined) continue;
    const parsed = parseCounted(name, body[name]);
    if (!parsed.ok) return parsed;
    settings[name] = parsed.value;
  }
  return { ok: true, value: settings };
}
