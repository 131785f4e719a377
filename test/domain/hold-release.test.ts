// R3: shipment hold (출고보류) and release.
import { beforeAll, describe, expect, it } from 'vitest';
import { holdOrders, moveOrdersNext, releaseOrders } from '../../src/domain/services/order-actions.js';
import { listOrders } from '../../src/domain/services/queries.js';
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
  stagesOf,
} from './helpers.js';

beforeAll(openTestDatabase);

const op = actor('operator');

describe('R3: hold', () => {
  it('R3: holds orders not yet in the WMS, with the reason, from intake, processing and ready', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId), line(f.channelId), line(f.channelId)]);
    const [a, b, c] = created as [number, number, number];
    await moveOrdersNext(desk, op, { serials: [b] });
    await putInReady(desk, [c]);

    const result = await holdOrders(desk, op, { serials: [a, b, c], reason: '  고객 요청: 주소 확인 중  ' });

    expect(result).toMatchObject({ action: 'hold', done: [a, b, c], refused: [], giftsRemoved: [] });
    for (const row of await rowsOf(desk, [a, b, c])) {
      expect(row).toMatchObject({ stage: 'held', holdReason: '고객 요청: 주소 확인 중', updatedBy: op.id });
    }
    const [entry] = await auditOf(desk, { action: 'hold' });
    expect(entry).toMatchObject({
      actor: op.id,
      source: 'slack',
      reason: '고객 요청: 주소 확인 중',
      serials: [a, b, c],
    });
  });

  it('R3: refuses to hold an order registered in the WMS', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId), line(f.channelId), line(f.channelId)]);
    const [shipping, delivered, free] = created as [number, number, number];
    await putInShipping(desk, [shipping]);
    await putInDelivered(desk, [delivered]);

    const result = await holdOrders(desk, op, { serials: [shipping, delivered, free], reason: '주소 확인' });

    expect(result.done).toEqual([free]);
    expect(result.refused).toEqual([
      { serial: shipping, code: 'REGISTERED_IN_WMS', stage: 'shipping', by: 'api' },
      { serial: delivered, code: 'REGISTERED_IN_WMS', stage: 'closed', by: 'api' },
    ]);
    expect(await stagesOf(desk, created)).toEqual({
      [shipping]: 'shipping',
      [delivered]: 'closed',
      [free]: 'held',
    });
    expect((await rowOf(desk, shipping)).holdReason).toBeNull();
  });

  it('R3: a hold needs a reason; without one nothing changes', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const before = await allOrders(desk);

    await expectDomainError(holdOrders(desk, op, { serials: created, reason: '' }), 'VALIDATION', {
      field: 'reason',
    });
    await expectDomainError(holdOrders(desk, op, { serials: created, reason: '   ' }), 'VALIDATION', {
      field: 'reason',
    });
    await expectDomainError(holdOrders(desk, op, { serials: [], reason: '주소 확인' }), 'VALIDATION', {
      field: 'serials',
    });

    expect(await allOrders(desk)).toEqual(before);
    expect(await auditOf(desk, { action: 'hold' })).toEqual([]);
  });

  it('R3: an order already held is refused with who held it, and keeps the first reason', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const [a] = created as [number];
    const first = actor('operator', 'slack:T1:UFIRST');
    await holdOrders(desk, first, { serials: [a], reason: '첫 번째 사유' });

    const result = await holdOrders(desk, op, { serials: [a], reason: '두 번째 사유' });

    expect(result.done).toEqual([]);
    expect(result.refused).toEqual([{ serial: a, code: 'STAGE_NOT_ALLOWED', stage: 'held', by: first.id }]);
    expect(await rowOf(desk, a)).toMatchObject({
      stage: 'held',
      holdReason: '첫 번째 사유',
      updatedBy: first.id,
    });
  });

  it('R3: an unmatched order is not held (a release would skip matching)', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { unmatched } = await addLines(desk, [line(f.channelId, { mallProductCode: 'P-NEW' })]);
    const [u] = unmatched as [number];

    const result = await holdOrders(desk, op, { serials: [u], reason: '확인' });

    expect(result.refused).toEqual([
      { serial: u, code: 'STAGE_NOT_ALLOWED', stage: 'unmatched', by: 'system' },
    ]);
    expect((await rowOf(desk, u)).stage).toBe('unmatched');
  });

  it("R3 + R8: from one order's action, its intake packing group is held with it", async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const box = { recipientName: '박지성', recipientPhone: '010-1111-2222' };
    const { created } = await addLines(desk, [
      line(f.channelId, box),
      line(f.channelId, box),
      line(f.channelId, { ...box, recipientName: '박지훈' }),
    ]);
    const [a, b, other] = created as [number, number, number];

    const result = await holdOrders(desk, op, { serials: [a], reason: '합포장 확인', packingGroup: true });

    expect(result).toMatchObject({ done: [a, b], addedByPackingGroup: [b] });
    expect(await stagesOf(desk, created)).toEqual({ [a]: 'held', [b]: 'held', [other]: 'intake' });
    expect((await rowOf(desk, b)).holdReason).toBe('합포장 확인');
  });

  it('R3: a held order leaves the intake list and shows in the held list', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId), line(f.channelId)]);
    const [a, b] = created as [number, number];

    await holdOrders(desk, op, { serials: [a], reason: '확인' });

    const intake = await listOrders(desk, op, { stage: 'intake' });
    const held = await listOrders(desk, op, { stage: 'held' });
    expect(intake.items.map((o) => o.serial)).toEqual([b]);
    expect(held.items.map((o) => [o.serial, o.holdReason])).toEqual([[a, '확인']]);
  });
});

describe('R3: gift orders of a held order', () => {
  it("R3: gift orders generated for a held order are deleted with the reason 'parent held'", async () => {
    const { desk } = await freshDesk({}, fixedClock);
    const f = await seedCatalog(desk);
    await giftEvent(desk, f);
    const { created, gifts } = await addLines(desk, [line(f.channelId)]);
    const [parent] = created as [number];
    const [gift] = gifts as [number];

    const result = await holdOrders(desk, op, { serials: [parent], reason: '주소 확인' });

    expect(result).toMatchObject({ done: [parent], giftsRemoved: [gift] });
    expect(await rowOf(desk, parent)).toMatchObject({ stage: 'held', deletedAt: null });
    const removed = await rowOf(desk, gift);
    expect(removed.deletedAt).toBeInstanceOf(Date);
    expect(removed.deleteReason).toBe('parent held');
    expect(removed.stage).toBe('intake');
    expect((await listOrders(desk, op, {})).items.map((o) => o.serial)).toEqual([parent]);
    const [entry] = await auditOf(desk, { serial: gift, action: 'delete' });
    expect(entry).toMatchObject({ actor: op.id, reason: 'parent held', serials: [gift] });
  });

  it('R3: a gift order named alongside its parent goes away rather than being held', async () => {
    const { desk } = await freshDesk({}, fixedClock);
    const f = await seedCatalog(desk);
    await giftEvent(desk, f);
    const { created, gifts } = await addLines(desk, [line(f.channelId)]);
    const [parent] = created as [number];
    const [gift] = gifts as [number];

    const result = await holdOrders(desk, op, { serials: [parent, gift], reason: '주소 확인' });

    expect(result.done).toEqual([parent]);
    expect(result.giftsRemoved).toEqual([gift]);
    expect(await rowOf(desk, gift)).toMatchObject({ stage: 'intake', deleteReason: 'parent held' });
  });

  it('R3: releasing the parent brings its gift orders back', async () => {
    const { desk } = await freshDesk({}, fixedClock);
    const f = await seedCatalog(desk);
    await giftEvent(desk, f);
    const { created, gifts } = await addLines(desk, [line(f.channelId)]);
    const [parent] = created as [number];
    const [gift] = gifts as [number];
    await holdOrders(desk, op, { serials: [parent], reason: '주소 확인' });

    const result = await releaseOrders(desk, op, { serials: [parent] });

    expect(result.done).toEqual([parent]);
    expect(await rowOf(desk, parent)).toMatchObject({ stage: 'intake', holdReason: null });
    expect(await rowOf(desk, gift)).toMatchObject({ stage: 'intake', deletedAt: null, deleteReason: null });
    expect((await listOrders(desk, op, { stage: 'intake' })).items.map((o) => o.serial)).toEqual([
      gift,
      parent,
    ]);
  });
});

describe('R3: release', () => {
  it('R3: a held order is released back to intake and its hold reason is cleared', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const [a] = created as [number];
    await moveOrdersNext(desk, op, { serials: [a] });
    await holdOrders(desk, op, { serials: [a], reason: '확인' });
    const releaser = actor('operator', 'slack:T1:URELEASE');

    const result = await releaseOrders(desk, releaser, { serials: [a] });

    expect(result).toMatchObject({ action: 'release', done: [a], refused: [] });
    expect(await rowOf(desk, a)).toMatchObject({ stage: 'intake', holdReason: null, updatedBy: releaser.id });
    const [entry] = await auditOf(desk, { action: 'release' });
    expect(entry).toMatchObject({ actor: releaser.id, serials: [a] });
  });

  it('R3: only held orders are released', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const [a] = created as [number];

    const result = await releaseOrders(desk, op, { serials: [a] });

    expect(result.done).toEqual([]);
    expect(result.refused).toEqual([{ serial: a, code: 'STAGE_NOT_ALLOWED', stage: 'intake', by: 'system' }]);
    expect((await rowOf(desk, a)).version).toBe(1);
  });
});
