// R18: gift events generate gift orders when a qualifying parent enters intake; gifts go with parents.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Desk } from '../../src/domain/context.js';
import { listGiftEvents } from '../../src/domain/services/gift-events.js';
import { matchProduct, storeCollectedClaims } from '../../src/domain/services/intake.js';
import {
  claimOrders,
  deleteOrders,
  holdOrders,
  moveOrdersNext,
} from '../../src/domain/services/order-actions.js';
import { orderDetail } from '../../src/domain/services/queries.js';
import { actor, addLines, type Fixture, freshDesk, line, seedCatalog } from '../support/desk.js';
import {
  allOrders,
  auditOf,
  expectDomainError,
  fixedClock,
  giftEvent,
  openTestDatabase,
  rowOf,
} from './helpers.js';

beforeAll(openTestDatabase);

const op = actor('operator');

async function setup(
  over: Parameters<typeof giftEvent>[2] = {},
): Promise<{ desk: Desk; f: Fixture; eventId: number }> {
  const { desk } = await freshDesk({}, fixedClock);
  const f = await seedCatalog(desk);
  const eventId = await giftEvent(desk, f, over);
  return { desk, f, eventId };
}

/** Gift orders stored, deleted ones included. */
async function giftRows(desk: Desk) {
  return (await allOrders(desk)).filter((o) => o.source === 'gift');
}

describe('R18: generating gift orders', () => {
  it('R18: a qualifying order entering intake gets a gift order linked to it, with the gift badge', async () => {
    const { desk, f, eventId } = await setup();

    const result = await addLines(
      desk,
      [line(f.channelId, { mallOrderNo: 'SS-700', recipientName: '김민수' })],
      'api',
    );

    const [parent] = result.created as [number];
    expect(result.gifts).toHaveLength(1);
    const gift = await rowOf(desk, result.gifts[0]!);
    expect(gift).toMatchObject({
      channelId: f.channelId,
      mallOrderNo: 'SS-700',
      mallLineNo: `G${eventId}-1`,
      productId: f.giftProductId,
      quantity: 1,
      amountKrw: 0,
      recipientName: '김민수',
      stage: 'intake',
      source: 'gift',
      badges: ['gift'],
      giftParentSerial: parent,
      kind: 'B2C',
    });
    expect((await orderDetail(desk, op, parent)).gifts.map((g) => g.serial)).toEqual([gift.serial]);
    const [entry] = await auditOf(desk, { action: 'gift_generated' });
    expect(entry!.serials).toEqual([gift.serial]);
  });

  it('R18: the gift order ships in its parent box (R8)', async () => {
    const { desk, f } = await setup();
    const { created, gifts } = await addLines(desk, [line(f.channelId)]);

    const moved = await moveOrdersNext(desk, op, { serials: created, packingGroup: true });

    expect(moved.done).toEqual([...created, ...gifts]);
  });

  it('R18: orders of another product or another channel get no gift', async () => {
    const { desk, f } = await setup();
    const other = await desk.store.transaction((tx) =>
      tx.catalog.createProduct({ code: 'B-001', name: '찹쌀 1kg', priceKrw: 9000 }),
    );
    await desk.store.transaction((tx) =>
      tx.catalog.saveMatch(
        { channelId: f.channelId, mallProductCode: 'P-B', mallOption: '' },
        [{ productId: other, quantity: 1 }],
        'test',
      ),
    );

    const result = await addLines(desk, [
      line(f.channelId, { mallProductCode: 'P-B', mallOption: '' }),
      line(f.otherChannelId),
    ]);

    expect(result.created).toHaveLength(2);
    expect(result.gifts).toEqual([]);
    expect(await giftRows(desk)).toEqual([]);
  });

  it('R18: the event period is counted in Korean calendar days', async () => {
    const { desk, f } = await setup();

    const result = await addLines(desk, [
      line(f.channelId, { orderedAt: new Date('2026-11-25T14:59:59Z') }),
      line(f.channelId, { orderedAt: new Date('2026-11-25T15:00:00Z') }),
      line(f.channelId, { orderedAt: new Date('2026-11-26T14:59:59Z') }),
      line(f.channelId, { orderedAt: new Date('2026-11-26T15:00:00Z') }),
    ]);

    const [before, firstMinute, lastSecond, after] = result.created as [number, number, number, number];
    const parents = (await giftRows(desk)).map((g) => g.giftParentSerial).sort();
    expect(parents).toEqual([firstMinute, lastSecond]);
    expect(parents).not.toContain(before);
    expect(parents).not.toContain(after);
  });

  it('R18: a minimum quantity must be reached', async () => {
    const { desk, f } = await setup({ minQuantity: 3 });

    const result = await addLines(desk, [
      line(f.channelId, { quantity: 2 }),
      line(f.channelId, { quantity: 3 }),
    ]);

    expect((await giftRows(desk)).map((g) => g.giftParentSerial)).toEqual([result.created[1]]);
  });

  it('R18: a minimum amount must be reached', async () => {
    const { desk, f } = await setup({ minQuantity: null, minAmountKrw: 60000 });

    const result = await addLines(desk, [
      line(f.channelId, { quantity: 1 }),
      line(f.channelId, { quantity: 2 }),
    ]);

    expect((await giftRows(desk)).map((g) => g.giftParentSerial)).toEqual([result.created[1]]);
  });

  it('R18: an unmatched order gets its gift when it is matched and enters intake', async () => {
    const { desk, f } = await setup();
    const { unmatched } = await addLines(desk, [
      line(f.channelId, { mallProductCode: 'P-NEW', mallOption: '' }),
    ]);
    expect(await giftRows(desk)).toEqual([]);

    const result = await matchProduct(desk, op, {
      channelId: f.channelId,
      mallProductCode: 'P-NEW',
      items: [{ productId: f.productId, quantity: 1 }],
    });

    expect(result.released).toEqual(unmatched);
    expect(result.gifts).toHaveLength(1);
    expect((await rowOf(desk, result.gifts[0]!)).giftParentSerial).toBe(unmatched[0]);
  });

  it('R18: collecting the same order again makes no second gift', async () => {
    const { desk, f } = await setup();
    const order = line(f.channelId);
    await addLines(desk, [order], 'api');

    const again = await addLines(desk, [order], 'api');

    expect(again).toMatchObject({ created: [], duplicates: 1, gifts: [] });
    expect(await giftRows(desk)).toHaveLength(1);
  });

  it('R18: an event needs a name, products, a period, a minimum and a gift quantity', async () => {
    const { desk, f } = await setup();
    const before = await listGiftEvents(desk, op);

    await expectDomainError(giftEvent(desk, f, { name: ' ' }), 'VALIDATION', { field: 'name' });
    await expectDomainError(giftEvent(desk, f, { productIds: [] }), 'VALIDATION', { field: 'productIds' });
    await expectDomainError(giftEvent(desk, f, { startsOn: '2026-11-27' }), 'VALIDATION', {
      field: 'period',
    });
    await expectDomainError(giftEvent(desk, f, { minQuantity: null }), 'VALIDATION', { field: 'minimum' });
    await expectDomainError(giftEvent(desk, f, { giftQuantity: 0 }), 'VALIDATION', { field: 'giftQuantity' });
    await expectDomainError(giftEvent(desk, f, { giftProductId: 999 }), 'NOT_FOUND', { field: 'productId' });
    await expectDomainError(giftEvent(desk, f, { channelId: 999 }), 'NOT_FOUND', { field: 'channelId' });

    expect(await listGiftEvents(desk, op)).toEqual(before);
  });
});

describe('R18: gift orders go with their parent', () => {
  it("R18: holding the parent removes the gift ('parent held')", async () => {
    const { desk, f } = await setup();
    const { created, gifts } = await addLines(desk, [line(f.channelId)]);

    await holdOrders(desk, op, { serials: created, reason: '확인' });

    expect(await rowOf(desk, gifts[0]!)).toMatchObject({ deleteReason: 'parent held' });
  });

  it("R18: deleting the parent removes the gift ('parent deleted')", async () => {
    const { desk, f } = await setup();
    const { created, gifts } = await addLines(desk, [line(f.channelId)]);

    await deleteOrders(desk, op, { serials: created, reason: '중복' });

    expect(await rowOf(desk, gifts[0]!)).toMatchObject({ deleteReason: 'parent deleted' });
  });

  it("R18: cancelling the parent removes the gift ('parent cancelled')", async () => {
    const { desk, f } = await setup();
    const { created, gifts } = await addLines(desk, [line(f.channelId)]);

    const result = await claimOrders(desk, op, { serials: created, type: 'cancel', reason: '고객 변심' });

    expect(result.giftsRemoved).toEqual(gifts);
    const gift = await rowOf(desk, gifts[0]!);
    expect(gift.deleteReason).toBe('parent cancelled');
    expect(gift.deletedAt).toBeInstanceOf(Date);
  });

  it("R18: a cancel collected from the mall that closes the parent removes the gift ('parent cancelled')", async () => {
    const { desk, f } = await setup();
    const { created, gifts } = await addLines(
      desk,
      [line(f.channelId, { mallOrderNo: 'SS-710', mallLineNo: '1' })],
      'api',
    );
    const collector = actor('operator', 'schedule');

    await desk.store.transaction((tx) =>
      storeCollectedClaims(tx, collector, [
        {
          channelId: f.channelId,
          mallOrderNo: 'SS-710',
          mallLineNo: '1',
          type: 'cancel',
          reason: '품절',
          mallClaimId: 'C-710',
        },
      ]),
    );

    expect(await rowOf(desk, created[0]!)).toMatchObject({ stage: 'closed', closedStatus: 'cancelled' });
    const gift = await rowOf(desk, gifts[0]!);
    expect(gift.deletedAt).toBeInstanceOf(Date);
    expect(gift.deleteReason).toBe('parent cancelled');
    const [entry] = await auditOf(desk, { serial: gift.serial, action: 'delete' });
    expect(entry).toMatchObject({ actor: 'schedule', reason: 'parent cancelled', serials: [gift.serial] });
  });
});
