// R2: which accounts can be collected, and for how long a period.
import { DomainError } from '../errors.js';

export const MAX_COLLECTION_DAYS = 30;

export interface CollectableAccount {
  id: number;
  status: string;
  services: string[];
}

export const isCollectable = (a: CollectableAccount) =>
  a.status === 'normal' && a.services.includes('collect_orders');

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** At least one account, each `normal` with `collect_orders`; a period of at most 30 days, from ≤ to. */
export function validateCollection(
  accounts: CollectableAccount[],
  request: { accountIds: number[]; from: string; to: string },
): void {
  if (request.accountIds.length === 0) throw new DomainError('NO_ACCOUNT');
  if (!DAY.test(request.from) || !DAY.test(request.to) || request.to < request.from) {
    throw new DomainError('VALIDATION', { field: 'period' });
  }
  const days = (Date.parse(request.to) - Date.parse(request.from)) / 86_400_000 + 1;
  if (days > MAX_COLLECTION_DAYS)
    throw new DomainError('PERIOD_TOO_LONG', { max: MAX_COLLECTION_DAYS, days });
  const byId = new Map(accounts.map((a) => [a.id, a]));
  for (const id of request.accountIds) {
    const account = byId.get(id);
    if (!account) throw new DomainError('NOT_FOUND', { field: 'accountIds', value: id });
    if (!isCollectable(account)) throw new DomainError('ACCOUNT_NOT_ELIGIBLE', { account: id });
  }
}
