// Hold, release, delete, restore, claim, next step and edit: each one transaction, rows locked,
// a result per order, one audit entry. Business refusals are results, never exceptions.
import type { Desk } from '../context.js';
import { DomainError } from '../errors.js';
import type { DeliveryFields, DeskTx } from '../ports.js';
import { normalizePhone, normalizeZip } from '../rules/contact.js';
import { packingKey } from '../rules/packing.js';
import {
  canClaim,
  cancelClosesAtOnce,
  canDelete,
  canEditDelivery,
  canHold,
  canMoveNext,
  canRelease,
  canRestore,
  type Verdict,
} from '../rules/stage-rules.js';
import type { ActionResult, Actor, ClaimType, OrderAction, OrderState, Refusal } from '../types.js';
import { requireRole } from './actors.js';

/** Reasons the system writes when gift orders go away with their parent (R3). */
export const GIFT_REASON = {
  held: 'parent held',
  deleted: 'parent deleted',
  cancelled: 'parent cancelled',
} as const;

export type Versions = Record<string, number>;

const unique = (serials: number[]) => [...new Set(serials)].sort((a, b) => a - b);

function emptyResult(action: OrderAction): ActionResult {
  return { action, done: [], refused: [], giftsRemoved: [], addedByPackingGroup: [] };
}

function requireReason(reason: string | undefined): string {
  const trimmed = (reason ?? '').trim();
  if (!trimmed) throw new DomainError('VALIDATION', { field: 'reason' });
  if (trimmed.length > 500) throw new DomainError('VALIDATION', { field: 'reason', max: 500 });
  return trimmed;
}

function requireSerials(serials: number[]): number[] {
  if (serials.length === 0) throw new DomainError('VALIDATION', { field: 'serials' });
  return unique(serials);
}

/** Locks the orders and sorts them into those the rule allows and those it refuses. */
async function decide(
  tx: DeskTx,
  serials: number[],
  versions: Versions | undefined,
  rule: (o: OrderState) => Verdict,
): Promise<{ allowed: OrderState[]; refused: Refusal[] }> {
  const rows = await tx.orders.lock(serials);
  const bySerial = new Map(rows.map((r) => [r.serial, r]));
  const allowed: OrderState[] = [];
  const refused: Refusal[] = [];
  for (const serial of serials) {
    const o = bySerial.get(serial);
    if (!o) {
      refused.push({ serial, code: 'NOT_FOUND' });
      continue;
    }
    const expected = versions?.[String(serial)];
    if (expected !== undefined && expected !== o.version) {
      refused.push({ serial, code: 'STALE_VERSION', stage: o.stage, by: o.updatedBy });
      continue;
    }
    const verdict = rule(o);
    if (verdict.ok) allowed.push(o);
    else refused.push({ serial, code: verdict.code, stage: o.stage, by: o.updatedBy });
  }
  return { allowed, refused };
}

async function withPackingGroup(tx: DeskTx, serials: number[], result: ActionResult): Promise<number[]> {
  const group = await tx.orders.packingGroupOf(serials, ['intake']);
  const asked = new Set(serials);
  result.addedByPackingGroup = group.filter((s) => !asked.has(s));
  return unique([...serials, ...group]);
}

/** Soft-deletes the live gift orders of these parents, with the system's reason, and records it. */
export async function removeGifts(
  tx: DeskTx,
  actor: Actor,
  parents: number[],
  reason: string,
): Promise<number[]> {
  if (parents.length === 0) return [];
  const gifts = await tx.orders.giftsOf(parents);
  if (gifts.length === 0) return [];
  await tx.orders.softDelete(gifts, reason, actor.id);
  await tx.audit.append({ actor: actor.id, source: actor.source, action: 'delete', reason, serials: gifts });
  return gifts;
}

/** Restores the gift orders deleted with `reason` along with these parents, and records it. */
async function restoreGifts(tx: DeskTx, actor: Actor, parents: number[], reason: string): Promise<number[]> {
  if (parents.length === 0) return [];
  const gifts = await tx.orders.deletedGiftsOf(parents, reason);
  if (gifts.length === 0) return [];
  await tx.orders.restore(gifts, actor.id);
  await tx.audit.append({
    actor: actor.id,
    source: actor.source,
    action: 'restore',
    serials: gifts,
    detail: { parents },
  });
  return gifts;
}

async function audit(
  tx: DeskTx,
  actor: Actor,
  result: ActionResult,
  reason?: string,
  detail?: Record<string, unknown>,
) {
  await tx.audit.append({
    actor: actor.id,
    source: actor.source,
    action: result.action,
    reason: reason ?? null,
    serials: result.done,
    detail: {
      refused: result.refused.length ? result.refused : undefined,
      giftsRemoved: result.giftsRemoved.length ? result.giftsRemoved : undefined,
      ...detail,
    },
  });
}

export interface HoldInput {
  serials: number[];
  reason: string;
  /** From one order's action: its packing group is held with it (R8). */
  packingGroup?: boolean;
  versions?: Versions;
}

/** R3: hold orders not yet in the WMS; gift orders generated for them are deleted. */
export async function holdOrders(desk: Desk, actor: Actor, input: HoldInput): Promise<ActionResult> {
  requireRole(actor, 'operator');
  const reason = requireReason(input.reason);
  let serials = requireSerials(input.serials);
  return desk.store.transaction(async (tx) => {
    const result = emptyResult('hold');
    if (input.packingGroup) serials = await withPackingGroup(tx, serials, result);
    const { allowed, refused } = await decide(tx, serials, input.versions, canHold);
    result.refused = refused;
    // A gift order goes away with its held parent rather than being held itself.
    const gifts = new Set(await tx.orders.giftsOf(allowed.map((o) => o.serial)));
    const held = allowed.map((o) => o.serial).filter((s) => !gifts.has(s));
    await tx.orders.setStage(held, 'held', actor.id, { holdReason: reason });
    result.done = held;
    result.giftsRemoved = await removeGifts(tx, actor, held, GIFT_REASON.held);
    await audit(tx, actor, result, reason);
    return result;
  });
}

/** R3: a held order goes back to intake; its gift orders come back with it. */
export async function releaseOrders(
  desk: Desk,
  actor: Actor,
  input: { serials: number[]; versions?: Versions },
): Promise<ActionResult> {
  requireRole(actor, 'operator');
  const serials = requireSerials(input.serials);
  return desk.store.transaction(async (tx) => {
    const result = emptyResult('release');
    const { allowed, refused } = await decide(tx, serials, input.versions, canRelease);
    result.refused = refused;
    result.done = allowed.map((o) => o.serial);
    await tx.orders.setStage(result.done, 'intake', actor.id, { holdReason: null });
    const gifts = await restoreGifts(tx, actor, result.done, GIFT_REASON.held);
    await audit(tx, actor, result, undefined, gifts.length ? { giftsRestored: gifts } : undefined);
    return result;
  });
}

/** R5: soft delete with a reason; gift orders of deleted parents go too. */
export async function deleteOrders(
  desk: Desk,
  actor: Actor,
  input: { serials: number[]; reason: string; versions?: Versions },
): Promise<ActionResult> {
  requireRole(actor, 'operator');
  const reason = requireReason(input.reason);
  const serials = requireSerials(input.serials);
  return desk.store.transaction(async (tx) => {
    const result = emptyResult('delete');
    const { allowed, refused } = await decide(tx, serials, input.versions, canDelete);
    result.refused = refused;
    result.done = allowed.map((o) => o.serial);
    await tx.orders.softDelete(result.done, reason, actor.id);
    // Gifts named in the request are deleted already: only the others go with their parent.
    result.giftsRemoved = await removeGifts(tx, actor, result.done, GIFT_REASON.deleted);
    await audit(tx, actor, result, reason);
    return result;
  });
}

/** R5: an admin restores deleted orders (and the gifts deleted with them). */
export async function restoreOrders(
  desk: Desk,
  actor: Actor,
  input: { serials: number[] },
): Promise<ActionResult> {
  requireRole(actor, 'admin');
  const serials = requireSerials(input.serials);
  return desk.store.transaction(async (tx) => {
    const result = emptyResult('restore');
    const { allowed, refused } = await decide(tx, serials, undefined, canRestore);
    result.refused = refused;
    result.done = allowed.map((o) => o.serial);
    await tx.orders.restore(result.done, actor.id);
    await restoreGifts(tx, actor, result.done, GIFT_REASON.deleted);
    await audit(tx, actor, result);
    return result;
  });
}

export interface ClaimInput {
  serials: number[];
  type: ClaimType;
  reason: string;
  /** Single-order claims only (R4): the product the customer gets instead. */
  newProductId?: number;
  versions?: Versions;
}

/** R4, R10: manual claims; a cancel before the WMS completes at once and closes the order. */
export async function claimOrders(desk: Desk, actor: Actor, input: ClaimInput): Promise<ActionResult> {
  requireRole(actor, 'operator');
  const reason = requireReason(input.reason);
  const serials = requireSerials(input.serials);
  if (input.newProductId !== undefined && serials.length > 1) {
    throw new DomainError('VALIDATION', { field: 'newProductId', rule: 'R4' });
  }
  return desk.store.transaction(async (tx) => {
    if (input.newProductId !== undefined && !(await tx.catalog.product(input.newProductId))) {
      throw new DomainError('NOT_FOUND', { field: 'newProductId' });
    }
    const result = emptyResult('claim');
    const { allowed, refused } = await decide(tx, serials, input.versions, (o) => canClaim(o, input.type));
    result.refused = refused;
    result.done = allowed.map((o) => o.serial);
    const closing = allowed.filter((o) => cancelClosesAtOnce(o, input.type)).map((o) => o.serial);
    const closingSet = new Set(closing);
    await tx.claims.insert(
      allowed.map((o) => ({
        orderSerial: o.serial,
        type: input.type,
        reason,
        source: 'manual' as const,
        status: closingSet.has(o.serial) ? ('completed' as const) : ('open' as const),
        newProductId: input.newProductId ?? null,
      })),
      actor.id,
    );
    await tx.orders.addBadge(result.done, input.type, actor.id);
    await tx.orders.closeCancelled(closing, actor.id);
    result.giftsRemoved = await removeGifts(tx, actor, closing, GIFT_REASON.cancelled);
    await audit(tx, actor, result, reason, { type: input.type, closed: closing });
    return result;
  });
}

/** R7 (selected) and R8 (one order's packing group): intake → processing, except what R1 blocks. */
export async function moveOrdersNext(
  desk: Desk,
  actor: Actor,
  input: { serials: number[]; packingGroup?: boolean; versions?: Versions },
): Promise<ActionResult> {
  requireRole(actor, 'operator');
  let serials = requireSerials(input.serials);
  return desk.store.transaction(async (tx) => {
    const result = emptyResult('next');
    if (input.packingGroup) serials = await withPackingGroup(tx, serials, result);
    const { allowed, refused } = await decide(tx, serials, input.versions, canMoveNext);
    const { moved, blocked } = await tx.orders.moveToProcessing(
      { serials: allowed.map((o) => o.serial) },
      actor.id,
    );
    result.done = moved;
    result.refused = [
      ...refused,
      ...blocked.map((serial) => ({ serial, code: 'UNMATCHED_SIBLING' as const, stage: 'intake' as const })),
    ].sort((a, b) => a.serial - b.serial);
    await audit(tx, actor, result);
    return result;
  });
}

/** R6: every intake order of the chosen channels moves to processing, except what R1 blocks. */
export async function moveChannelsNext(
  desk: Desk,
  actor: Actor,
  input: { channelIds: number[] },
): Promise<ActionResult> {
  requireRole(actor, 'operator');
  const channelIds = [...new Set(input.channelIds)];
  if (channelIds.length === 0) throw new DomainError('VALIDATION', { field: 'channelIds' });
  return desk.store.transaction(async (tx) => {
    for (const id of channelIds) {
      if (!(await tx.catalog.channel(id)))
        throw new DomainError('NOT_FOUND', { field: 'channelIds', value: id });
    }
    const result = emptyResult('batch_next');
    const { moved, blocked } = await tx.orders.moveToProcessing({ channelIds }, actor.id);
    result.done = moved;
    result.refused = blocked.map((serial) => ({
      serial,
      code: 'UNMATCHED_SIBLING' as const,
      stage: 'intake' as const,
    }));
    await tx.audit.append({
      actor: actor.id,
      source: actor.source,
      action: 'batch_next',
      serials: moved,
      detail: { channelIds, blocked: blocked.length ? blocked : undefined },
    });
    return result;
  });
}

/** R9: delivery details are edited locally (never sent to the mall) and the order says so. */
export async function editDelivery(
  desk: Desk,
  actor: Actor,
  input: { serial: number; fields: DeliveryFields; version?: number },
): Promise<ActionResult> {
  requireRole(actor, 'operator');
  const fields: DeliveryFields = {
    recipientName: input.fields.recipientName.trim(),
    recipientPhone: normalizePhone(input.fields.recipientPhone),
    address: input.fields.address.trim(),
    zip: normalizeZip(input.fields.zip),
    deliveryMessage: input.fields.deliveryMessage.trim(),
  };
  if (!fields.recipientName) throw new DomainError('VALIDATION', { field: 'recipientName' });
  if (!/^0\d{1,2}-\d{3,4}-\d{4}$|^1\d{3}-\d{4}$/.test(fields.recipientPhone)) {
    throw new DomainError('VALIDATION', { field: 'recipientPhone' });
  }
  if (!fields.address) throw new DomainError('VALIDATION', { field: 'address' });
  if (!/^\d{5}$/.test(fields.zip)) throw new DomainError('VALIDATION', { field: 'zip' });
  return desk.store.transaction(async (tx) => {
    const result = emptyResult('edit');
    const versions = input.version === undefined ? undefined : { [String(input.serial)]: input.version };
    const { allowed, refused } = await decide(tx, [input.serial], versions, canEditDelivery);
    result.refused = refused;
    const order = allowed[0];
    if (order) {
      await tx.orders.editDelivery(
        order.serial,
        fields,
        packingKey({ channelId: order.channelId, ...fields }),
        actor.id,
      );
      result.done = [order.serial];
    }
    await audit(tx, actor, result, undefined, { fields: Object.keys(fields) });
    return result;
  });
}
