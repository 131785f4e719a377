// Orders come in by hand (R11), from Excel (R12) and from mall collectors (R2, R16, R17). All three
// end in `storeOrders`: normalise, match, dedupe, insert in one statement, then generate gifts (R18).
import type { Desk } from '../context.js';
import { DomainError } from '../errors.js';
import type { DeskTx, GiftEventRecord, MatchItem, NewOrder, StagedRow } from '../ports.js';
import { normalizePhone, normalizeZip } from '../rules/contact.js';
import { type GiftParent, giftOrdersFor } from '../rules/gifts.js';
import { mallOrderKey, matchKey } from '../rules/mall-key.js';
import { packingKey } from '../rules/packing.js';
import { BEFORE_WMS } from '../rules/stage-rules.js';
import type { Actor, ClaimType, OrderKind, OrderSource, OrderState } from '../types.js';
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
  /** The mall account every line came from (a collection), over any the lines carry. */
  accountId?: number;
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
const AMOUNT_FIELDS = ['quantity', 'unitPriceKrw', 'amountKrw'] as const;

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
  // The matches are read while the lines are normalised (a page's worth of CPU hidden behind the round trip).
  const matching = tx.catalog.matchesFor(matchKeysOf(incoming));
  matching.catch(() => {}); // awaited below; a refused line must not leave it unobserved
  const lines = normalizeOrders(incoming, options, now);
  const { rows, origins } = matchOrders(incoming, lines, await matching);
  // The gift events are read right behind the insert (pipelined), for every channel a line may enter in.
  const inserting = tx.orders.insert(rows, actor.id);
  const reading = tx.gifts.activeFor(intakeChannels(rows));
  reading.catch(() => {});
  const stored = storedOrders(rows, origins, await inserting);
  const { origins: _origins, ...result } = await withGifts(tx, actor, stored, await reading);
  return result;
}

export interface MatchKey {
  channelId: number;
  mallProductCode: string;
  mallOption: string;
}

/** A mall product code or option as it is stored and matched: trimmed. */
const mallText = (value: string | undefined) => (value ?? '').trim();

/** The match key a line is looked up by: the key it is stored under (see normalizeLine). */
export const matchKeyOf = (o: IncomingOrder): MatchKey => ({
  channelId: o.channelId,
  mallProductCode: mallText(o.mallProductCode),
  mallOption: mallText(o.mallOption),
});

/** The match keys of lines without a product. */
export const matchKeysOf = (incoming: IncomingOrder[]) =>
  incoming.filter((o) => o.productId == null).map(matchKeyOf);

/** Lines as they are stored (see normalizeLine), checked: whole KRW within the column's range. */
export function normalizeOrders(incoming: IncomingOrder[], options: StoreOptions, now: Date): NewOrder[] {
  return incoming.map((o) => {
    const base = toNewOrder(o, options, now);
    // Quantities, prices and amounts are whole KRW within the column's range (a bad file or feed is refused).
    for (const field of AMOUNT_FIELDS) {
      if (!Number.isSafeInteger(base[field]) || base[field] < 0 || base[field] > MAX_INT) {
        throw new DomainError('VALIDATION', { field, value: base.mallOrderNo });
      }
    }
    return base;
  });
}

/**
 * The rows to insert: each normalised line with its product (the first item of its match) or waiting as
 * `unmatched`; a bundle's further items as lines of their own. `origins[i]`: the line of row i.
 */
export function matchOrders(
  incoming: IncomingOrder[],
  lines: NewOrder[],
  matches: Map<string, MatchItem[]>,
): { rows: NewOrder[]; origins: number[] } {
  const rows: NewOrder[] = [];
  const origins: number[] = [];
  for (let index = 0; index < incoming.length; index++) {
    const o = incoming[index]!;
    const base = lines[index]!;
    const items: MatchItem[] | undefined =
      o.productId != null ? [{ productId: o.productId, quantity: 1 }] : matches.get(matchKey(base));
    if (!items || items.length === 0) {
      base.stage = 'unmatched';
      base.productId = null;
      rows.push(base);
      origins.push(index);
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
    for (let k = 0; k <= more.length; k++) origins.push(index);
  }
  return { rows, origins };
}

/** The channels rows may enter intake in (whose gift events matter). */
export const intakeChannels = (rows: NewOrder[]) => [
  ...new Set(rows.filter((r) => r.stage === 'intake').map((r) => r.channelId)),
];

/** What an insert stored: serials (unmatched ones too), duplicates skipped, and each serial's line. */
export interface StoredOrders {
  created: number[];
  unmatched: number[];
  duplicates: number;
  /** Serial → the index of the incoming line it came from. */
  origins: Map<number, number>;
  /** Rows that entered intake, with their serials: the gift parents. */
  entered: NewOrder[];
  enteredSerials: number[];
}

export function storedOrders(
  rows: NewOrder[],
  rowOrigins: number[],
  { inserted, duplicates }: { inserted: { serial: number; index: number }[]; duplicates: number },
): StoredOrders {
  const stored: StoredOrders = {
    created: [],
    unmatched: [],
    duplicates,
    origins: new Map(),
    entered: [],
    enteredSerials: [],
  };
  for (const { serial, index } of inserted) {
    const row = rows[index]!;
    stored.created.push(serial);
    stored.origins.set(serial, rowOrigins[index]!);
    if (row.stage === 'unmatched') stored.unmatched.push(serial);
    else {
      stored.entered.push(row);
      stored.enteredSerials.push(serial);
    }
  }
  return stored;
}

/** R18 for stored orders: the gift orders these events give the lines that entered intake. */
export async function withGifts(
  tx: DeskTx,
  actor: Actor,
  stored: StoredOrders,
  events: GiftEventRecord[],
): Promise<StoreResult & { origins: Map<number, number> }> {
  const { created, unmatched, duplicates, origins, entered, enteredSerials } = stored;
  // Gift parents are built only when an event may apply.
  const gifts =
    entered.length === 0 || events.length === 0
      ? []
      : await insertGifts(
          tx,
          actor,
          entered.map((row, i) => giftParentOf(row, enteredSerials[i]!)),
          events,
        );
  return { created, unmatched, duplicates, gifts, origins };
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
    mallProductCode: mallText(o.mallProductCode),
    mallOption: mallText(o.mallOption),
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
    accountId: options.accountId ?? o.accountId ?? null,
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
 * `visible(i, serial)` false hides an order from the i-th claim (a collection batch: a line of a later
 * page had not arrived when the claim's page was read); `pages[i]`, the i-th claim's page in the batch.
 */
export async function storeCollectedClaims(
  tx: DeskTx,
  actor: Actor,
  claims: CollectedClaim[],
  visible?: (claim: number, serial: number) => boolean,
  pages?: number[],
): Promise<{ stored: number; unknown: number }> {
  if (claims.length === 0) return { stored: 0, unknown: 0 };
  const orders = await tx.orders.lockByMallKeys(claims);
  const byOrderNo = new Map<string, OrderState[]>();
  for (const o of orders) {
    const key = mallOrderKey(o);
    const list = byOrderNo.get(key);
    if (list) list.push(o);
    else byOrderNo.set(key, [o]);
  }
  let unknown = 0;
  const plans: ClaimPlan[] = [];
  const targeted = new Set<number>();
  let twice = false;
  claims.forEach((claim, i) => {
    const targets = (byOrderNo.get(mallOrderKey(claim)) ?? []).filter(
      (o) =>
        (claim.mallLineNo === undefined || o.mallLineNo === claim.mallLineNo) &&
        (visible === undefined || visible(i, o.serial)),
    );
    if (targets.length === 0) {
      unknown++;
      return;
    }
    for (const o of targets) {
      if (targeted.has(o.serial)) twice = true;
      targeted.add(o.serial);
    }
    plans.push({
      claim,
      targets,
      serials: targets.map((o) => o.serial),
      closing: targets
        .filter((o) => claim.type === 'cancel' && BEFORE_WMS.includes(o.stage))
        .map((o) => o.serial),
    });
  });
  if (plans.length === 0) return { stored: 0, unknown };
  // An order with claims of two pages: page after page, each reading its orders afresh (the later claims
  // see what the earlier ones did, a cancel already closed), as pages stored one by one would.
  if (twice && pages && new Set(pages).size > 1) {
    const total = { stored: 0, unknown: 0 };
    for (const page of new Set(pages)) {
      const indices = claims.flatMap((_, i) => (pages[i] === page ? [i] : []));
      const done = await storeCollectedClaims(
        tx,
        actor,
        indices.map((i) => claims[i]!),
        visible && ((claim, serial) => visible(indices[claim]!, serial)),
      );
      total.stored += done.stored;
      total.unknown += done.unknown;
    }
    return total;
  }
  // Together, when every order has one claim here and no cancelled order has a gift to remove: the same
  // rows, badges (in the same order per order) and audit entries as claim after claim, in fewer statements.
  const closing = plans.flatMap((p) => p.closing);
  const together =
    plans.length > 1 && !twice && (closing.length === 0 || (await tx.orders.giftsOf(closing)).length === 0);
  if (!together) {
    let stored = 0;
    for (const plan of plans) stored += await storeClaim(tx, actor, plan);
    return { stored, unknown };
  }
  // Issued together, run in this order: one round trip where the driver pipelines (postgres.js).
  const [stored] = await Promise.all([
    tx.claims.insert(plans.flatMap(claimRows), actor.id),
    tx.orders.addBadge(
      plans.flatMap((p) => p.serials),
      'claim_collected',
      actor.id,
    ),
    ...[...new Set(plans.map((p) => p.claim.type))].map((type) =>
      tx.orders.addBadge(
        plans.filter((p) => p.claim.type === type).flatMap((p) => p.serials),
        type,
        actor.id,
      ),
    ),
    tx.orders.closeCancelled(closing, actor.id),
    ...plans.map((plan) => auditClaim(tx, actor, plan)),
  ]);
  return { stored, unknown };
}

interface ClaimPlan {
  claim: CollectedClaim;
  targets: OrderState[];
  serials: number[];
  closing: number[];
}

const claimRows = ({ claim, targets, closing }: ClaimPlan) =>
  targets.map((o) => ({
    orderSerial: o.serial,
    type: claim.type,
    reason: claim.reason,
    source: 'api' as const,
    status: closing.includes(o.serial) ? ('completed' as const) : ('open' as const),
    mallClaimId: claim.mallClaimId,
  }));

/** One claim on its orders: the claim rows, the badges, a cancel's closing and gift removal, the audit. */
async function storeClaim(tx: DeskTx, actor: Actor, plan: ClaimPlan): Promise<number> {
  const stored = await tx.claims.insert(claimRows(plan), actor.id);
  await tx.orders.addBadge(plan.serials, 'claim_collected', actor.id);
  await tx.orders.addBadge(plan.serials, plan.claim.type, actor.id);
  await tx.orders.closeCancelled(plan.closing, actor.id);
  // As with a manual cancel (R10): the gift of a cancelled order must not ship on its own (R18).
  await removeGifts(tx, actor, plan.closing, GIFT_REASON.cancelled);
  await auditClaim(tx, actor, plan);
  return stored;
}

async function auditClaim(tx: DeskTx, actor: Actor, { claim, serials, closing }: ClaimPlan) {
  await tx.audit.append({
    actor: actor.id,
    source: actor.source,
    action: 'claim_collected',
    reason: claim.reason,
    serials,
    detail: { type: claim.type, mallClaimId: claim.mallClaimId, closed: closing },
  });
}
