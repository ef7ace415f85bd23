// Test support only (not a test file): gate suites that need the recorded X responses.
import { recordedAvailable } from './recorded-fixtures';

export const RECORDED_AVAILABLE = recordedAvailable();

/**
 * `describe` when the recorded set (X_SIM_FIXTURES_DIR) is present, else Jest's skipped describe:
 * the tests then show as "skipped" in Jest's summary instead of passing, and the run prints one
 * line naming the variable (tests/support/global-setup.ts). Never a silent pass.
 */
export const describeRecorded: jest.Describe = RECORDED_AVAILABLE ? describe : describe.skip;
