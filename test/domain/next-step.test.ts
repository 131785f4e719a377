// R1, R6, R7, R8: moving intake orders on to processing.
import { beforeAll, describe, expect, it } from 'vitest';
import { matchProduct } from '../../src/domain/services/intake.js';
import {
  deleteOrders,
  holdOrders,
  moveChannelsNext,
  moveOrdersNext,
} from '../../src/domain/services/order-actions.js';
import { actor, addLines, freshDesk, line, seedCatalog } from '../support/desk.js';
import { auditOf, expectDomainError, openTestDatabase, rowOf, stagesOf } from './helpers.js';

beforeAll(openTestDatabase);

const op = actor('operator');

/** The same box: one recipient, phone, address and zip. */
const box = {
  recipientName: '김민수',
  recipientPhone: '010-9876-5432',
  address: '서울특별시 강남구 테헤란로 1',
};

describe('R7: selected orders', () => {
  it('R7: moves the selected intake orders to processing and leaves the others in intake', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId), line(f.channelId), line(f.channelId)]);
    const [a, b, c] = created as [number, number, number];

    const result = await moveOrdersNext(desk, op, { serials: [b, a] });

    expect(result).toMatchObject({ action: 'next', done: [a, b], refused: [], addedByPackingGroup: [] });
    expect(await stagesOf(desk, [a, b, c])).toEqual({ [a]: 'processing', [b]: 'processing', [c]: 'intake' });
    expect((await rowOf(desk, a)).updatedBy).toBe(op.id);
    const [entry] = await auditOf(desk, { action: 'next' });
    expect(entry).toMatchObject({ actor: op.id, source: 'slack', serials: [a, b] });
  });

  it('R7: refuses orders that are not in intake, naming their stage and who put them there', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId), line(f.channelId), line(f.channelId)]);
    const [a, b, c] = created as [number, number, number];
    const other = actor('operator', 'slack:T1:UOTHER');
    await holdOrders(desk, other, { serials: [a], reason: '주소 확인' });
    await moveOrdersNext(desk, other, { serials: [b] });

    const result = await moveOrdersNext(desk, op, { serials: [a, b, c, 999_999] });

    expect(result.done).toEqual([c]);
    expect(result.refused).toEqual([
      { serial: a, code: 'STAGE_NOT_ALLOWED', stage: 'held', by: other.id },
      { serial: b, code: 'STAGE_NOT_ALLOWED', stage: 'processing', by: other.id },
      { serial: 999_999, code: 'NOT_FOUND' },
    ]);
    expect(await stagesOf(desk, [a, b, c])).toEqual({ [a]: 'held', [b]: 'processing', [c]: 'processing' });
  });

  it('R7: a deleted order does not move', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const [a] = created as [number];
    await deleteOrders(desk, op, { serials: [a], reason: '중복 주문' });

    const result = await moveOrdersNext(desk, op, { serials: [a] });

    expect(result.done).toEqual([]);
    expect(result.refused).toEqual([{ serial: a, code: 'DELETED', stage: 'intake', by: op.id }]);
    expect((await rowOf(desk, a)).stage).toBe('intake');
  });

  it('R7: asks for at least one order', async () => {
    const { desk } = await freshDesk();
    await expectDomainError(moveOrdersNext(desk, op, { serials: [] }), 'VALIDATION', { field: 'serials' });
  });
});

describe('R1: unmatched siblings', () => {
  it('R1: keeps an order in intake while an unmatched order with the same mall order number exists', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created, unmatched } = await addLines(desk, [
      line(f.channelId, { mallOrderNo: 'SS-100', mallLineNo: '1' }),
      line(f.channelId, { mallOrderNo: 'SS-100', mallLineNo: '2', mallProductCode: 'P-NEW' }),
    ]);
    const [a, sibling] = created as [number, number];
    expect(unmatched).toEqual([sibling]);

    const result = await moveOrdersNext(desk, op, { serials: [a] });

    expect(result.done).toEqual([]);
    expect(result.refused).toEqual([{ serial: a, code: 'UNMATCHED_SIBLING', stage: 'intake' }]);
    expect(await stagesOf(desk, [a, sibling])).toEqual({ [a]: 'intake', [sibling]: 'unmatched' });
  });

  it('R1: an unmatched order of another channel with the same mall order number does not block', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [
      line(f.channelId, { mallOrderNo: 'SS-101' }),
      line(f.otherChannelId, { mallOrderNo: 'SS-101', mallLineNo: '2', mallProductCode: 'P-NEW' }),
    ]);
    const [a] = created as [number];

    const result = await moveOrdersNext(desk, op, { serials: [a] });

    expect(result).toMatchObject({ done: [a], refused: [] });
    expect((await rowOf(desk, a)).stage).toBe('processing');
  });

  it('R1: once the sibling is matched, the order moves', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [
      line(f.channelId, { mallOrderNo: 'SS-102', mallLineNo: '1' }),
      line(f.channelId, { mallOrderNo: 'SS-102', mallLineNo: '2', mallProductCode: 'P-NEW' }),
    ]);
    const [a, sibling] = created as [number, number];
    await matchProduct(desk, op, {
      channelId: f.channelId,
      mallProductCode: 'P-NEW',
      mallOption: 'red',
      items: [{ productId: f.productId, quantity: 1 }],
    });

    const result = await moveOrdersNext(desk, op, { serials: [a, sibling] });

    expect(result).toMatchObject({ done: [a, sibling], refused: [] });
    expect(await stagesOf(desk, [a, sibling])).toEqual({ [a]: 'processing', [sibling]: 'processing' });
  });

  it('R1: a deleted unmatched sibling does not block', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [
      line(f.channelId, { mallOrderNo: 'SS-103', mallLineNo: '1' }),
      line(f.channelId, { mallOrderNo: 'SS-103', mallLineNo: '2', mallProductCode: 'P-NEW' }),
    ]);
    const [a, sibling] = created as [number, number];
    await deleteOrders(desk, op, { serials: [sibling], reason: '몰에서 취소됨' });

    const result = await moveOrdersNext(desk, op, { serials: [a] });

    expect(result.done).toEqual([a]);
    expect((await rowOf(desk, a)).stage).toBe('processing');
  });
});

describe('R6: batch by sales channel', () => {
  it('R6: moves every intake order of the chosen channels, and only those', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [
      line(f.channelId),
      line(f.channelId),
      line(f.channelId),
      line(f.channelId, { mallProductCode: 'P-NEW' }),
      line(f.otherChannelId),
    ]);
    const [a, b, held, lonelyUnmatched, otherChannel] = created as [number, number, number, number, number];
    await holdOrders(desk, op, { serials: [held], reason: '재고 확인' });

    const result = await moveChannelsNext(desk, op, { channelIds: [f.channelId] });

    expect(result).toMatchObject({ action: 'batch_next', done: [a, b], refused: [] });
    expect(await stagesOf(desk, created)).toEqual({
      [a]: 'processing',
      [b]: 'processing',
      [held]: 'held',
      [lonelyUnmatched]: 'unmatched',
      [otherChannel]: 'intake',
    });
    const [entry] = await auditOf(desk, { action: 'batch_next' });
    expect(entry).toMatchObject({ actor: op.id, serials: [a, b], detail: { channelIds: [f.channelId] } });
  });

  it('R6: several channels at once', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId), line(f.otherChannelId)]);

    const result = await moveChannelsNext(desk, op, { channelIds: [f.channelId, f.otherChannelId] });

    expect(result.done).toEqual(created);
    expect(Object.values(await stagesOf(desk, created))).toEqual(['processing', 'processing']);
  });

  it('R6 + R1: the batch leaves orders with an unmatched sibling in intake and says why', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [
      line(f.channelId, { mallOrderNo: 'SS-200', mallLineNo: '1' }),
      line(f.channelId, { mallOrderNo: 'SS-200', mallLineNo: '2', mallProductCode: 'P-NEW' }),
      line(f.channelId, { mallOrderNo: 'SS-201' }),
    ]);
    const [blocked, sibling, free] = created as [number, number, number];

    const result = await moveChannelsNext(desk, op, { channelIds: [f.channelId] });

    expect(result.done).toEqual([free]);
    expect(result.refused).toEqual([{ serial: blocked, code: 'UNMATCHED_SIBLING', stage: 'intake' }]);
    expect(await stagesOf(desk, created)).toEqual({
      [blocked]: 'intake',
      [sibling]: 'unmatched',
      [free]: 'processing',
    });
    const [entry] = await auditOf(desk, { action: 'batch_next' });
    expect(entry!.detail).toMatchObject({ blocked: [blocked] });
  });

  it('R6: an unknown channel fails the whole request and moves nothing', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);

    await expectDomainError(moveChannelsNext(desk, op, { channelIds: [f.channelId, 999] }), 'NOT_FOUND', {
      field: 'channelIds',
    });
    await expectDomainError(moveChannelsNext(desk, op, { channelIds: [] }), 'VALIDATION');

    expect(await stagesOf(desk, created)).toEqual({ [created[0]!]: 'intake' });
    expect(await auditOf(desk, { action: 'batch_next' })).toEqual([]);
  });
});

describe('R8: combined packing group', () => {
  it("R8: from one order's action, every intake order of its packing group moves with it", async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [
      line(f.channelId, box),
      line(f.channelId, {
        ...box,
        zip: '06236',
        recipientPhone: '01098765432',
        address: '서울특별시 강남구  테헤란로 1',
      }),
      line(f.channelId, box),
      line(f.channelId, { ...box, recipientName: '김민우' }),
      line(f.otherChannelId, box),
    ]);
    const [a, b, c, otherRecipient, otherChannel] = created as [number, number, number, number, number];
    await holdOrders(desk, op, { serials: [c], reason: '포장 확인' });

    const result = await moveOrdersNext(desk, op, { serials: [a], packingGroup: true });

    expect(result).toMatchObject({ done: [a, b], addedByPackingGroup: [b], refused: [] });
    expect(await stagesOf(desk, created)).toEqual({
      [a]: 'processing',
      [b]: 'processing',
      [c]: 'held',
      [otherRecipient]: 'intake',
      [otherChannel]: 'intake',
    });
  });

  it('R8: without the packing group only the chosen order moves', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId, box), line(f.channelId, box)]);
    const [a, b] = created as [number, number];

    const result = await moveOrdersNext(desk, op, { serials: [a] });

    expect(result).toMatchObject({ done: [a], addedByPackingGroup: [] });
    expect(await stagesOf(desk, [a, b])).toEqual({ [a]: 'processing', [b]: 'intake' });
  });

  it('R8 + R1: a group member with an unmatched sibling stays behind', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [
      line(f.channelId, { ...box, mallOrderNo: 'SS-300' }),
      line(f.channelId, { ...box, mallOrderNo: 'SS-301', mallLineNo: '1' }),
      line(f.channelId, { ...box, mallOrderNo: 'SS-301', mallLineNo: '2', mallProductCode: 'P-NEW' }),
    ]);
    const [a, blocked, sibling] = created as [number, number, number];

    const result = await moveOrdersNext(desk, op, { serials: [a], packingGroup: true });

    expect(result.done).toEqual([a]);
    expect(result.addedByPackingGroup).toEqual([blocked]);
    expect(result.refused).toEqual([{ serial: blocked, code: 'UNMATCHED_SIBLING', stage: 'intake' }]);
    expect(await stagesOf(desk, created)).toEqual({
      [a]: 'processing',
      [blocked]: 'intake',
      [sibling]: 'unmatched',
    });
  });
});
