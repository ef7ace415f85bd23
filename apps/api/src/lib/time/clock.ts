/**
 * The one kit for time. Two readings of the same system clock, each where it fits:
 * - `Now` (a Date) for business time: sessions, key expiry, premium grace, credits, the
 *   `published_at` of a post. The container creates one `now` and hands it to every service,
 *   so tests move business time for the whole app at once (ContainerOptions.now).
 * - `Clock.now()` (milliseconds) for mechanics: rate-limit windows, caches, circuit breakers,
 *   signed-link expiry, where only differences in ms matter and a Date would be allocated per call.
 * Every module defaults to `systemNow` / `systemClock` and takes the other as a dependency.
 */
export type Now = () => Date;
export const systemNow: Now = () => new Date();

export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

/**
 * `promise`, or a rejection with `message` once `ms` have passed; the timer is cleared either
 * way, so nothing keeps the process alive and no late rejection is left unhandled.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
