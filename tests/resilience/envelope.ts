/** What every error answer of this API must look like (README "Errors", docs/dashboard-api.md). */
export interface ErrorEnvelope {
  code: -1;
  message: string;
  error: { type: string; request_id: string };
}

/** Returns why `body` is not the error envelope, or null when it is. */
export function envelopeProblem(contentType: string | undefined, text: string): string | null {
  if (!contentType?.startsWith('application/json')) return `content-type ${String(contentType)}`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `not JSON: ${text.slice(0, 80)}`;
  }
  const b = body as Partial<ErrorEnvelope> | null;
  if (!b || b.code !== -1) return `code ${JSON.stringify(b?.code)}`;
  if (typeof b.message !== 'string' || b.message.length === 0) return 'no message';
  if (!b.error || typeof b.error.type !== 'string' || !/^[a-z_]+$/.test(b.error.type)) return 'no error.type';
  if (typeof b.error.request_id !== 'string' || b.error.request_id.length === 0) return 'no error.request_id';
  if (/\bat .+\.(ts|js):\d+/.test(text)) return 'stack trace in body';
  return null;
}
