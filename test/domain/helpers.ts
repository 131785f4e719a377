// Helpers for the rule tests: read what the database shows, put orders in a stage the desk reaches
// only through other screens (ready, shipping, closed), and check thrown domain errors.
import { expect } from 'vitest';
import type { Desk } from '../../src/domain/context.js';
import { DomainError, type DomainErrorCode } from '../../src/domain/errors.js';
import type { AuditRecord, ClaimRecord, OrderRow } from '../../src/domain/ports.js';
import { createGiftEvent } from '../../src/domain/services/gift-events.js';
import { moveOrdersNext } from '../../src/domain/services/order-actions.js';
import { recordWmsEvent } from '../../src/domain/services/wms.js';
import type { Stage } from '../../src/domain/types.js';
import { testDatabase } from '../support/db.js';
import { actor, type Fixture } from '../support/desk.js';

/**
 * For `beforeAll`: opening the worker's database takes seconds (PGlite) and belongs to the hook timeout,
 * not to the first test's.
 */
export async function openTestDatabase(): Promise<void> {
  await testDatabase();
}

/** A fixed clock: 2026-11-26 12:00 in Korea. Orders stored without `orderedAt` are placed then. */
export const NOON_KST = new Date('2026-11-26T03:00:00Z');
export const fixedClock = () => NOON_KST;

/** A gift event on product A of the fixture's first channel, for 2026-11-26 (KST), from one unit. */
export function giftEvent(desk: Desk, f: Fixture, over: Partial<Parameters<typeof createGiftEvent>[2]> = {}) {
  return createGiftEvent(desk, actor('operator'), {
    channelId: f.channelId,
    name: '에코백 증정',
    productIds: [f.productId],
    startsOn: '2026-11-26',
    endsOn: '2026-11-26',
    minQuantity: 1,
    minAmountKrw: null,
    giftProductId: f.giftProductId,
    giftQuantity: 1,
    ...over,
  });
}

/** Awaits a promise that must fail with a DomainError of this code (and these params, if given). */
export async function expectDomainError(
  promise: Promise<unknown>,
  code: DomainErrorCode,
  params?: Record<string, unknown>,
): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected DomainError ${code}`).toBeInstanceOf(DomainError);
  const domainError = error as DomainError;
  expect(domainError.code).toBe(code);
  if (params) expect(domainError.params).toMatchObject(params);
  return domainError;
}

/** The orders as stored (deleted ones included), in serial order. */
export function rowsOf(desk: Desk, serials: number[]): Promise<OrderRow[]> {
  return desk.store.transaction((tx) => tx.orders.get(serials));
}

export async function rowOf(desk: Desk, serial: number): Promise<OrderRow> {
  const [row] = await rowsOf(desk, [serial]);
  if (!row) throw new Error(`order ${serial} is not stored`);
  return row;
}

export async function stagesOf(desk: Desk, serials: number[]): Promise<Record<number, Stage>> {
  const rows = await rowsOf(desk, serials);
  return Object.fromEntries(rows.map((r) => [r.serial, r.stage]));
}

export function claimsOf(desk: Desk, serial: number): Promise<ClaimRecord[]> {
  return desk.store.transaction((tx) => tx.claims.of(serial));
}

/** Audit entries, newest first. */
export function auditOf(
  desk: Desk,
  filter: { serial?: number; actor?: string; action?: string } = {},
): Promise<AuditRecord[]> {
  return desk.store.transaction((tx) => tx.audit.list({ ...filter, limit: 500 }));
}

/** Every order, deleted ones included: to show that an action changed nothing. */
export function allOrders(desk: Desk): Promise<OrderRow[]> {
  return desk.store.transaction((tx) => tx.orders.list({ includeDeleted: true }, { limit: 10_000 }));
}

/** The next screen (출고준비) moves processing orders to `ready`; that screen is not this desk's. */
export async function putInReady(desk: Desk, serials: number[]): Promise<void> {
  const moved = await moveOrdersNext(desk, actor('operator', 'slack:T1:USETUP'), { serials });
  expect(moved.done).toEqual(serials);
  await desk.store.transaction((tx) => tx.orders.setStage(serials, 'ready', 'slack:T1:USETUP'));
}

/** intake → processing → registered in the WMS (`shipping`). */
export async function putInShipping(desk: Desk, serials: number[]): Promise<void> {
  const moved = await moveOrdersNext(desk, actor('operator', 'slack:T1:USETUP'), { serials });
  expect(moved.done).toEqual(serials);
  const wms = await recordWmsEvent(desk, actor('admin', 'api'), { event: 'registered', serials });
  expect(wms.updated).toEqual(serials);
}

/** … → shipping → delivered (`closed`, status `delivered`). */
export async function putInDelivered(desk: Desk, serials: number[]): Promise<void> {
  await putInShipping(desk, serials);
  const wms = await recordWmsEvent(desk, actor('admin', 'api'), { event: 'delivered', serials });
  expect(wms.updated).toEqual(serials);
}

/** Drains an async generator (exports). */
export async function drain<T>(gen: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of gen) out.push(item);
  return out;
}
