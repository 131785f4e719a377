// R5: soft delete with a reason, hidden from lists, restorable by an admin.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  deleteOrders,
  holdOrders,
  moveOrdersNext,
  restoreOrders,
} from '../../src/domain/services/order-actions.js';
import { deskSummary, listOrders, orderDetail } from '../../src/domain/services/queries.js';
import { actor, addLines, freshDesk, line, seedCatalog } from '../support/desk.js';
import {
  allOrders,
  auditOf,
  expectDomainError,
  fixedClock,
  giftEvent,
  openTestDatabase,
  putInDelivered,
  putInReady,
  putInShipping,
  rowOf,
  rowsOf,
} from './helpers.js';

beforeAll(openTestDatabase);

const op = actor('operator');
type Serials7 = [number, number, number, number, number, number, number];
const admin = actor('admin');

describe('R5: delete', () => {
  it('R5: deletes softly with the reason: the row is kept, and the deletion is recorded', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId), line(f.channelId)]);
    const [a, b] = created as [number, number];

    const result = await deleteOrders(desk, op, { serials: [a], reason: ' 중복 주문 ' });

    expect(result).toMatchObject({ action: 'delete', done: [a], refused: [] });
    const row = await rowOf(desk, a);
    expect(row.deletedAt).toBeInstanceOf(Date);
    expect(row).toMatchObject({ deleteReason: '중복 주문', stage: 'intake', updatedBy: op.id });
    expect((await rowOf(desk, b)).deletedAt).toBeNull();
    const [entry] = await auditOf(desk, { action: 'delete' });
    expect(entry).toMatchObject({ actor: op.id, source: 'slack', reason: '중복 주문', serials: [a] });
  });

  it('R5: a deleted order is hidden from lists, counts, the summary and the detail', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId), line(f.channelId)]);
    const [a, b] = created as [number, number];

    await deleteOrders(desk, op, { serials: [a], reason: '중복 주문' });

    expect((await listOrders(desk, op, {})).items.map((o) => o.serial)).toEqual([b]);
    expect((await listOrders(desk, op, { q: String(a) })).items).toEqual([]);
    expect(await desk.store.transaction((tx) => tx.orders.count({}))).toBe(1);
    expect((await deskSummary(desk, op)).byStage.intake).toBe(1);
    await expectDomainError(orderDetail(desk, op, a), 'NOT_FOUND');
  });

  it('R5: only an admin lists deleted orders and reads their detail', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const [a] = created as [number];
    await deleteOrders(desk, op, { serials: [a], reason: '중복 주문' });

    await expectDomainError(listOrders(desk, op, { includeDeleted: true }), 'FORBIDDEN');
    const listed = await listOrders(desk, admin, { includeDeleted: true });
    expect(listed.items.map((o) => [o.serial, o.deleteReason])).toEqual([[a, '중복 주문']]);
    expect((await orderDetail(desk, admin, a)).order.deleteReason).toBe('중복 주문');
  });

  it('R5: a delete needs a reason; without one nothing changes', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const before = await allOrders(desk);

    await expectDomainError(deleteOrders(desk, op, { serials: created, reason: '' }), 'VALIDATION', {
      field: 'reason',
    });
    await expectDomainError(
      deleteOrders(desk, op, { serials: created, reason: 'x'.repeat(501) }),
      'VALIDATION',
      {
        field: 'reason',
      },
    );

    expect(await allOrders(desk)).toEqual(before);
  });

  it('R5: deletes from any stage before shipping and refuses orders the WMS has', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [
      line(f.channelId),
      line(f.channelId),
      line(f.channelId),
      line(f.channelId),
      line(f.channelId, { mallProductCode: 'P-NEW' }),
      line(f.channelId),
      line(f.channelId),
    ]);
    const [intake, processing, ready, held, unmatched, shipping, delivered] = created as Serials7;
    await moveOrdersNext(desk, op, { serials: [processing] });
    await putInReady(desk, [ready]);
    await holdOrders(desk, op, { serials: [held], reason: '확인' });
    await putInShipping(desk, [shipping]);
    await putInDelivered(desk, [delivered]);

    const result = await deleteOrders(desk, op, { serials: created, reason: '정리' });

    expect(result.done).toEqual([intake, processing, ready, held, unmatched]);
    expect(result.refused).toEqual([
      { serial: shipping, code: 'REGISTERED_IN_WMS', stage: 'shipping', by: 'api' },
      { serial: delivered, code: 'REGISTERED_IN_WMS', stage: 'closed', by: 'api' },
    ]);
    const rows = await rowsOf(desk, created);
    expect(rows.map((r) => [r.serial, r.deletedAt !== null])).toEqual([
      [intake, true],
      [processing, true],
      [ready, true],
      [held, true],
      [unmatched, true],
      [shipping, false],
      [delivered, false],
    ]);
  });

  it('R5: an order already deleted is refused, naming who deleted it', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const [a] = created as [number];
    const first = actor('operator', 'slack:T1:UFIRST');
    await deleteOrders(desk, first, { serials: [a], reason: '첫 삭제' });

    const result = await deleteOrders(desk, op, { serials: [a], reason: '두 번째 삭제' });

    expect(result.refused).toEqual([{ serial: a, code: 'DELETED', stage: 'intake', by: first.id }]);
    expect((await rowOf(desk, a)).deleteReason).toBe('첫 삭제');
  });

  it("R5: gift orders of a deleted order are deleted with it (reason 'parent deleted') and come back with it", async () => {
    const { desk } = await freshDesk({}, fixedClock);
    const f = await seedCatalog(desk);
    await giftEvent(desk, f);
    const { created, gifts } = await addLines(desk, [line(f.channelId)]);
    const [parent] = created as [number];
    const [gift] = gifts as [number];

    const deleted = await deleteOrders(desk, op, { serials: [parent], reason: '중복 주문' });
    expect(deleted.giftsRemoved).toEqual([gift]);
    expect(await rowOf(desk, gift)).toMatchObject({ deleteReason: 'parent deleted' });
    expect((await rowOf(desk, gift)).deletedAt).toBeInstanceOf(Date);

    await restoreOrders(desk, admin, { serials: [parent] });
    expect(await rowOf(desk, gift)).toMatchObject({ deletedAt: null, deleteReason: null });
    expect((await listOrders(desk, op, {})).items.map((o) => o.serial)).toEqual([gift, parent]);
  });
});

describe('R5: restore', () => {
  it('R5: only an admin restores; an operator is refused and nothing changes', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const [a] = created as [number];
    await deleteOrders(desk, op, { serials: [a], reason: '중복 주문' });
    const before = await allOrders(desk);

    await expectDomainError(restoreOrders(desk, op, { serials: [a] }), 'FORBIDDEN', { role: 'admin' });
    await expectDomainError(restoreOrders(desk, actor('approver'), { serials: [a] }), 'FORBIDDEN');

    expect(await allOrders(desk)).toEqual(before);
    expect(await auditOf(desk, { action: 'restore' })).toEqual([]);
  });

  it('R5: an admin restores a deleted order into the lists, in the stage it had', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const [a] = created as [number];
    await moveOrdersNext(desk, op, { serials: [a] });
    await deleteOrders(desk, op, { serials: [a], reason: '중복 주문' });

    const result = await restoreOrders(desk, admin, { serials: [a] });

    expect(result).toMatchObject({ action: 'restore', done: [a], refused: [] });
    expect(await rowOf(desk, a)).toMatchObject({
      deletedAt: null,
      deleteReason: null,
      stage: 'processing',
      updatedBy: admin.id,
    });
    expect((await listOrders(desk, op, { stage: 'processing' })).items.map((o) => o.serial)).toEqual([a]);
    const [entry] = await auditOf(desk, { action: 'restore' });
    expect(entry).toMatchObject({ actor: admin.id, serials: [a] });
  });

  it('R5: an order that is not deleted cannot be restored', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const [a] = created as [number];

    const result = await restoreOrders(desk, admin, { serials: [a] });

    expect(result.refused).toEqual([{ serial: a, code: 'NOT_DELETED', stage: 'intake', by: 'system' }]);
    expect((await rowOf(desk, a)).version).toBe(1);
  });
});
