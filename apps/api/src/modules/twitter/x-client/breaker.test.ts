import { createCircuitBreaker } from './breaker';

describe('circuit breaker', () => {
  let now = 0;
  const clock = { now: () => now };
  const make = () => createCircuitBreaker({ failureThreshold: 3, windowMs: 1_000, coolDownMs: 5_000 }, clock);
  beforeEach(() => {
    now = 0;
  });

  it('when failures are spread wider than the window, then it stays closed', () => {
    const b = make();
    for (let i = 0; i < 5; i++) {
      b.failure(false);
      now += 600;
    }
    expect(b.state()).toBe('closed');
  });

  it('when the threshold is reached in the window, then it opens and refuses with the time left', () => {
    const b = make();
    b.failure(false);
    b.failure(false);
    now += 100;
    b.failure(false);
    expect(b.state()).toBe('open');
    now += 2_000;
    expect(b.acquire()).toEqual({ allowed: false, retryAfterMs: 3_000 });
  });

  it('when the cool-down passes, then exactly one trial goes through; success closes it', () => {
    const b = make();
    for (let i = 0; i < 3; i++) b.failure(false);
    now += 5_000;
    expect(b.state()).toBe('half-open');
    expect(b.acquire()).toEqual({ allowed: true, trial: true });
    expect(b.acquire().allowed).toBe(false);
    b.success(true);
    expect(b.state()).toBe('closed');
    expect(b.acquire()).toEqual({ allowed: true, trial: false });
  });

  it('when the trial fails, then it re-opens for a full cool-down', () => {
    const b = make();
    for (let i = 0; i < 3; i++) b.failure(false);
    now += 5_000;
    const permit = b.acquire();
    expect(permit).toEqual({ allowed: true, trial: true });
    b.failure(true);
    expect(b.state()).toBe('open');
    expect(b.acquire()).toEqual({ allowed: false, retryAfterMs: 5_000 });
  });

  it('when a call started before opening succeeds late, then the circuit stays open', () => {
    const b = make();
    for (let i = 0; i < 3; i++) b.failure(false);
    b.success(false);
    expect(b.state()).toBe('open');
  });
});
