import { AppError } from '../../apps/api/src/lib/errors/app-error';

/** The AppError a promise rejects with; any other outcome fails the test. */
export async function appErrorOf(p: Promise<unknown>): Promise<AppError> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}
