// R4, R10: manual claims (cancel / return / exchange).
import { beforeAll, describe, expect, it } from 'vitest';
import { claimOrders, holdOrders, moveOrdersNext } from '../../src/domain/services/order-actions.js';
import { listOrders } from '../../src/domain/services/queries.js';
import { actor, addLines, freshDesk, line, seedCatalog } from '../support/desk.js';
import {
  allOrders,
  auditOf,
  claimsOf,
  expectDomainError,
  openTestDatabase,
  putInDelivered,
  putInReady,
  putInShipping,
  rowOf,
  rowsOf,
} from './helpers.js';

beforeAll(openTestDatabase);

const op = actor('operator');

describe('R10: manual cancel before the WMS', () => {
  it("R10: a manual cancel on an intake, processing or ready order completes at once and closes it as cancelled with the 'cancel' badge", async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId), line(f.channelId), line(f.channelId)]);
    const [intake, processing, ready] = created as [number, number, number];
    await moveOrdersNext(desk, op, { serials: [processing] });
    await putInReady(desk, [ready]);

    const result = await claimOrders(desk, op, { serials: created, type: 'cancel', reason: '고객 변심' });

    expect(result).toMatchObject({ action: 'claim', done: [intake, processing, ready], refused: [] });
    for (const row of await rowsOf(desk, created)) {
      expect(row).toMatchObject({ stage: 'closed', closedStatus: 'cancelled', updatedBy: op.id });
      expect(row.badges).toEqual(['excel', 'cancel']);
    }
    for (const serial of created) {
      const [claim, ...more] = await claimsOf(desk, serial);
      expect(more).toEqual([]);
      expect(claim).toMatchObject({
        type: 'cancel',
        reason: '고객 변심',
        source: 'manual',
        status: 'completed',
      });
      expect(claim!.completedAt).toBeInstanceOf(Date);
      expect(claim!.createdBy).toBe(op.id);
    }
    const [entry] = await auditOf(desk, { action: 'claim' });
    expect(entry).toMatchObject({ actor: op.id, reason: '고객 변심', serials: created });
    expect(entry!.detail).toMatchObject({ type: 'cancel', closed: created });
  });

  it('R10: a cancelled order is listed under closed, not under intake', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId), line(f.channelId)]);
    const [a, b] = created as [number, number];

    await claimOrders(desk, op, { serials: [a], type: 'cancel', reason: '고객 변심' });

    expect((await listOrders(desk, op, { stage: 'intake' })).items.map((o) => o.serial)).toEqual([b]);
    expect((await listOrders(desk, op, { stage: 'closed' })).items.map((o) => o.serial)).toEqual([a]);
  });

  it('R10: a cancelled order takes no further claim', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const [a] = created as [number];
    await claimOrders(desk, op, { serials: [a], type: 'cancel', reason: '고객 변심' });

    const again = await claimOrders(desk, op, { serials: [a], type: 'cancel', reason: '다시' });
    const ret = await claimOrders(desk, op, { serials: [a], type: 'return', reason: '반품' });

    expect(again.refused).toEqual([{ serial: a, code: 'STAGE_NOT_ALLOWED', stage: 'closed', by: op.id }]);
    expect(ret.refused).toEqual([{ serial: a, code: 'STAGE_NOT_ALLOWED', stage: 'closed', by: op.id }]);
    expect(await claimsOf(desk, a)).toHaveLength(1);
  });
});

describe('R10: who and when', () => {
  it('R10: a manual claim can be created for B2C orders only', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId, { kind: 'B2B' }), line(f.channelId)]);
    const [b2b, b2c] = created as [number, number];

    const result = await claimOrders(desk, op, { serials: [b2b, b2c], type: 'cancel', reason: '취소' });

    expect(result.done).toEqual([b2c]);
    expect(result.refused).toEqual([{ serial: b2b, code: 'NOT_B2C', stage: 'intake', by: 'system' }]);
    expect(await rowOf(desk, b2b)).toMatchObject({ stage: 'intake', closedStatus: null, badges: ['excel'] });
    expect(await claimsOf(desk, b2b)).toEqual([]);
  });

  it('R10: in ready, only cancel claims can be created', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const [a] = created as [number];
    await putInReady(desk, [a]);

    const ret = await claimOrders(desk, op, { serials: [a], type: 'return', reason: '반품' });
    const exchange = await claimOrders(desk, op, { serials: [a], type: 'exchange', reason: '교환' });

    for (const result of [ret, exchange]) {
      expect(result.done).toEqual([]);
      expect(result.refused).toEqual([
        { serial: a, code: 'CLAIM_TYPE_NOT_ALLOWED', stage: 'ready', by: 'slack:T1:USETUP' },
      ]);
    }
    expect(await claimsOf(desk, a)).toEqual([]);
    expect(await rowOf(desk, a)).toMatchObject({ stage: 'ready', badges: ['excel'] });
  });

  it('R10: a return on an order registered in the WMS stays open and leaves the order where it is', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId), line(f.channelId)]);
    const [shipping, delivered] = created as [number, number];
    await putInShipping(desk, [shipping]);
    await putInDelivered(desk, [delivered]);

    const result = await claimOrders(desk, op, {
      serials: created,
      type: 'return',
      reason: '단순 변심 반품',
    });

    expect(result.done).toEqual(created);
    expect(await rowOf(desk, shipping)).toMatchObject({ stage: 'shipping', closedStatus: null });
    expect(await rowOf(desk, delivered)).toMatchObject({ stage: 'closed', closedStatus: 'delivered' });
    for (const serial of created) {
      expect((await rowOf(desk, serial)).badges).toEqual(['excel', 'return']);
      const [claim] = await claimsOf(desk, serial);
      expect(claim).toMatchObject({ type: 'return', status: 'open', completedAt: null, source: 'manual' });
    }
  });

  it('R10: a manual claim on a held order can only cancel it', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId), line(f.channelId)]);
    const [a, b] = created as [number, number];
    await holdOrders(desk, op, { serials: [a, b], reason: '확인' });

    const exchange = await claimOrders(desk, op, { serials: [a], type: 'exchange', reason: '교환' });
    const cancel = await claimOrders(desk, op, { serials: [b], type: 'cancel', reason: '취소' });

    expect(exchange.refused).toEqual([
      { serial: a, code: 'CLAIM_TYPE_NOT_ALLOWED', stage: 'held', by: op.id },
    ]);
    expect(cancel.done).toEqual([b]);
    expect(await rowOf(desk, b)).toMatchObject({
      stage: 'closed',
      closedStatus: 'cancelled',
      holdReason: null,
    });
  });

  it('R10: a claim needs a reason', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const before = await allOrders(desk);

    await expectDomainError(
      claimOrders(desk, op, { serials: created, type: 'cancel', reason: ' ' }),
      'VALIDATION',
      {
        field: 'reason',
      },
    );

    expect(await allOrders(desk)).toEqual(before);
    expect(await claimsOf(desk, created[0]!)).toEqual([]);
  });
});

describe('R4: multi-order claims', () => {
  it('R4: a multi-order claim takes a type and a reason only: a new product is refused and nothing is stored', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId), line(f.channelId)]);
    await putInDelivered(desk, created);
    const before = await allOrders(desk);

    await expectDomainError(
      claimOrders(desk, op, {
        serials: created,
        type: 'exchange',
        reason: '사이즈 교환',
        newProductId: f.productId,
      }),
      'VALIDATION',
      { field: 'newProductId', rule: 'R4' },
    );

    expect(await allOrders(desk)).toEqual(before);
    for (const serial of created) expect(await claimsOf(desk, serial)).toEqual([]);
  });

  it('R4: a multi-order claim with type and reason files one claim per order', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId), line(f.channelId)]);
    await putInDelivered(desk, created);

    const result = await claimOrders(desk, op, { serials: created, type: 'exchange', reason: '사이즈 교환' });

    expect(result.done).toEqual(created);
    for (const serial of created) {
      const claims = await claimsOf(desk, serial);
      expect(claims).toHaveLength(1);
      expect(claims[0]).toMatchObject({ type: 'exchange', status: 'open', newProductId: null });
      expect((await rowOf(desk, serial)).badges).toContain('exchange');
    }
  });

  it('R4: a single-order exchange may name the product the customer gets instead', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const [a] = created as [number];
    await putInDelivered(desk, [a]);

    await expectDomainError(
      claimOrders(desk, op, { serials: [a], type: 'exchange', reason: '교환', newProductId: 999 }),
      'NOT_FOUND',
      { field: 'newProductId' },
    );
    expect(await claimsOf(desk, a)).toEqual([]);

    const result = await claimOrders(desk, op, {
      serials: [a],
      type: 'exchange',
      reason: '색상 교환',
      newProductId: f.giftProductId,
    });

    expect(result.done).toEqual([a]);
    const [claim] = await claimsOf(desk, a);
    expect(claim).toMatchObject({ type: 'exchange', newProductId: f.giftProductId, status: 'open' });
  });
});
