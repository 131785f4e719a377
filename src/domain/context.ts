// What every use case receives: the unit of work, the policy, and the clock.
import type { DeskStore } from './ports.js';
import type { ApprovableAction, Role } from './types.js';

export interface DeskPolicy {
  /** Actions that become approval requests instead of running at once. */
  approvalRequired: readonly ApprovableAction[];
  approvalTtlHours: number;
  /** Identities that are admins whatever the table says (bootstrap). */
  adminUsers: readonly string[];
  /** Role of an identity nobody has given a role. */
  defaultRole: Role;
}

/** Seals mall credentials at rest; absent when no key is configured. */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

export interface Desk {
  store: DeskStore;
  policy: DeskPolicy;
  now: () => Date;
  secrets: SecretBox | null;
}
