import type { Response } from 'express';
import type { Faults } from './faults';
import type { FixtureIndex } from './fixtures';
import type { GuestTokens } from './guest-tokens';
import type { MediaFiles } from './media';
import type { Counters } from './stats';

/** Everything a route needs, built once per simulator instance. */
export interface SimContext {
  fixtures: FixtureIndex;
  tokens: GuestTokens;
  faults: Faults;
  counters: Counters;
  requiredFeatures: readonly string[];
  media: MediaFiles;
  /** Responses held open by the `hang` fault, so stop() can release them. */
  hanging: Set<Response>;
}
