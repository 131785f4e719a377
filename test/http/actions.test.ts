// POST /api/v1/orders/actions/{action}: every action through REST, with what the database shows after.
import { describe, expect, it } from 'vitest';
import type { Desk } from '../../src/domain/context.js';
import { addLines, type Fixture, line, seedCatalog } from '../support/desk.js';
import {
  type ActionBody,
  ADMIN,
  allOrders,
  auditOf,
  expectError,
  grantRole,
  type Harness,
  harness,
  OPERATOR,
  rowOf,
  rowsOf,
  VIEWER,
} from './helpers.js';

async function act(
  h: Harness,
  action: string,
  body: Record<string, unknown>,
  options: { actor?: string; lang?: string } = {},
): Promise<ActionBody> {
  const res = await h.api('POST', `/orders/actions/${action}`, { body, ...options });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as ActionBody;
}

/** A gift event on the fixture's channel: every order of product A gets an eco bag. */
async function giftEvent(h: Harness, f: Fixture): Promise<number> {
  const res = await h.api('POST', '/gift-events', {
    body: {
      channelId: f.channelId,
      name: '에코백 증정',
      productIds: [f.productId],
      startsOn: '2000-01-01',
      endsOn: '2999-12-31',
      minQuantity: 1,
      giftProductId: f.giftProductId,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

async function stages(desk: Desk, serials: number[]): Promise<(string | null)[]> {
  const rows = await rowsOf(desk, serials);
  return serials.map((s) => rows.get(s)?.stage ?? null);
}

describe('hold and release (R3)', () => {
  it('hold with a reason removes the gift order; release brings both back', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    await giftEvent(h, f);
    const { created, gifts } = await addLines(h.desk, [line(f.channelId), line(f.channelId)]);
    const [parent, other] = created as [number, number];
    expect(gifts).toHaveLength(2);
    const gift = [...(await rowsOf(h.desk, gifts)).values()].find(
      (g) => g.giftParentSerial === parent,
    )!.serial;

    const held = await act(h, 'hold', { serials: [parent], reason: ' 주소 확인 필요 ' });
    expect(held).toEqual({
      action: 'hold',
      done: 1,
      refused: 0,
      results: [{ serial: parent, status: 'done' }],
      giftsRemoved: [gift],
      addedByPackingGroup: [],
    });
    expect(await rowOf(h.desk, parent)).toMatchObject({
      stage: 'held',
      holdReason: '주소 확인 필요',
      updatedBy: 'api',
    });
    expect(await rowOf(h.desk, gift)).toMatchObject({
      deleteReason: 'parent held',
      deletedAt: expect.any(Date),
    });
    expect(await rowOf(h.desk, other)).toMatchObject({ stage: 'intake', deletedAt: null });
    const detail = (await h.api('GET', `/orders/${parent}`)).json();
    expect(detail).toMatchObject({ stage: 'held', holdReason: '주소 확인 필요', gifts: [] });
    expect((await auditOf(h.desk, { action: 'hold' }))[0]).toMatchObject({
      reason: '주소 확인 필요',
      serials: [parent],
    });

    const released = await act(h, 'release', { serials: [parent] });
    expect(released).toMatchObject({
      action: 'release',
      done: 1,
      results: [{ serial: parent, status: 'done' }],
    });
    expect(await rowOf(h.desk, parent)).toMatchObject({ stage: 'intake', holdReason: null });
    expect(await rowOf(h.desk, gift)).toMatchObject({ deletedAt: null, deleteReason: null, stage: 'intake' });

    // Releasing an order that is not held is refused, and changes nothing.
    const again = await act(h, 'release', { serials: [parent] });
    expect(again.results).toEqual([
      expect.objectContaining({
        serial: parent,
        status: 'refused',
        code: 'STAGE_NOT_ALLOWED',
        stage: 'intake',
      }),
    ]);
  });

  it('hold needs a reason and serials: 400, nothing changes', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    const before = await allOrders(h.desk);
    expectError(
      await h.api('POST', '/orders/actions/hold', { body: { serials: created } }),
      400,
      'VALIDATION',
    );
    expectError(
      await h.api('POST', '/orders/actions/hold', { body: { serials: created, reason: '   ' } }),
      400,
      'BAD_REQUEST',
    );
    expectError(await h.api('POST', '/orders/actions/hold', { body: { reason: '확인' } }), 400, 'VALIDATION');
    expectError(
      await h.api('POST', '/orders/actions/hold', { body: { serials: [], reason: '확인' } }),
      400,
      'BAD_REQUEST',
    );
    expectError(
      await h.api('POST', '/orders/actions/hold', { body: { serials: created, reason: 'x'.repeat(501) } }),
      400,
      'BAD_REQUEST',
    );
    expect(await allOrders(h.desk)).toEqual(before);
  });

  it('hold with packingGroup takes the orders in the same box along (R8)', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const sameBox = { recipientName: '같은사람', address: '서울 종로구 1', zip: '03000' };
    const { created } = await addLines(h.desk, [
      line(f.channelId, sameBox),
      line(f.channelId, sameBox),
      line(f.channelId),
    ]);
    const [a, b, c] = created as [number, number, number];
    const held = await act(h, 'hold', { serials: [a], reason: '합포장 보류', packingGroup: true });
    expect(held).toMatchObject({ done: 2, addedByPackingGroup: [b] });
    expect(await stages(h.desk, [a, b, c])).toEqual(['held', 'held', 'intake']);
  });
});

describe('delete and restore (R5)', () => {
  it('an operator deletes with a reason; only an admin restores (an operator gets 403)', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    await giftEvent(h, f);
    const { created, gifts } = await addLines(h.desk, [line(f.channelId)]);
    const serial = created[0]!;
    const deleted = await act(h, 'delete', { serials: [serial], reason: '중복 주문' }, { actor: OPERATOR });
    expect(deleted).toMatchObject({ action: 'delete', done: 1, giftsRemoved: gifts });
    expect(await rowOf(h.desk, serial)).toMatchObject({
      deleteReason: '중복 주문',
      deletedAt: expect.any(Date),
    });
    expect(await rowOf(h.desk, gifts[0]!)).toMatchObject({ deleteReason: 'parent deleted' });
    // Gone for everyone but an admin.
    expectError(await h.api('GET', `/orders/${serial}`), 404, 'NOT_FOUND');
    expect((await h.api('GET', '/orders')).json().items).toEqual([]);
    const asAdmin = await h.api('GET', `/orders/${serial}`, { actor: ADMIN });
    expect(asAdmin.json()).toMatchObject({ serial, deleteReason: '중복 주문' });

    const before = await allOrders(h.desk);
    const refused = await h.api('POST', '/orders/actions/restore', {
      body: { serials: [serial] },
      actor: OPERATOR,
    });
    expect(expectError(refused, 403, 'FORBIDDEN')).toBe('권한이 없습니다 (필요한 역할: admin)');
    expect(await allOrders(h.desk)).toEqual(before);

    const restored = await act(h, 'restore', { serials: [serial] }, { actor: ADMIN });
    expect(restored).toMatchObject({ action: 'restore', done: 1 });
    expect(await rowOf(h.desk, serial)).toMatchObject({
      deletedAt: null,
      deleteReason: null,
      stage: 'intake',
    });
    expect(await rowOf(h.desk, gifts[0]!)).toMatchObject({ deletedAt: null });
    // Restoring what is not deleted is refused per order.
    const twice = await act(h, 'restore', { serials: [serial] }, { actor: ADMIN });
    expect(twice.results).toEqual([expect.objectContaining({ code: 'NOT_DELETED', status: 'refused' })]);
  });
});

describe('claims (R4, R10)', () => {
  it('a cancel before the WMS closes the order as cancelled, with the claim and badge', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    await giftEvent(h, f);
    const { created, gifts } = await addLines(h.desk, [line(f.channelId)]);
    const serial = created[0]!;
    const claimed = await act(h, 'claim', { serials: [serial], type: 'cancel', reason: '고객 변심' });
    expect(claimed).toMatchObject({
      action: 'claim',
      done: 1,
      results: [{ serial, status: 'done' }],
      giftsRemoved: gifts,
    });
    const detail = (await h.api('GET', `/orders/${serial}`)).json();
    expect(detail).toMatchObject({
      stage: 'closed',
      closedStatus: 'cancelled',
      badges: expect.arrayContaining(['excel', 'cancel']),
      claims: [
        expect.objectContaining({
          type: 'cancel',
          reason: '고객 변심',
          status: 'completed',
          source: 'manual',
        }),
      ],
    });
    expect(await rowOf(h.desk, gifts[0]!)).toMatchObject({ deleteReason: 'parent cancelled' });
    // A closed, cancelled order takes no further claim; a bad type is a 400.
    const again = await act(h, 'claim', { serials: [serial], type: 'return', reason: '반품' });
    expect(again.results[0]).toMatchObject({ status: 'refused', code: 'STAGE_NOT_ALLOWED' });
    expectError(
      await h.api('POST', '/orders/actions/claim', {
        body: { serials: [serial], type: 'refund', reason: 'x' },
      }),
      400,
      'BAD_REQUEST',
    );
    expectError(
      await h.api('POST', '/orders/actions/claim', { body: { serials: [serial], reason: 'x' } }),
      400,
      'VALIDATION',
    );
    expectError(
      await h.api('POST', '/orders/actions/claim', {
        body: { serials: [serial], type: 'exchange', reason: '교환', newProductId: 999 },
      }),
      404,
      'NOT_FOUND',
    );
  });
});

describe('next step (R1, R6, R7)', () => {
  it('moves intake orders to processing, except those with an unmatched sibling (UNMATCHED_SIBLING)', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [
      line(f.channelId, { mallOrderNo: 'SIB-1', mallLineNo: '1' }),
      line(f.channelId, { mallOrderNo: 'SIB-1', mallLineNo: '2', mallProductCode: 'P-NEW' }),
      line(f.channelId, { mallOrderNo: 'FREE-1' }),
    ]);
    const [blocked, unmatched, free] = created as [number, number, number];
    expect(await stages(h.desk, created)).toEqual(['intake', 'unmatched', 'intake']);

    const moved = await act(h, 'next', { serials: [blocked, free, unmatched] }, { lang: 'en' });
    expect(moved.action).toBe('next');
    expect(moved.results).toEqual([
      {
        serial: blocked,
        status: 'refused',
        code: 'UNMATCHED_SIBLING',
        message: 'an unmatched order with the same mall order number must be matched first',
        stage: 'intake',
      },
      {
        serial: unmatched,
        status: 'refused',
        code: 'STAGE_NOT_ALLOWED',
        message: expect.any(String),
        stage: 'unmatched',
        by: 'system',
      },
      { serial: free, status: 'done' },
    ]);
    expect(await stages(h.desk, created)).toEqual(['intake', 'unmatched', 'processing']);

    // Matching the sibling's product releases the block.
    const match = await h.api('POST', '/matches', {
      body: {
        channelId: f.channelId,
        mallProductCode: 'P-NEW',
        mallOption: 'red',
        items: [{ productId: f.productId }],
      },
    });
    expect(match.statusCode, match.body).toBe(201);
    expect(match.json().released).toEqual([unmatched]);
    const now = await act(h, 'next', { serials: [blocked, unmatched] });
    expect(now).toMatchObject({ done: 2, refused: 0 });
    expect(await stages(h.desk, created)).toEqual(['processing', 'processing', 'processing']);
  });

  it('batch next by channelIds moves that channel only, R1 still applies', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [
      line(f.channelId),
      line(f.channelId),
      line(f.channelId, { mallOrderNo: 'SIB-2', mallLineNo: '1' }),
      line(f.channelId, { mallOrderNo: 'SIB-2', mallLineNo: '2', mallProductCode: 'P-NEW' }),
      line(f.otherChannelId),
    ]);
    const [a, b, blocked, unmatched, other] = created as [number, number, number, number, number];
    const batch = await act(h, 'next', { channelIds: [f.channelId] }, { actor: OPERATOR });
    expect(batch).toMatchObject({ action: 'batch_next', done: 2, refused: 1 });
    expect(batch.results).toEqual([
      { serial: a, status: 'done' },
      { serial: b, status: 'done' },
      expect.objectContaining({ serial: blocked, status: 'refused', code: 'UNMATCHED_SIBLING' }),
    ]);
    expect(await stages(h.desk, [a, b, blocked, unmatched, other])).toEqual([
      'processing',
      'processing',
      'intake',
      'unmatched',
      'intake',
    ]);
    expect((await auditOf(h.desk, { action: 'batch_next' }))[0]).toMatchObject({
      actor: OPERATOR,
      serials: [a, b],
      detail: { channelIds: [f.channelId], blocked: [blocked] },
    });
    // An unknown channel: 404, nothing moves.
    const before = await allOrders(h.desk);
    expectError(
      await h.api('POST', '/orders/actions/next', { body: { channelIds: [f.otherChannelId, 999] } }),
      404,
      'NOT_FOUND',
    );
    expect(await allOrders(h.desk)).toEqual(before);
  });
});

describe('stale versions', () => {
  it('an order changed since the caller saw it is refused with STALE_VERSION and left alone', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId), line(f.channelId)]);
    const [stale, fresh] = created as [number, number];
    const seen = (await h.api('GET', `/orders/${stale}`)).json().version as number;
    // Someone else holds and releases it meanwhile.
    await act(h, 'hold', { serials: [stale], reason: '잠깐' }, { actor: OPERATOR });
    await act(h, 'release', { serials: [stale] }, { actor: OPERATOR });
    const now = await rowOf(h.desk, stale);
    expect(now.version).toBeGreaterThan(seen);

    const res = await act(
      h,
      'hold',
      { serials: [stale, fresh], reason: '보류', versions: { [stale]: seen, [fresh]: 1 } },
      { lang: 'en' },
    );
    expect(res.results).toEqual([
      {
        serial: stale,
        status: 'refused',
        code: 'STALE_VERSION',
        message: `changed by ${OPERATOR} in the meantime (now intake); refresh and try again`,
        stage: 'intake',
        by: OPERATOR,
      },
      { serial: fresh, status: 'done' },
    ]);
    expect(await rowOf(h.desk, stale)).toEqual(now);
    expect((await rowOf(h.desk, fresh)).stage).toBe('held');

    for (const action of ['delete', 'release', 'next'] as const) {
      const before = await allOrders(h.desk);
      const body =
        action === 'delete'
          ? { serials: [stale], reason: '삭제', versions: { [stale]: seen } }
          : { serials: [stale], versions: { [stale]: seen } };
      const out = await act(h, action, body);
      expect(out.results, action).toEqual([
        expect.objectContaining({ status: 'refused', code: 'STALE_VERSION' }),
      ]);
      expect(await allOrders(h.desk), action).toEqual(before);
    }
  });
});

describe('roles', () => {
  it('a viewer is refused every action with 403 FORBIDDEN, and nothing changes', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    await grantRole(h, VIEWER, 'viewer');
    const before = await allOrders(h.desk);
    const auditBefore = await auditOf(h.desk);
    const bodies: Record<string, Record<string, unknown>> = {
      hold: { serials: created, reason: '확인' },
      release: { serials: created },
      delete: { serials: created, reason: '삭제' },
      restore: { serials: created },
      claim: { serials: created, type: 'cancel', reason: '취소' },
      next: { serials: created },
    };
    for (const [action, body] of Object.entries(bodies)) {
      const res = await h.api('POST', `/orders/actions/${action}`, { body, actor: VIEWER, lang: 'en' });
      expect(expectError(res, 403, 'FORBIDDEN'), action).toMatch(
        /^you are not allowed to do that \(needs role/,
      );
    }
    expectError(
      await h.api('POST', '/orders/actions/next', { body: { channelIds: [f.channelId] }, actor: VIEWER }),
      403,
      'FORBIDDEN',
    );
    expect(await allOrders(h.desk)).toEqual(before);
    expect(await auditOf(h.desk)).toEqual(auditBefore);
    // A viewer still reads.
    expect((await h.api('GET', '/orders', { actor: VIEWER })).statusCode).toBe(200);
    expect((await h.api('GET', `/orders/${created[0]}`, { actor: VIEWER })).statusCode).toBe(200);
  });

  it('a role taken away applies at the next request', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId), line(f.channelId)]);
    await act(h, 'hold', { serials: [created[0]], reason: '확인' }, { actor: OPERATOR });
    await grantRole(h, OPERATOR, 'viewer');
    expectError(
      await h.api('POST', '/orders/actions/hold', {
        body: { serials: [created[1]], reason: '확인' },
        actor: OPERATOR,
      }),
      403,
      'FORBIDDEN',
    );
    expect(await stages(h.desk, created)).toEqual(['held', 'intake']);
    // Only an admin gives roles.
    expectError(
      await h.api('PUT', `/identities/${encodeURIComponent(VIEWER)}/role`, {
        body: { role: 'admin' },
        actor: OPERATOR,
      }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await h.api('PUT', '/identities/not-an-identity/role', { body: { role: 'admin' }, actor: ADMIN }),
      400,
      'VALIDATION',
    );
  });
});

describe('WMS events', () => {
  it('registered moves orders to shipping; hold is then refused with REGISTERED_IN_WMS; delivered closes', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId), line(f.channelId)]);
    const [shipped, waiting] = created as [number, number];
    await act(h, 'next', { serials: [shipped] });

    const registered = await h.api('POST', '/wms/events', {
      body: { event: 'registered', serials: [shipped, waiting] },
    });
    expect(registered.statusCode, registered.body).toBe(200);
    expect(registered.json()).toEqual({ updated: [shipped], ignored: [waiting] });
    expect(await rowOf(h.desk, shipped)).toMatchObject({
      stage: 'shipping',
      wmsRegisteredAt: expect.any(Date),
    });

    const before = await rowOf(h.desk, shipped);
    const hold = await act(h, 'hold', { serials: [shipped, waiting], reason: '보류' });
    expect(hold.results).toEqual([
      {
        serial: shipped,
        status: 'refused',
        code: 'REGISTERED_IN_WMS',
        message: '이미 WMS에 출고등록된 주문서입니다',
        stage: 'shipping',
        by: 'api',
      },
      { serial: waiting, status: 'done' },
    ]);
    expect(await rowOf(h.desk, shipped)).toEqual(before);
    const del = await act(h, 'delete', { serials: [shipped], reason: '삭제' });
    expect(del.results[0]).toMatchObject({ code: 'REGISTERED_IN_WMS' });

    const delivered = await h.api('POST', '/wms/events', {
      body: { event: 'delivered', serials: [shipped] },
    });
    expect(delivered.json()).toEqual({ updated: [shipped], ignored: [] });
    expect(await rowOf(h.desk, shipped)).toMatchObject({ stage: 'closed', closedStatus: 'delivered' });
    expectError(
      await h.api('POST', '/wms/events', { body: { event: 'lost', serials: [shipped] } }),
      400,
      'BAD_REQUEST',
    );
  });
});
