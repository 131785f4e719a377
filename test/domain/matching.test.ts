// Matching an unmatched mall product (비매칭 → 매칭): every waiting order with the key moves to intake and
// the match is saved for the orders still to come.
import { beforeAll, describe, expect, it } from 'vitest';
import { startCollection, storeCollectedPage } from '../../src/domain/services/collection.js';
import { matchProduct } from '../../src/domain/services/intake.js';
import { listOrders } from '../../src/domain/services/queries.js';
import { actor, addLines, freshDesk, line, mallAccount, seedCatalog } from '../support/desk.js';
import {
  allOrders,
  auditOf,
  expectDomainError,
  openTestDatabase,
  rowOf,
  rowsOf,
  stagesOf,
} from './helpers.js';

beforeAll(openTestDatabase);

const op = actor('operator');

describe('matching', () => {
  it('a saved match applies to lines whose mall code or option comes with stray spaces (stored trimmed)', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const spaced = line(f.channelId, { mallProductCode: ' P-1 ', mallOption: 'red ' });

    const fromFile = await addLines(desk, [spaced]);
    const account = await mallAccount(desk, f.channelId, '본점');
    const run = await startCollection(desk, op, {
      accountIds: [account],
      from: '2026-11-25',
      to: '2026-11-25',
    });
    const collected = await storeCollectedPage(desk, op, run, account, {
      orders: [line(f.channelId, { mallProductCode: 'P-1\t', mallOption: ' red' })],
      claims: [],
      cursor: null,
    });

    expect(fromFile.unmatched).toEqual([]);
    expect(collected.unmatched).toEqual([]);
    const rows = await rowsOf(desk, [...fromFile.created, ...collected.created]);
    expect(rows.map((r) => [r.stage, r.productId, r.mallProductCode, r.mallOption])).toEqual([
      ['intake', f.productId, 'P-1', 'red'],
      ['intake', f.productId, 'P-1', 'red'],
    ]);
  });

  it('releases every waiting order with the key into intake, and only those', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created, unmatched } = await addLines(desk, [
      line(f.channelId, { mallProductCode: 'P-9', mallOption: 'red' }),
      line(f.channelId, { mallProductCode: 'P-9', mallOption: 'red', quantity: 2 }),
      line(f.channelId, { mallProductCode: 'P-9', mallOption: 'blue' }),
      line(f.otherChannelId, { mallProductCode: 'P-9', mallOption: 'red' }),
    ]);
    expect(unmatched).toEqual(created);
    const [a, b, blue, otherChannel] = created as [number, number, number, number];

    const result = await matchProduct(desk, op, {
      channelId: f.channelId,
      mallProductCode: ' P-9 ',
      mallOption: 'red',
      items: [{ productId: f.productId, quantity: 1 }],
    });

    expect(result).toEqual({ released: [a, b], gifts: [] });
    expect(await stagesOf(desk, created)).toEqual({
      [a]: 'intake',
      [b]: 'intake',
      [blue]: 'unmatched',
      [otherChannel]: 'unmatched',
    });
    expect(await rowOf(desk, b)).toMatchObject({ productId: f.productId, quantity: 2, updatedBy: op.id });
    expect((await listOrders(desk, op, { stage: 'unmatched' })).items.map((o) => o.serial)).toEqual([
      otherChannel,
      blue,
    ]);
    const [entry] = await auditOf(desk, { action: 'match' });
    expect(entry).toMatchObject({ actor: op.id, serials: [a, b] });
    expect(entry!.detail).toMatchObject({
      channelId: f.channelId,
      mallProductCode: 'P-9',
      mallOption: 'red',
    });
  });

  it('saves the match so future orders with the key arrive matched', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);

    await matchProduct(desk, op, {
      channelId: f.channelId,
      mallProductCode: 'P-9',
      mallOption: 'red',
      items: [{ productId: f.productId, quantity: 1 }],
    });
    const later = await addLines(desk, [line(f.channelId, { mallProductCode: 'P-9', mallOption: 'red' })]);

    const saved = await desk.store.transaction((tx) => tx.catalog.matches(f.channelId));
    expect(saved).toContainEqual({
      channelId: f.channelId,
      mallProductCode: 'P-9',
      mallOption: 'red',
      productId: f.productId,
      quantity: 1,
    });
    expect(later.unmatched).toEqual([]);
    expect(await rowOf(desk, later.created[0]!)).toMatchObject({ stage: 'intake', productId: f.productId });
  });

  it('matching the same key again replaces the saved match', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const key = { channelId: f.channelId, mallProductCode: 'P-9', mallOption: '' };
    await matchProduct(desk, op, { ...key, items: [{ productId: f.productId, quantity: 1 }] });

    await matchProduct(desk, op, { ...key, items: [{ productId: f.giftProductId, quantity: 3 }] });

    const saved = await desk.store.transaction((tx) => tx.catalog.matchFor(f.channelId, 'P-9', ''));
    expect(saved).toEqual([{ productId: f.giftProductId, quantity: 3 }]);
  });

  it('a bundle match makes an extra order per further product, in the same box', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [
      line(f.channelId, { mallOrderNo: 'SET-1', mallProductCode: 'SET', mallOption: '', quantity: 2 }),
      line(f.channelId, { mallOrderNo: 'SET-2', mallProductCode: 'SET', mallOption: '' }),
    ]);
    const [one, two] = created as [number, number];

    const result = await matchProduct(desk, op, {
      channelId: f.channelId,
      mallProductCode: 'SET',
      items: [
        { productId: f.productId, quantity: 1 },
        { productId: f.giftProductId, quantity: 2 },
      ],
    });

    expect(result.released).toHaveLength(4);
    expect(result.released.slice(0, 2)).toEqual([one, two]);
    const rows = await rowsOf(desk, result.released);
    expect(rows.map((r) => [r.mallOrderNo, r.mallLineNo, r.productId, r.quantity, r.stage])).toEqual([
      ['SET-1', '1', f.productId, 2, 'intake'],
      ['SET-2', '1', f.productId, 1, 'intake'],
      ['SET-1', '1/2', f.giftProductId, 4, 'intake'],
      ['SET-2', '1/2', f.giftProductId, 2, 'intake'],
    ]);
    const first = await rowOf(desk, one);
    const extra = rows.find((r) => r.mallOrderNo === 'SET-1' && r.mallLineNo === '1/2')!;
    expect(extra).toMatchObject({
      recipientName: first.recipientName,
      address: first.address,
      badges: first.badges,
      source: first.source,
      amountKrw: 0,
    });
    const group = await desk.store.transaction((tx) => tx.orders.packingGroupOf([one], ['intake']));
    expect(group).toContain(extra.serial);
    const future = await addLines(desk, [line(f.channelId, { mallProductCode: 'SET', mallOption: '' })]);
    expect(future.created).toHaveLength(2);
  });

  it('refuses an empty or invalid match and saves nothing', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId, { mallProductCode: 'P-9', mallOption: '' })]);
    const base = { channelId: f.channelId, mallProductCode: 'P-9' };

    await expectDomainError(matchProduct(desk, op, { ...base, items: [] }), 'VALIDATION', { field: 'items' });
    await expectDomainError(
      matchProduct(desk, op, { ...base, items: [{ productId: f.productId, quantity: 0 }] }),
      'VALIDATION',
      { field: 'quantity' },
    );
    await expectDomainError(
      matchProduct(desk, op, {
        ...base,
        mallProductCode: ' ',
        items: [{ productId: f.productId, quantity: 1 }],
      }),
      'VALIDATION',
      { field: 'mallProductCode' },
    );
    await expectDomainError(
      matchProduct(desk, op, { ...base, items: [{ productId: 999, quantity: 1 }] }),
      'NOT_FOUND',
      { field: 'productId' },
    );
    await expectDomainError(
      matchProduct(desk, op, { ...base, channelId: 999, items: [{ productId: f.productId, quantity: 1 }] }),
      'NOT_FOUND',
      { field: 'channelId' },
    );

    expect(await desk.store.transaction((tx) => tx.catalog.matchFor(f.channelId, 'P-9', ''))).toBeNull();
    expect((await allOrders(desk)).map((r) => r.stage)).toEqual(['unmatched']);
    expect(await stagesOf(desk, created)).toEqual({ [created[0]!]: 'unmatched' });
  });
});
