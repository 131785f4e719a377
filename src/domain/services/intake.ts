// Orders come in by hand (R11), from Excel (R12) and from mall collectors (R2, R16, R17). All three
// end in `storeOrders`: normalise, match, dedupe, insert in one statement, then generate gifts (R18).
import type { Desk } from '../context.js';
import { DomainError } from '../errors.js';
import type { DeskTx, GiftEventRecord, MatchItem, NewOrder, StagedRow } from '../ports.js';
import { normalizePhone, normalizeZip } from '../rules/contact.js';
import { type GiftParent, giftOrdersFor } from '../rules/gifts.js';
import { mallKey, matchKey } from '../rules/mall-key.js';
import { packingKey } from '../rules/packing.js';
import { BEFORE_WMS } from '../rules/stage-rules.js';
import type { Actor, ClaimType, OrderKind, OrderSource } from '../types.js';
import { requireRole } from './actors.js';
import { GIFT_REASON, removeGifts } from './order-actions.js';

/** An order line as it arrives, before matching. */
export interface IncomingOrder {
  channelId: number;
  accountId?: number | null;
  mallOrderNo: string;
  mallLineNo?: string;
  mallProductCode?: string;
  mallOption?: string;
  mallProductName?: string;
  /** Set when the product is already known (manual orders). */
  productId?: number | null;
  quantity: number;
  unitPriceKrw: number;
  amountKrw?: number;
  ordererName?: string;
  ordererPhone?: string;
  recipientName: string;
  recipientPhone: string;
  address: string;
  zip: string;
  deliveryMessage?: string;
  kind?: OrderKind;
  orderedAt?: Date;
}

export interface StoreOptions {
  source: Exclude<OrderSource, 'gift'>;
  collectionRunId?: number;
  importId?: string;
  isDemo?: boolean;
}

export interface StoreResult {
  created: number[];
  unmatched: number[];
  duplicates: number;
  gifts: number[];
}

const MAX_INT = 2_147_483_647;

const SOURCE_BADGE: Record<StoreOptions['source'], string> = {
  api: 'collected',
  manual: 'manual',
  excel: 'excel',
};

/** Inside a transaction: match, dedupe, insert, and generate gift orders. */
export async function storeOrders(
  tx: DeskTx,
  actor: Actor,
  incoming: IncomingOrder[],
  options: StoreOptions,
  now: Date,
): Promise<StoreResult> {
  const needMatch = incoming.filter((o) => o.productId == null);
  const matches = await tx.catalog.matchesFor(
    needMatch.map((o) => ({
      channelId: o.channelId,
      mallProductCode: o.mallProductCode ?? '',
      mallOption: o.mallOption ?? '',
    })),
  );
  const rows: NewOrder[] = [];
  for (const o of incoming) {
    const base = toNewOrder(o, options, now);
    // Quantities, prices and amounts are whole KRW within the column's range (a bad file or feed is refused).
    for (const field of ['quantity', 'unitPriceKrw', 'amountKrw'] as const) {
      if (!Number.isSafeInteger(base[field]) || base[field] < 0 || base[field] > MAX_INT) {
        throw new DomainError('VALIDATION', { field, value: base.mallOrderNo });
      }
    }
    const items: MatchItem[] | undefined =
      o.productId != null ? [{ productId: o.productId, quantity: 1 }] : matches.get(matchKey(base));
    if (!items || items.length === 0) {
      base.stage = 'unmatched';
      base.productId = null;
      rows.push(base);
      continue;
    }
    // The first item is the line itself (`base` is ours to change); further items are lines of their own.
    const more = items.slice(1).map(
      (item, i): NewOrder => ({
        ...base,
        mallLineNo: `${base.mallLineNo}/${i + 2}`,
        productId: item.productId,
        quantity: base.quantity * item.quantity,
        amountKrw: 0,
        stage: 'intake',
      }),
    );
    base.productId = items[0]!.productId;
    base.quantity *= items[0]!.quantity;
    base.stage = 'intake';
    rows.push(base, ...more);
  }
  const { inserted, duplicates } = await tx.orders.insert(rows, actor.id);
  const byKey = new Map(rows.map((r) => [mallKey(r), r]));
  const created: number[] = [];
  const unmatched: number[] = [];
  // Lines that entered intake; gift parents are built from them only when an event may apply.
  const entered: NewOrder[] = [];
  const enteredSerials: number[] = [];
  for (const { serial, key } of inserted) {
    const row = byKey.get(key)!;
    created.push(serial);
    if (row.stage === 'unmatched') unmatched.push(serial);
    else {
      entered.push(row);
      enteredSerials.push(serial);
    }
  }
  if (entered.length === 0) return { created, unmatched, duplicates, gifts: [] };
  const events = await tx.gifts.activeFor([...new Set(entered.map((r) => r.channelId))]);
  const gifts = await insertGifts(
    tx,
    actor,
    events.length === 0 ? [] : entered.map((row, i) => giftParentOf(row, enteredSerials[i]!)),
    events,
  );
  return { created, unmatched, duplicates, gifts };
}

function giftParentOf(row: NewOrder, serial: number): GiftParent {
  return {
    serial,
    channelId: row.channelId,
    mallOrderNo: row.mallOrderNo,
    mallLineNo: row.mallLineNo,
    productId: row.productId,
    quantity: row.quantity,
    amountKrw: row.amountKrw,
    orderedAt: row.orderedAt,
    ordererName: row.ordererName,
    ordererPhone: row.ordererPhone,
    recipientName: row.recipientName,
    recipientPhone: row.recipientPhone,
    address: row.address,
    zip: row.zip,
    deliveryMessage: row.deliveryMessage,
    kind: row.kind,
    packingKey: row.packingKey,
    source: row.source,
    isDemo: row.isDemo ?? false,
  };
}

/** A line as it is stored: text trimmed, phones and zip normalised, the packing key (R8) set. */
export function normalizeLine(o: IncomingOrder): Omit<StagedRow, 'rowNo'> {
  const recipientName = o.recipientName.trim();
  const recipientPhone = normalizePhone(o.recipientPhone);
  const address = o.address.trim();
  const zip = normalizeZip(o.zip);
  return {
    mallOrderNo: o.mallOrderNo.trim(),
    mallLineNo: (o.mallLineNo ?? '1').trim() || '1',
    mallProductCode: (o.mallProductCode ?? '').trim(),
    mallOption: (o.mallOption ?? '').trim(),
    mallProductName: (o.mallProductName ?? '').trim(),
    quantity: o.quantity,
    unitPriceKrw: o.unitPriceKrw,
    amountKrw: o.amountKrw ?? o.unitPriceKrw * o.quantity,
    ordererName: (o.ordererName ?? '').trim(),
    ordererPhone: normalizePhone(o.ordererPhone ?? ''),
    recipientName,
    recipientPhone,
    address,
    zip,
    deliveryMessage: (o.deliveryMessage ?? '').trim(),
    kind: o.kind ?? 'B2C',
    packingKey: packingKey({ channelId: o.channelId, recipientName, recipientPhone, address, zip }),
    orderedAt: o.orderedAt ?? null,
  };
}

function toNewOrder(o: IncomingOrder, options: StoreOptions, now: Date): NewOrder {
  // Object.assign, not an object spread followed by more properties: the same object, many times
  // cheaper per line in V8 (a spread literal with trailing properties takes a slow runtime path).
  return Object.assign(normalizeLine(o), {
    channelId: o.channelId,
    accountId: o.accountId ?? null,
    productId: o.productId ?? null,
    stage: 'intake' as const,
    source: options.source,
    badges: [sourceBadge(options.source)],
    orderedAt: o.orderedAt ?? now,
    collectionRunId: options.collectionRunId ?? null,
    importId: options.importId ?? null,
    isDemo: options.isDemo ?? false,
  });
}

export const sourceBadge = (source: StoreOptions['source']): string => SOURCE_BADGE[source];

/** R18 for lines that just entered intake by serial: their rows are read only when an event may apply. */
export async function generateGiftsFor(
  tx: DeskTx,
  actor: Actor,
  channelIds: number[],
  serials: number[],
): Promise<number[]> {
  if (serials.length === 0 || (await tx.gifts.activeFor(channelIds)).length === 0) return [];
  return generateGifts(tx, actor, await tx.orders.giftParents(serials));
}

/** R18: gift orders for parents that just entered intake. */
async function generateGifts(tx: DeskTx, actor: Actor, parents: GiftParent[]): Promise<number[]> {
  if (parents.length === 0) return [];
  const events = await tx.gifts.activeFor([...new Set(parents.map((p) => p.channelId))]);
  return insertGifts(tx, actor, parents, events);
}

/** R18: the gift orders these events give these parents, inserted and recorded. */
async function insertGifts(
  tx: DeskTx,
  actor: Actor,
  parents: GiftParent[],
  events: GiftEventRecord[],
): Promise<number[]> {
  if (events.length === 0) return [];
  const gifts = giftOrdersFor(parents, events);
  if (gifts.length === 0) return [];
  const { inserted } = await tx.orders.insert(gifts, actor.id);
  const serials = inserted.map((i) => i.serial);
  await tx.audit.append({ actor: actor.id, source: actor.source, action: 'gift_generated', serials });
  return serials;
}

export interface ManualOrderInput {
  channelId: number;
  productId: number;
  mallOrderNo?: string;
  quantity: number;
  unitPriceKrw: number;
  option?: string;
  ordererName: string;
  ordererPhone: string;
  recipientName: string;
  recipientPhone: string;
  address: string;
  zip: string;
  deliveryMessage?: string;
  kind?: OrderKind;
}

/** R11: one product per manual order; the channel first, then the product. */
export async function addOrder(desk: Desk, actor: Actor, input: ManualOrderInput): Promise<StoreResult> {
  requireRole(actor, 'operator');
  if (!Number.isInteger(input.quantity) || input.quantity < 1)
    throw new DomainError('VALIDATION', { field: 'quantity' });
  if (!Number.isInteger(input.unitPriceKrw) || input.unitPriceKrw < 0) {
    throw new DomainError('VALIDATION', { field: 'unitPriceKrw' });
  }
  for (const field of ['ordererName', 'recipientName', 'address'] as const) {
    if (!input[field].trim()) throw new DomainError('VALIDATION', { field });
  }
  for (const field of ['ordererPhone', 'recipientPhone'] as const) {
    if (!/^0\d{1,2}-\d{3,4}-\d{4}$|^1\d{3}-\d{4}$/.test(normalizePhone(input[field]))) {
      throw new DomainError('VALIDATION', { field });
    }
  }
  if (!/^\d{5}$/.test(normalizeZip(input.zip))) throw new DomainError('VALIDATION', { field: 'zip' });
  const now = desk.now();
  return desk.store.transaction(async (tx) => {
    if (!(await tx.catalog.channel(input.channelId)))
      throw new DomainError('NOT_FOUND', { field: 'channelId' });
    const product = await tx.catalog.product(input.productId);
    if (!product) throw new DomainError('NOT_FOUND', { field: 'productId' });
    const mallOrderNo = input.mallOrderNo?.trim() || manualOrderNo(now);
    const result = await storeOrders(
      tx,
      actor,
      [
        {
          ...input,
          mallOrderNo,
          mallProductCode: product.code,
          mallProductName: product.name,
          mallOption: input.option ?? '',
        },
      ],
      { source: 'manual' },
      now,
    );
    if (result.duplicates > 0)
      throw new DomainError('CONFLICT', { field: 'mallOrderNo', value: mallOrderNo });
    await tx.audit.append({ actor: actor.id, source: actor.source, action: 'add', serials: result.created });
    return result;
  });
}

function manualOrderNo(now: Date): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  return `M${day}-${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
}

/**
 * Matching a mall product saves the match for the future and moves every waiting order with that key
 * to intake at once (R1); gift events then apply to them (R18).
 */
export async function matchProduct(
  desk: Desk,
  actor: Actor,
  input: { channelId: number; mallProductCode: string; mallOption?: string; items: MatchItem[] },
): Promise<{ released: number[]; gifts: number[] }> {
  requireRole(actor, 'operator');
  if (input.items.length === 0) throw new DomainError('VALIDATION', { field: 'items' });
  for (const item of input.items) {
    if (!Number.isInteger(item.quantity) || item.quantity < 1)
      throw new DomainError('VALIDATION', { field: 'quantity' });
  }
  const key = {
    channelId: input.channelId,
    mallProductCode: input.mallProductCode.trim(),
    mallOption: (input.mallOption ?? '').trim(),
  };
  if (!key.mallProductCode) throw new DomainError('VALIDATION', { field: 'mallProductCode' });
  return desk.store.transaction(async (tx) => {
    if (!(await tx.catalog.channel(key.channelId)))
      throw new DomainError('NOT_FOUND', { field: 'channelId' });
    for (const item of input.items) {
      if (!(await tx.catalog.product(item.productId)))
        throw new DomainError('NOT_FOUND', { field: 'productId' });
    }
    await tx.catalog.saveMatch(key, input.items, actor.id);
    const released = await tx.orders.matchWaiting(key, input.items, actor.id);
    await tx.audit.append({
      actor: actor.id,
      source: actor.source,
      action: 'match',
      serials: released,
      detail: { ...key, items: input.items },
    });
    const gifts = await generateGifts(tx, actor, await tx.orders.giftParents(released));
    return { released, gifts };
  });
}

export interface CollectedClaim {
  channelId: number;
  mallOrderNo: string;
  mallLineNo?: string;
  type: ClaimType;
  reason: string;
  mallClaimId: string;
}

/**
 * R17: claims that came through a mall API. The order gets `claim_collected` and the type's badge; a
 * cancel of an order the WMS does not have yet closes it as cancelled, as the mall already did.
 */
export async function storeCollectedClaims(
  tx: DeskTx,
  actor: Actor,
  claims: CollectedClaim[],
): Promise<{ stored: number; unknown: number }> {
  if (claims.length === 0) return { stored: 0, unknown: 0 };
  const orders = await tx.orders.lockByMallKeys(claims);
  let stored = 0;
  let unknown = 0;
  for (const claim of claims) {
    const targets = orders.filter(
      (o) =>
        o.channelId === claim.channelId &&
        o.mallOrderNo === claim.mallOrderNo &&
        (claim.mallLineNo === undefined || o.mallLineNo === claim.mallLineNo),
    );
    if (targets.length === 0) {
      unknown++;
      continue;
    }
    const serials = targets.map((o) => o.serial);
    const closing = targets
      .filter((o) => claim.type === 'cancel' && BEFORE_WMS.includes(o.stage))
      .map((o) => o.serial);
    stored += await tx.claims.insert(
      targets.map((o) => ({
        orderSerial: o.serial,
        type: claim.type,
        reason: claim.reason,
        source: 'api' as const,
        status: closing.includes(o.serial) ? ('completed' as const) : ('open' as const),
        mallClaimId: claim.mallClaimId,
      })),
      actor.id,
    );
    await tx.orders.addBadge(serials, 'claim_collected', actor.id);
    await tx.orders.addBadge(serials, claim.type, actor.id);
    await tx.orders.closeCancelled(closing, actor.id);
    // As with a manual cancel (R10): the gift of a cancelled order must not ship on its own (R18).
    await removeGifts(tx, actor, closing, GIFT_REASON.cancelled);
    await tx.audit.append({
      actor: actor.id,
      source: actor.source,
      action: 'claim_collected',
      reason: claim.reason,
      serials,
      detail: { type: claim.type, mallClaimId: claim.mallClaimId, closed: closing },
    });
  }
  return { stored, unknown };
}
