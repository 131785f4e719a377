// A retry policy for connector tests: real backoff arithmetic, no real waiting. Each delay the connector
// would have slept is kept in `slept`, so a test asserts the backoff (and Retry-After) without paying it.
import type { RetryPolicy } from '../../src/connectors/http.js';

export interface RecordedRetry {
  policy: RetryPolicy;
  /** Every wait the connector asked for, in order. */
  slept: number[];
}

/** Three retries from 100 ms up to 1 s unless `limits` says otherwise; a 5 s timeout per attempt. */
export function recordedRetry(limits: Partial<Omit<RetryPolicy, 'sleep'>> = {}): RecordedRetry {
  const slept: number[] = [];
  const policy: RetryPolicy = {
    retries: 3,
    baseDelayMs: 100,
    maxDelayMs: 1000,
    timeoutMs: 5000,
    ...limits,
    sleep: async (ms) => {
      slept.push(ms);
    },
  };
  return { policy, slept };
}
