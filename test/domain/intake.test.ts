// R11 (adding by hand), storing incoming orders (matched → intake, unmatched → the unmatched queue,
// deduplicated on channel + mall order number + line), R17 source badges and collected claims.
import { beforeAll, describe, expect, it } from 'vitest';
import { addOrder, type ManualOrderInput, storeCollectedClaims } from '../../src/domain/services/intake.js';
import { moveOrdersNext } from '../../src/domain/services/order-actions.js';
import { actor, addLines, freshDesk, line, seedCatalog } from '../support/desk.js';
import {
  allOrders,
  auditOf,
  claimsOf,
  expectDomainError,
  openTestDatabase,
  putInShipping,
  rowOf,
  rowsOf,
  stagesOf,
} from './helpers.js';

beforeAll(openTestDatabase);

const op = actor('operator');

function manual(
  channelId: number,
  productId: number,
  over: Partial<ManualOrderInput> = {},
): ManualOrderInput {
  return {
    channelId,
    productId,
    quantity: 2,
    unitPriceKrw: 32000,
    option: '5kg',
    ordererName: ' 김민수 ',
    ordererPhone: '01012345678',
    recipientName: '이영희',
    recipientPhone: '010 9876 5432',
    address: ' 서울특별시 강남구 테헤란로 1 ',
    zip: '6236',
    deliveryMessage: '문 앞에 놓아주세요',
    ...over,
  };
}

describe('R11: adding an order by hand', () => {
  it('R11: stores one intake order of the chosen channel and product, normalised, with the manual badge', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);

    const result = await addOrder(desk, op, manual(f.channelId, f.productId, { mallOrderNo: 'PHONE-1' }));

    expect(result).toMatchObject({ unmatched: [], duplicates: 0, gifts: [] });
    expect(result.created).toHaveLength(1);
    const row = await rowOf(desk, result.created[0]!);
    expect(row).toMatchObject({
      channelId: f.channelId,
      mallOrderNo: 'PHONE-1',
      mallLineNo: '1',
      productId: f.productId,
      productCode: 'A-001',
      mallProductCode: 'A-001',
      mallProductName: '유기농 현미 5kg',
      mallOption: '5kg',
      quantity: 2,
      unitPriceKrw: 32000,
      amountKrw: 64000,
      ordererName: '김민수',
      ordererPhone: '010-1234-5678',
      recipientName: '이영희',
      recipientPhone: '010-9876-5432',
      address: '서울특별시 강남구 테헤란로 1',
      zip: '06236',
      deliveryMessage: '문 앞에 놓아주세요',
      stage: 'intake',
      source: 'manual',
      badges: ['manual'],
      kind: 'B2C',
      updatedBy: op.id,
    });
    const [entry] = await auditOf(desk, { action: 'add' });
    expect(entry).toMatchObject({ actor: op.id, source: 'slack', serials: result.created });
  });

  it('R11: one product per manual order, even when the product code has a bundle match in that channel', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    await desk.store.transaction((tx) =>
      tx.catalog.saveMatch(
        { channelId: f.channelId, mallProductCode: 'A-001', mallOption: '5kg' },
        [
          { productId: f.productId, quantity: 1 },
          { productId: f.giftProductId, quantity: 1 },
        ],
        'test',
      ),
    );

    const result = await addOrder(desk, op, manual(f.channelId, f.productId));

    expect(result.created).toHaveLength(1);
    expect(await allOrders(desk)).toHaveLength(1);
    expect((await rowOf(desk, result.created[0]!)).productId).toBe(f.productId);
  });

  it('R11: without a mall order number the desk makes one up', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);

    const { created } = await addOrder(desk, op, manual(f.channelId, f.productId));

    expect((await rowOf(desk, created[0]!)).mallOrderNo).toMatch(/^M\d{8}-[0-9A-Z]+$/);
  });

  it('R11: accepts a representative number (1588-…) as a phone', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);

    const { created } = await addOrder(
      desk,
      op,
      manual(f.channelId, f.productId, { ordererPhone: '1588-1234' }),
    );

    expect((await rowOf(desk, created[0]!)).ordererPhone).toBe('1588-1234');
  });

  it.each([
    ['quantity', { quantity: 0 }],
    ['quantity', { quantity: 1.5 }],
    ['unitPriceKrw', { unitPriceKrw: -1 }],
    ['ordererName', { ordererName: '  ' }],
    ['recipientName', { recipientName: '' }],
    ['address', { address: ' ' }],
    ['ordererPhone', { ordererPhone: '12' }],
    ['recipientPhone', { recipientPhone: '' }],
    ['zip', { zip: '123456' }],
    ['zip', { zip: '' }],
  ] as [string, Partial<ManualOrderInput>][])('R11: %s is required and checked', async (field, change) => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);

    await expectDomainError(addOrder(desk, op, manual(f.channelId, f.productId, change)), 'VALIDATION', {
      field,
    });

    expect(await allOrders(desk)).toEqual([]);
  });

  it('R11: the channel and the product must exist', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);

    await expectDomainError(addOrder(desk, op, manual(999, f.productId)), 'NOT_FOUND', {
      field: 'channelId',
    });
    await expectDomainError(addOrder(desk, op, manual(f.channelId, 999)), 'NOT_FOUND', {
      field: 'productId',
    });

    expect(await allOrders(desk)).toEqual([]);
    expect(await auditOf(desk, { action: 'add' })).toEqual([]);
  });

  it('R11: a mall order number already on the desk is a conflict, and nothing is added', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    await addOrder(desk, op, manual(f.channelId, f.productId, { mallOrderNo: 'PHONE-2' }));

    await expectDomainError(
      addOrder(desk, op, manual(f.channelId, f.productId, { mallOrderNo: 'PHONE-2', quantity: 5 })),
      'CONFLICT',
      { field: 'mallOrderNo', value: 'PHONE-2' },
    );

    const rows = await allOrders(desk);
    expect(rows.map((r) => r.quantity)).toEqual([2]);
  });
});

describe('storing incoming orders', () => {
  it('matched lines go to intake, unmatched lines to the unmatched queue', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);

    const result = await addLines(desk, [
      line(f.channelId),
      line(f.channelId, { mallOption: 'blue' }),
      line(f.channelId, { mallProductCode: 'P-2' }),
    ]);

    const [matched, otherOption, otherProduct] = result.created as [number, number, number];
    expect(result.unmatched).toEqual([otherOption, otherProduct]);
    expect(await stagesOf(desk, result.created)).toEqual({
      [matched]: 'intake',
      [otherOption]: 'unmatched',
      [otherProduct]: 'unmatched',
    });
    expect((await rowOf(desk, matched)).productId).toBe(f.productId);
    expect((await rowOf(desk, otherProduct)).productId).toBeNull();
  });

  it('a bundle match makes one order per product, quantities multiplied', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    await desk.store.transaction((tx) =>
      tx.catalog.saveMatch(
        { channelId: f.channelId, mallProductCode: 'SET-1', mallOption: '' },
        [
          { productId: f.productId, quantity: 1 },
          { productId: f.giftProductId, quantity: 2 },
        ],
        'test',
      ),
    );

    const result = await addLines(desk, [
      line(f.channelId, { mallOrderNo: 'SET-ORDER', mallProductCode: 'SET-1', mallOption: '', quantity: 3 }),
    ]);

    const rows = await rowsOf(desk, result.created);
    expect(rows.map((r) => [r.mallLineNo, r.productId, r.quantity, r.amountKrw, r.stage])).toEqual([
      ['1', f.productId, 3, 96000, 'intake'],
      ['1/2', f.giftProductId, 6, 0, 'intake'],
    ]);
  });

  it('an order line is stored once per (channel, mall order number, line number)', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const first = line(f.channelId, { mallOrderNo: 'SS-500', mallLineNo: '1' });
    await addLines(desk, [first]);

    const again = await addLines(desk, [
      { ...first, quantity: 9 },
      { ...first, mallLineNo: '2' },
      { ...first, channelId: f.otherChannelId },
    ]);

    expect(again.duplicates).toBe(1);
    expect(again.created).toHaveLength(2);
    const rows = await allOrders(desk);
    expect(rows.map((r) => [r.channelId, r.mallOrderNo, r.mallLineNo, r.quantity]).sort()).toEqual(
      [
        [f.channelId, 'SS-500', '1', 1],
        [f.channelId, 'SS-500', '2', 1],
        [f.otherChannelId, 'SS-500', '1', 1],
      ].sort(),
    );
  });

  it('R17: orders carry their source: collected (API), manual, excel', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);

    const api = await addLines(desk, [line(f.channelId)], 'api');
    const excel = await addLines(desk, [line(f.channelId)], 'excel');
    const hand = await addOrder(desk, op, manual(f.channelId, f.productId));

    const rows = await rowsOf(desk, [...api.created, ...excel.created, ...hand.created]);
    expect(rows.map((r) => [r.source, r.badges])).toEqual([
      ['api', ['collected']],
      ['excel', ['excel']],
      ['manual', ['manual']],
    ]);
  });
});

describe('R17: claims collected from a mall', () => {
  it("R17: a collected claim adds 'claim_collected' and the claim type's badge", async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId, { mallOrderNo: 'SS-600' })], 'api');
    const [a] = created as [number];
    await putInShipping(desk, [a]);
    const collector = actor('operator', 'schedule');

    const stored = await desk.store.transaction((tx) =>
      storeCollectedClaims(tx, collector, [
        { channelId: f.channelId, mallOrderNo: 'SS-600', type: 'return', reason: '파손', mallClaimId: 'C-1' },
      ]),
    );

    expect(stored).toEqual({ stored: 1, unknown: 0 });
    const row = await rowOf(desk, a);
    expect(row.badges).toEqual(['collected', 'claim_collected', 'return']);
    expect(row.stage).toBe('shipping');
    const [claim] = await claimsOf(desk, a);
    expect(claim).toMatchObject({ type: 'return', source: 'api', status: 'open', reason: '파손' });
    const [entry] = await auditOf(desk, { action: 'claim_collected' });
    expect(entry).toMatchObject({ actor: 'schedule', reason: '파손', serials: [a] });
  });

  it('R17: a collected cancel of an order the WMS does not have closes it as cancelled', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [
      line(f.channelId, { mallOrderNo: 'SS-601', mallLineNo: '1' }),
      line(f.channelId, { mallOrderNo: 'SS-601', mallLineNo: '2' }),
    ]);
    const [one, two] = created as [number, number];
    await moveOrdersNext(desk, op, { serials: [two] });

    await desk.store.transaction((tx) =>
      storeCollectedClaims(tx, op, [
        {
          channelId: f.channelId,
          mallOrderNo: 'SS-601',
          mallLineNo: '2',
          type: 'cancel',
          reason: '품절',
          mallClaimId: 'C-2',
        },
      ]),
    );

    expect(await rowOf(desk, two)).toMatchObject({
      stage: 'closed',
      closedStatus: 'cancelled',
      badges: ['excel', 'claim_collected', 'cancel'],
    });
    expect(await rowOf(desk, one)).toMatchObject({ stage: 'intake', badges: ['excel'] });
    const [claim] = await claimsOf(desk, two);
    expect(claim).toMatchObject({ type: 'cancel', source: 'api', status: 'completed' });
    expect(await claimsOf(desk, one)).toEqual([]);
  });

  it('R17: the same mall claim collected twice is stored once; unknown orders are counted', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId, { mallOrderNo: 'SS-602' })], 'api');
    await putInShipping(desk, created);
    const claim = {
      channelId: f.channelId,
      mallOrderNo: 'SS-602',
      type: 'exchange' as const,
      reason: '사이즈',
      mallClaimId: 'C-3',
    };

    await desk.store.transaction((tx) => storeCollectedClaims(tx, op, [claim]));
    const again = await desk.store.transaction((tx) =>
      storeCollectedClaims(tx, op, [claim, { ...claim, mallOrderNo: 'NOPE', mallClaimId: 'C-4' }]),
    );

    expect(again).toEqual({ stored: 0, unknown: 1 });
    expect(await claimsOf(desk, created[0]!)).toHaveLength(1);
    expect((await rowOf(desk, created[0]!)).badges).toEqual(['collected', 'claim_collected', 'exchange']);
  });
});
