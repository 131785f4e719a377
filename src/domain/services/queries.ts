// Reading the desk: lists (personal data masked), one order's detail (full, and the read is audited),
// the team summary, the audit trail, exports (R13) and column settings (R14).
import type { Desk } from '../context.js';
import { DomainError } from '../errors.js';
import type { AuditRecord, ClaimRecord, ColumnSetting, NoteRecord, OrderFilter, OrderRow } from '../ports.js';
import { completeColumns, validateColumns } from '../rules/columns.js';
import { maskAddress, maskName, maskPhone } from '../rules/contact.js';
import type { Actor, Stage } from '../types.js';
import { requireRole } from './actors.js';

export const MAX_PAGE = 200;

export interface OrderPage {
  items: OrderRow[];
  nextCursor: string | null;
}

/** Lists show recipient and orderer masked (김*수, 010-****-1234). */
export function maskOrder(o: OrderRow): OrderRow {
  return {
    ...o,
    ordererName: maskName(o.ordererName),
    ordererPhone: maskPhone(o.ordererPhone),
    recipientName: maskName(o.recipientName),
    recipientPhone: maskPhone(o.recipientPhone),
    address: maskAddress(o.address),
  };
}

export const encodeCursor = (serial: number) => Buffer.from(`s:${serial}`).toString('base64url');
export function decodeCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const m = /^s:(\d{1,10})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m || Number(m[1]) > 2_147_483_647) throw new DomainError('VALIDATION', { field: 'cursor' });
  return Number(m[1]);
}

/** A page of orders, newest serial first, masked. */
export async function listOrders(
  desk: Desk,
  actor: Actor,
  filter: OrderFilter,
  page: { limit?: number; cursor?: string } = {},
): Promise<OrderPage> {
  requireRole(actor, 'viewer');
  const limit = Math.min(Math.max(page.limit ?? 50, 1), MAX_PAGE);
  const afterSerial = decodeCursor(page.cursor);
  if (filter.includeDeleted) requireRole(actor, 'admin');
  const rows = await desk.store.transaction((tx) =>
    tx.orders.list(filter, { limit: limit + 1, afterSerial }),
  );
  const items = rows.slice(0, limit).map(maskOrder);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.serial) : null };
}

/** How many orders a filter covers (what an export would hold). */
export async function countOrders(desk: Desk, actor: Actor, filter: OrderFilter): Promise<number> {
  requireRole(actor, 'viewer');
  return desk.store.read((tx) => tx.orders.count(filter));
}

export interface OrderDetail {
  order: OrderRow;
  claims: ClaimRecord[];
  messages: NoteRecord[];
  csNotes: NoteRecord[];
  history: AuditRecord[];
  gifts: OrderRow[];
}

/** Everything known about one order, personal data in full; the read itself is audited. */
export async function orderDetail(desk: Desk, actor: Actor, serial: number): Promise<OrderDetail> {
  requireRole(actor, 'viewer');
  return desk.store.transaction(async (tx) => {
    const [order] = await tx.orders.get([serial]);
    if (!order || (order.deletedAt && actor.role !== 'admin')) {
      throw new DomainError('NOT_FOUND', { field: 'serial', value: serial });
    }
    const giftSerials = await tx.orders.giftsOf([serial]);
    const detail: OrderDetail = {
      order,
      claims: await tx.claims.of(serial),
      messages: await tx.notes.of('message', serial),
      csNotes: await tx.notes.of('cs', serial),
      history: await tx.audit.list({ serial, limit: 50 }),
      gifts: giftSerials.length ? await tx.orders.get(giftSerials) : [],
    };
    await tx.audit.append({
      actor: actor.id,
      source: actor.source,
      action: 'view_personal_data',
      serials: [serial],
      detail: { view: 'detail' },
    });
    return detail;
  });
}

export interface DeskSummary {
  byStage: Record<Stage, number>;
  byChannel: { channelId: number; channelName: string; stage: Stage; count: number }[];
  pendingApprovals: number;
}

/** Counts per stage and channel, and what waits for an approver. */
export async function deskSummary(desk: Desk, actor: Actor): Promise<DeskSummary> {
  requireRole(actor, 'viewer');
  return desk.store.transaction(async (tx) => {
    const rows = await tx.orders.summary();
    const byStage = { unmatched: 0, intake: 0, processing: 0, ready: 0, shipping: 0, closed: 0, held: 0 };
    for (const r of rows) byStage[r.stage] += r.count;
    const pending = await tx.approvals.list('pending');
    return { byStage, byChannel: rows, pendingApprovals: pending.length };
  });
}

export async function auditTrail(
  desk: Desk,
  actor: Actor,
  filter: { serial?: number; actor?: string; action?: string; limit?: number; beforeId?: number },
): Promise<AuditRecord[]> {
  requireRole(actor, 'approver');
  return desk.store.transaction((tx) =>
    tx.audit.list({ ...filter, limit: Math.min(Math.max(filter.limit ?? 100, 1), 500) }),
  );
}

export async function columnSettings(desk: Desk, actor: Actor): Promise<ColumnSetting[]> {
  return desk.store.transaction(async (tx) => completeColumns(await tx.columns.get(actor.id)));
}

/** R14: order, width and visibility of columns, per user. */
export async function saveColumnSettings(
  desk: Desk,
  actor: Actor,
  columns: ColumnSetting[],
): Promise<ColumnSetting[]> {
  requireRole(actor, 'viewer');
  const problem = validateColumns(columns);
  if (problem) throw new DomainError('VALIDATION', { field: 'columns', problem });
  const complete = completeColumns(columns);
  await desk.store.transaction((tx) => tx.columns.set(actor.id, complete));
  return complete;
}

export interface ExportBatch {
  columns: ColumnSetting[];
  rows: OrderRow[];
}

/**
 * R13: the rows of an export, in full, with the reason recorded (who, when, what filter, how many
 * rows). Yields pages so a caller can stream 100k rows; the audit entry is written first, in the
 * same transaction as the count.
 */
export async function* exportOrders(
  desk: Desk,
  actor: Actor,
  input: { filter: OrderFilter; reason: string; format: 'xlsx' | 'csv'; approvalId?: number },
  pageSize = 2000,
): AsyncGenerator<ExportBatch> {
  requireRole(actor, 'operator');
  const reason = input.reason.trim();
  if (!reason) throw new DomainError('VALIDATION', { field: 'reason' });
  const columns = (await columnSettings(desk, actor)).filter((c) => c.visible);
  await desk.store.transaction(async (tx) => {
    const rows = await tx.orders.count(input.filter);
    await tx.audit.append({
      actor: actor.id,
      source: actor.source,
      action: 'export',
      reason,
      detail: { filter: input.filter, rows, format: input.format, approvalId: input.approvalId },
    });
  });
  let afterSerial: number | undefined;
  for (;;) {
    const rows = await desk.store.transaction((tx) =>
      tx.orders.list(input.filter, { limit: pageSize, afterSerial }),
    );
    // An export of nothing still has its header: the first batch is yielded even when empty.
    if (rows.length === 0 && afterSerial !== undefined) return;
    yield { columns, rows };
    if (rows.length === 0) return;
    afterSerial = rows[rows.length - 1]!.serial;
    if (rows.length < pageSize) return;
  }
}
