/**
 * Recognises "PostgreSQL is unreachable or too slow" among the errors Prisma (driver adapter
 * over node-postgres) throws, so the API answers 503 database_unavailable instead of a 500.
 * Prisma reports it three ways: a known request error with a connection code, a driver-adapter
 * error whose cause names the kind, or (for raw queries) the pg pool's own error message.
 */
const CONNECTION_CODES = new Set([
  'P1001', // can't reach database server
  'P1002', // database server reached but timed out
  'P1008', // operations timed out
  'P1017', // server has closed the connection
  'P2024', // timed out fetching a connection from the pool
]);

const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TransactionAlreadyClosed']);

const PG_MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH/i;

interface MaybePrismaError {
  code?: unknown;
  message?: unknown;
  clientVersion?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown } } };
  cause?: { kind?: unknown };
}

export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as MaybePrismaError;
  if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return true;
  const kind = e.meta?.driverAdapterError?.cause?.kind ?? e.cause?.kind;
  if (typeof kind === 'string' && ADAPTER_KINDS.has(kind)) return true;
  // only errors that came out of Prisma (they carry clientVersion), so an unrelated network error
  // elsewhere is not reported as the database
  return typeof e.clientVersion === 'string' && typeof e.message === 'string' && PG_MESSAGES.test(e.message);
}

/**
 * The Prisma request errors the code acts on, by name. Recognised by shape (a string `code` and
 * the `clientVersion` every Prisma error carries) rather than by class, so an error that crossed
 * a module boundary (the generated client, the driver adapter, a transaction) is still known.
 */
export const PRISMA_ERRORS = {
  /** a unique constraint refused the row (P2002) */
  uniqueViolation: 'P2002',
  /** a foreign key points at no row (P2003) */
  foreignKeyViolation: 'P2003',
  /** the row an update or delete needed does not exist (P2025) */
  recordNotFound: 'P2025',
} as const;
export type PrismaErrorName = keyof typeof PRISMA_ERRORS;

export function isPrismaError(err: unknown, name: PrismaErrorName): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as MaybePrismaError;
  return e.code === PRISMA_ERRORS[name] && typeof e.clientVersion === 'string';
}
