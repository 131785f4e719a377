// Per-order rules: may this order take this action now? Pure functions over OrderState.
import type { ClaimType, OrderState, RefusalCode, Stage } from '../types.js';

export type Verdict = { ok: true } | { ok: false; code: RefusalCode };
const OK: Verdict = { ok: true };
const refuse = (code: RefusalCode): Verdict => ({ ok: false, code });

/** Stages an order is in before it is registered for shipment in the WMS. */
export const BEFORE_WMS: readonly Stage[] = ['unmatched', 'intake', 'processing', 'ready', 'held'];

const registeredInWms = (o: OrderState) =>
  o.stage === 'shipping' || o.stage === 'closed' || o.wmsRegisteredAt !== null;

/** R3: only orders not yet registered in the WMS can be held. */
export function canHold(o: OrderState): Verdict {
  if (o.deletedAt) return refuse('DELETED');
  if (registeredInWms(o)) return refuse('REGISTERED_IN_WMS');
  if (o.stage === 'held' || o.stage === 'unmatched') return refuse('STAGE_NOT_ALLOWED');
  return OK;
}

/** R3: a held order can be released back to intake. */
export function canRelease(o: OrderState): Verdict {
  if (o.deletedAt) return refuse('DELETED');
  return o.stage === 'held' ? OK : refuse('STAGE_NOT_ALLOWED');
}

/** R5: soft delete, from any stage before shipping. */
export function canDelete(o: OrderState): Verdict {
  if (o.deletedAt) return refuse('DELETED');
  if (registeredInWms(o)) return refuse('REGISTERED_IN_WMS');
  return OK;
}

/** R5: restorable (by an admin — checked as a role, not here). */
export function canRestore(o: OrderState): Verdict {
  return o.deletedAt ? OK : refuse('NOT_DELETED');
}

/** R1/R6/R7: only intake orders move to processing; the sibling block is checked as a set. */
export function canMoveNext(o: OrderState): Verdict {
  if (o.deletedAt) return refuse('DELETED');
  return o.stage === 'intake' ? OK : refuse('STAGE_NOT_ALLOWED');
}

/** R9: delivery details can be edited until the WMS has the order. */
export function canEditDelivery(o: OrderState): Verdict {
  if (o.deletedAt) return refuse('DELETED');
  if (registeredInWms(o)) return refuse('REGISTERED_IN_WMS');
  return OK;
}

/**
 * R10: manual claims for B2C orders only; in `ready` only cancel. A cancel is possible until the WMS
 * has the order; return and exchange concern goods that left (or may still leave) the warehouse and
 * are refused on cancelled orders.
 */
export function canClaim(o: OrderState, type: ClaimType): Verdict {
  if (o.deletedAt) return refuse('DELETED');
  if (o.kind !== 'B2C') return refuse('NOT_B2C');
  if (o.stage === 'closed' && o.closedStatus === 'cancelled') return refuse('STAGE_NOT_ALLOWED');
  if (type === 'cancel') return BEFORE_WMS.includes(o.stage) ? OK : refuse('CLAIM_TYPE_NOT_ALLOWED');
  if (o.stage === 'ready' || o.stage === 'unmatched' || o.stage === 'held')
    return refuse('CLAIM_TYPE_NOT_ALLOWED');
  return OK;
}

/** R10: a manual cancel before the WMS completes at once and closes the order as cancelled. */
export const cancelClosesAtOnce = (o: OrderState, type: ClaimType) =>
  type === 'cancel' && BEFORE_WMS.includes(o.stage);

/** Claim types a user may pick for these orders (R10: only cancel in `ready`). */
export function claimTypesFor(stages: readonly Stage[]): ClaimType[] {
  const types: ClaimType[] = ['cancel', 'return', 'exchange'];
  return types.filter((t) => stages.every((stage) => canClaim({ ...PROBE, stage }, t).ok));
}

const PROBE: OrderState = {
  serial: 0,
  channelId: 0,
  mallOrderNo: '',
  mallLineNo: '1',
  stage: 'intake',
  closedStatus: null,
  kind: 'B2C',
  source: 'manual',
  badges: [],
  giftParentSerial: null,
  packingKey: '',
  deletedAt: null,
  wmsRegisteredAt: null,
  version: 1,
  updatedBy: '',
  updatedAt: new Date(0),
};
