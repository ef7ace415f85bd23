/**
 * A small circuit breaker: closed → (failureThreshold failures within windowMs) → open →
 * (coolDownMs) → half-open, which lets exactly one trial call through: success closes the
 * circuit, failure re-opens it for another cool-down.
 */
import { type Clock, systemClock } from './x-client.types';

export interface BreakerConfig {
  failureThreshold: number;
  windowMs: number;
  coolDownMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** Whether a call may proceed; when not, how long until the circuit half-opens. */
export type BreakerPermit = { allowed: true; trial: boolean } | { allowed: false; retryAfterMs: number };

export function createCircuitBreaker(config: BreakerConfig, clock: Clock = systemClock) {
  let state: BreakerState = 'closed';
  let failures: number[] = [];
  let openedAt = 0;
  let trialInFlight = false;

  function open(): void {
    state = 'open';
    openedAt = clock.now();
    failures = [];
    trialInFlight = false;
  }

  function currentState(): BreakerState {
    if (state === 'open' && clock.now() - openedAt >= config.coolDownMs) state = 'half-open';
    return state;
  }

  return {
    state: currentState,

    /** Call before each upstream call; a granted trial must be answered with success()/failure(). */
    acquire(): BreakerPermit {
      const s = currentState();
      if (s === 'closed') return { allowed: true, trial: false };
      if (s === 'half-open' && !trialInFlight) {
        trialInFlight = true;
        return { allowed: true, trial: true };
      }
      const untilHalfOpen = openedAt + config.coolDownMs - clock.now();
      // While a half-open trial runs, others wait at least one more cool-down slice.
      return { allowed: false, retryAfterMs: untilHalfOpen > 0 ? untilHalfOpen : config.coolDownMs };
    },

    /** Report a permitted call's result; `trial` is the flag acquire() returned. */
    success(trial: boolean): void {
      if (trial) trialInFlight = false;
      // A late success of a call started before the circuit opened must not close it.
      if (currentState() === 'open' || (state === 'half-open' && !trial)) return;
      state = 'closed';
      failures = [];
    },

    /** A permitted call ended without telling anything about X (the caller went away). */
    release(trial: boolean): void {
      // The trial slot frees up, so the next caller can try; the state stays as it is.
      if (trial) trialInFlight = false;
    },

    failure(trial: boolean): void {
      const now = clock.now();
      if (trial) {
        open();
        return;
      }
      if (currentState() !== 'closed') return;
      failures = failures.filter((t) => now - t < config.windowMs);
      failures.push(now);
      if (failures.length >= config.failureThreshold) open();
    },
  };
}

export type CircuitBreaker = ReturnType<typeof createCircuitBreaker>;
