// Every change records who did it, from where, what and why, and which orders; reading personal data
// in full is recorded too; lists show personal data masked.
import { beforeAll, describe, expect, it } from 'vitest';
import { addOrder, matchProduct } from '../../src/domain/services/intake.js';
import { addNote } from '../../src/domain/services/notes.js';
import {
  claimOrders,
  deleteOrders,
  editDelivery,
  holdOrders,
  moveOrdersNext,
  releaseOrders,
  restoreOrders,
} from '../../src/domain/services/order-actions.js';
import { auditTrail, listOrders, orderDetail } from '../../src/domain/services/queries.js';
import type { Actor } from '../../src/domain/types.js';
import { actor, addLines, freshDesk, line, seedCatalog } from '../support/desk.js';
import { auditOf, expectDomainError, fixedClock, giftEvent, openTestDatabase } from './helpers.js';

beforeAll(openTestDatabase);

/** An admin acting from Discord: the entry must name this identity and this source. */
const who: Actor = { id: 'discord:4242', role: 'admin', source: 'discord' };

describe('the audit trail', () => {
  it('every change to an order writes an entry with actor, source, action, reason and serials', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created, unmatched } = await addLines(desk, [
      line(f.channelId),
      line(f.channelId),
      line(f.channelId, { mallProductCode: 'P-9', mallOption: '' }),
    ]);
    const [a, b] = created as [number, number];
    const [u] = unmatched as [number];
    const steps: [
      string,
      () => Promise<unknown>,
      { action: string; reason: string | null; serials: number[] },
    ][] = [
      [
        'hold',
        () => holdOrders(desk, who, { serials: [a], reason: '주소 확인' }),
        { action: 'hold', reason: '주소 확인', serials: [a] },
      ],
      [
        'release',
        () => releaseOrders(desk, who, { serials: [a] }),
        { action: 'release', reason: null, serials: [a] },
      ],
      [
        'edit',
        () =>
          editDelivery(desk, who, {
            serial: a,
            fields: {
              recipientName: '최지우',
              recipientPhone: '010-5555-6666',
              address: '부산광역시 해운대구 우동 1408',
              zip: '08095',
              deliveryMessage: '',
            },
          }),
        { action: 'edit', reason: null, serials: [a] },
      ],
      [
        'next',
        () => moveOrdersNext(desk, who, { serials: [a] }),
        { action: 'next', reason: null, serials: [a] },
      ],
      [
        'delete',
        () => deleteOrders(desk, who, { serials: [b], reason: '중복' }),
        { action: 'delete', reason: '중복', serials: [b] },
      ],
      [
        'restore',
        () => restoreOrders(desk, who, { serials: [b] }),
        { action: 'restore', reason: null, serials: [b] },
      ],
      [
        'claim',
        () => claimOrders(desk, who, { serials: [b], type: 'cancel', reason: '고객 변심' }),
        { action: 'claim', reason: '고객 변심', serials: [b] },
      ],
      [
        'match',
        () =>
          matchProduct(desk, who, {
            channelId: f.channelId,
            mallProductCode: 'P-9',
            items: [{ productId: f.productId, quantity: 1 }],
          }),
        { action: 'match', reason: null, serials: [u] },
      ],
      [
        'cs note',
        () => addNote(desk, who, 'cs', u, '문의'),
        { action: 'cs_note', reason: null, serials: [u] },
      ],
      [
        'message',
        () => addNote(desk, who, 'message', u, '메모'),
        { action: 'message', reason: null, serials: [u] },
      ],
    ];

    for (const [name, step, expected] of steps) {
      const before = (await auditOf(desk)).length;
      await step();
      const after = await auditOf(desk);
      expect(after.length, `${name} writes one entry`).toBe(before + 1);
      expect(after[0], name).toMatchObject({ actor: who.id, source: 'discord', ...expected });
      expect(after[0]!.at, name).toBeInstanceOf(Date);
    }
  });

  it('adding an order by hand is recorded', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);

    const { created } = await addOrder(desk, who, {
      channelId: f.channelId,
      productId: f.productId,
      quantity: 1,
      unitPriceKrw: 32000,
      ordererName: '김민수',
      ordererPhone: '010-1234-5678',
      recipientName: '김민수',
      recipientPhone: '010-1234-5678',
      address: '서울특별시 강남구 테헤란로 1',
      zip: '06236',
    });

    const [entry] = await auditOf(desk, { serial: created[0]! });
    expect(entry).toMatchObject({ actor: who.id, source: 'discord', action: 'add', serials: created });
  });

  it('gift orders removed or brought back with their parent are named in the trail', async () => {
    const { desk } = await freshDesk({}, fixedClock);
    const f = await seedCatalog(desk);
    await giftEvent(desk, f);
    const { created, gifts } = await addLines(desk, [
      line(f.channelId),
      line(f.channelId),
      line(f.channelId),
    ]);
    const [held, deleted, cancelled] = created as [number, number, number];
    const [heldGift, deletedGift, cancelledGift] = gifts as [number, number, number];
    const latest = async (serial: number) => (await auditOf(desk, { serial }))[0];

    await holdOrders(desk, who, { serials: [held], reason: '확인' });
    expect(await latest(heldGift)).toMatchObject({ actor: who.id, action: 'delete', reason: 'parent held' });
    await releaseOrders(desk, who, { serials: [held] });
    expect(await latest(heldGift)).toMatchObject({ actor: who.id, action: 'restore' });

    await deleteOrders(desk, who, { serials: [deleted], reason: '중복' });
    expect(await latest(deletedGift)).toMatchObject({
      actor: who.id,
      action: 'delete',
      reason: 'parent deleted',
    });
    await restoreOrders(desk, who, { serials: [deleted] });
    expect(await latest(deletedGift)).toMatchObject({ actor: who.id, action: 'restore' });

    await claimOrders(desk, who, { serials: [cancelled], type: 'cancel', reason: '변심' });
    expect(await latest(cancelledGift)).toMatchObject({
      actor: who.id,
      action: 'delete',
      reason: 'parent cancelled',
    });
  });

  it('the trail is for approvers and admins, filtered by order', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId), line(f.channelId)]);
    const [a, b] = created as [number, number];
    await holdOrders(desk, who, { serials: [a], reason: '확인' });
    await holdOrders(desk, who, { serials: [b], reason: '확인' });

    await expectDomainError(auditTrail(desk, actor('operator'), {}), 'FORBIDDEN');
    const trail = await auditTrail(desk, actor('approver'), { serial: a });

    expect(trail.map((e) => [e.action, e.serials])).toEqual([['hold', [a]]]);
  });
});

describe('personal data', () => {
  it("reading an order's detail shows personal data in full and writes 'view_personal_data'", async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [
      line(f.channelId, { recipientName: '김민수', recipientPhone: '010-9876-1234', ordererName: '박영희' }),
    ]);
    const [a] = created as [number];
    await holdOrders(desk, who, { serials: [a], reason: '확인' });
    const viewer = actor('viewer');

    const detail = await orderDetail(desk, viewer, a);

    expect(detail.order).toMatchObject({
      recipientName: '김민수',
      recipientPhone: '010-9876-1234',
      ordererName: '박영희',
      address: '서울특별시 강남구 테헤란로 1',
    });
    expect(detail.history.map((e) => e.action)).toEqual(['hold']);
    const [entry] = await auditOf(desk, { serial: a });
    expect(entry).toMatchObject({
      actor: viewer.id,
      source: 'slack',
      action: 'view_personal_data',
      serials: [a],
      detail: { view: 'detail' },
    });
  });

  it('lists mask names, phones and addresses (김*수, 010-****-1234) and are not recorded as reads', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    await addLines(desk, [
      line(f.channelId, {
        recipientName: '김민수',
        recipientPhone: '01098761234',
        ordererName: '남궁민수',
        ordererPhone: '02-123-4567',
        address: '서울특별시 강남구 테헤란로 1 101동',
      }),
    ]);

    const { items } = await listOrders(desk, actor('viewer'), {});

    expect(items[0]).toMatchObject({
      recipientName: '김*수',
      recipientPhone: '010-****-1234',
      ordererName: '남**수',
      ordererPhone: '02-***-4567',
      address: '서울특별시 강남구 …',
    });
    expect(await auditOf(desk, { action: 'view_personal_data' })).toEqual([]);
  });
});
