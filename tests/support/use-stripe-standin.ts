import { createStripeClient, type StripeClient } from '../../apps/api/src/modules/billing/stripe.client';
import { startStripeStandin, STANDIN_SECRET_KEY, type StripeStandin } from './stripe-standin';

export interface StandinSuite {
  /** the stand-in (started before the file's first test; its API failures cleared before each) */
  readonly standin: StripeStandin;
  /** the app's own Stripe client (real SDK) pointed at it */
  readonly stripe: StripeClient;
}

/** For unit-level test files: the local Stripe stand-in and the app's client on it. Call it inside `describe`. */
export function useStripeStandin(priceId: string): StandinSuite {
  let standin: StripeStandin | undefined;
  let stripe: StripeClient | undefined;
  beforeAll(async () => {
    standin = await startStripeStandin();
    const client = createStripeClient({ STRIPE_SECRET_KEY: STANDIN_SECRET_KEY, STRIPE_PRICE_ID: priceId, STRIPE_API_BASE_URL: standin.url });
    if (!client) throw new Error('no Stripe client');
    stripe = client;
  });
  afterAll(async () => {
    await standin?.stop();
  });
  beforeEach(() => {
    if (standin) standin.apiFailureStatus = null;
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useStripeStandin: the stand-in exists once the file has started (inside a test or hook)');
    return value;
  };
  return {
    get standin() {
      return started(standin);
    },
    get stripe() {
      return started(stripe);
    },
  };
}
