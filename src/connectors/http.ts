// HTTP for connectors: JSON over fetch with a time limit, typed failures, and retries with exponential
// backoff on 429 and 5xx that honour Retry-After. A request that still fails fails its account, not the run.
import { ConnectorError } from './types.js';

export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
  /** Injectable for tests; waits this long before the next attempt. */
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  timeoutMs: 30_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function failureOf(status: number, body: string, retryAfter: number | undefined): ConnectorError {
  const message = `HTTP ${status}: ${body.slice(0, 200)}`;
  if (status === 401 || status === 403) return new ConnectorError('auth', message, { status });
  if (status === 429)
    return new ConnectorError('rate_limited', message, { status, retryAfterMs: retryAfter });
  if (status >= 500) return new ConnectorError('transient', message, { status, retryAfterMs: retryAfter });
  return new ConnectorError('permanent', message, { status });
}

/** The wait before retry number `retry` (from 1): doubling from the base, at most the maximum. */
export function backoffMs(policy: RetryPolicy, retry: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
}

/** One JSON request with retries; the parsed body, or a ConnectorError. */
export async function requestJson(url: string, init: RequestInit, policy: RetryPolicy): Promise<unknown> {
  let last: ConnectorError | null = null;
  for (let attempt = 0; attempt <= policy.retries; attempt++) {
    if (last) {
      await policy.sleep(Math.max(last.detail.retryAfterMs ?? 0, backoffMs(policy, attempt)));
    }
    let response: Response;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(policy.timeoutMs) });
    } catch (error) {
      last = new ConnectorError('transient', `request failed: ${(error as Error).message}`);
      continue;
    }
    const text = await response.text();
    if (!response.ok) {
      last = failureOf(response.status, text, retryAfterMs(response.headers.get('retry-after')));
      if (last.kind === 'auth' || last.kind === 'permanent') throw last;
      continue;
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ConnectorError('permanent', `malformed response from ${new URL(url).pathname}`);
    }
  }
  throw last!;
}
