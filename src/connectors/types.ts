// The connector port (R2, R16, R17): a mall account verified, then its orders and claims for a period,
// page by page, with a cursor to resume from, and failures a person can act on.
import type { CollectedPage } from '../domain/services/collection.js';

/** What a connector needs of an account: never logged, never shown back. */
export interface AccountAccess {
  id: number;
  channelId: number;
  /** Per account, so tests (and sandboxes) point it at a fake. */
  baseUrl: string | null;
  credentials: Record<string, string>;
  /** Stores credentials a mall rotated (Cafe24 retires a refresh token when it issues the next one). */
  renewCredentials?(next: Record<string, string>): Promise<void>;
  /** The credentials as stored now (another instance, or an admin, may have renewed them meanwhile). */
  storedCredentials?(): Promise<Record<string, string>>;
}

/** Korean calendar days, both ends included. */
export interface Period {
  from: string;
  to: string;
}

export interface Connector {
  /** Proves the credentials work (an auth failure throws `ConnectorError('auth')`). */
  verify(account: AccountAccess): Promise<void>;
  /** The period's orders and claims, a page at a time; `cursor` resumes after a page already stored. */
  pages(account: AccountAccess, period: Period, cursor?: string | null): AsyncIterable<CollectedPage>;
}

export const CONNECTOR_FAILURES = ['auth', 'rate_limited', 'transient', 'permanent'] as const;
export type ConnectorFailure = (typeof CONNECTOR_FAILURES)[number];

export class ConnectorError extends Error {
  constructor(
    readonly kind: ConnectorFailure,
    message: string,
    readonly detail: { status?: number; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}

/** The mall's calendar: Korea, UTC+9 all year. `2026-11-26` → its first instant. */
export function kstDayStart(day: string): Date {
  return new Date(`${day}T00:00:00+09:00`);
}
