// Roles: viewer < operator < approver < admin, per chat identity; bootstrap admins from the policy.
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveActor, setRole } from '../../src/domain/services/actors.js';
import { approverIdentities } from '../../src/domain/services/approvals.js';
import { startCollection } from '../../src/domain/services/collection.js';
import { createGiftEvent } from '../../src/domain/services/gift-events.js';
import { addOrder, matchProduct } from '../../src/domain/services/intake.js';
import { addNote } from '../../src/domain/services/notes.js';
import {
  claimOrders,
  deleteOrders,
  editDelivery,
  holdOrders,
  moveChannelsNext,
  moveOrdersNext,
  releaseOrders,
  restoreOrders,
} from '../../src/domain/services/order-actions.js';
import { auditTrail, exportOrders } from '../../src/domain/services/queries.js';
import { actor, addLines, freshDesk, line, seedCatalog } from '../support/desk.js';
import { allOrders, auditOf, drain, expectDomainError, openTestDatabase } from './helpers.js';

beforeAll(openTestDatabase);

const viewer = actor('viewer');

describe('viewers look, they do not act', () => {
  it('a viewer cannot change orders: every action is refused as FORBIDDEN and nothing changes', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId), line(f.channelId)]);
    const [a, b] = created as [number, number];
    await holdOrders(desk, actor('operator'), { serials: [b], reason: '확인' });
    const before = await allOrders(desk);
    const auditBefore = await auditOf(desk);
    const delivery = {
      recipientName: '최지우',
      recipientPhone: '010-5555-6666',
      address: '부산광역시 해운대구 우동 1408',
      zip: '08095',
      deliveryMessage: '',
    };

    const attempts: (() => Promise<unknown>)[] = [
      () => holdOrders(desk, viewer, { serials: [a], reason: '확인' }),
      () => releaseOrders(desk, viewer, { serials: [b] }),
      () => deleteOrders(desk, viewer, { serials: [a], reason: '중복' }),
      () => restoreOrders(desk, viewer, { serials: [a] }),
      () => claimOrders(desk, viewer, { serials: [a], type: 'cancel', reason: '취소' }),
      () => moveOrdersNext(desk, viewer, { serials: [a] }),
      () => moveChannelsNext(desk, viewer, { channelIds: [f.channelId] }),
      () => editDelivery(desk, viewer, { serial: a, fields: delivery }),
      () =>
        addOrder(desk, viewer, {
          channelId: f.channelId,
          productId: f.productId,
          quantity: 1,
          unitPriceKrw: 1000,
          ordererName: '김민수',
          ordererPhone: '010-1234-5678',
          ...delivery,
        }),
      () =>
        matchProduct(desk, viewer, {
          channelId: f.channelId,
          mallProductCode: 'P-9',
          items: [{ productId: f.productId, quantity: 1 }],
        }),
      () =>
        createGiftEvent(desk, viewer, {
          channelId: f.channelId,
          name: '증정',
          productIds: [f.productId],
          startsOn: '2026-11-26',
          endsOn: '2026-11-26',
          minQuantity: 1,
          minAmountKrw: null,
          giftProductId: f.giftProductId,
          giftQuantity: 1,
        }),
      () => startCollection(desk, viewer, { accountIds: [1], from: '2026-11-01', to: '2026-11-02' }),
      () => drain(exportOrders(desk, viewer, { filter: {}, reason: '정산', format: 'xlsx' })),
      () => addNote(desk, viewer, 'cs', a, '문의'),
      () => auditTrail(desk, viewer, {}),
    ];
    for (const attempt of attempts) await expectDomainError(attempt(), 'FORBIDDEN');

    expect(await allOrders(desk)).toEqual(before);
    expect(await auditOf(desk)).toEqual(auditBefore);
    expect(await desk.store.transaction((tx) => tx.gifts.list())).toEqual([]);
  });

  it('an approver can do what an operator does', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);

    const result = await holdOrders(desk, actor('approver'), { serials: created, reason: '확인' });

    expect(result.done).toEqual(created);
  });
});

describe('who is acting', () => {
  it('resolveActor gives the role the identity table holds, else the default role', async () => {
    const { desk } = await freshDesk({ defaultRole: 'viewer' });
    await setRole(desk, actor('admin'), 'slack:T1:UAPPROVER', 'approver');

    expect(await resolveActor(desk, 'slack:T1:UAPPROVER', 'slack')).toEqual({
      id: 'slack:T1:UAPPROVER',
      role: 'approver',
      source: 'slack',
    });
    expect(await resolveActor(desk, 'discord:123456789', 'discord')).toEqual({
      id: 'discord:123456789',
      role: 'viewer',
      source: 'discord',
    });
    await expectDomainError(resolveActor(desk, 'slack:lowercase:bad', 'slack'), 'VALIDATION', {
      field: 'actor',
    });
    await expectDomainError(resolveActor(desk, 'root', 'api'), 'VALIDATION');
  });

  it('ADMIN_USERS (policy.adminUsers) are admins whatever the table says', async () => {
    const boot = 'slack:T1:UBOOT';
    const { desk } = await freshDesk({ adminUsers: [boot], defaultRole: 'viewer' });
    await setRole(desk, actor('admin'), boot, 'viewer');
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    await deleteOrders(desk, actor('operator'), { serials: created, reason: '중복' });

    const me = await resolveActor(desk, boot, 'slack');
    const restored = await restoreOrders(desk, me, { serials: created });

    expect(me.role).toBe('admin');
    expect(restored.done).toEqual(created);
    expect(await approverIdentities(desk)).toContain(boot);
  });

  it('only an admin gives roles, and the change is recorded', async () => {
    const { desk } = await freshDesk();
    const target = 'slack:T1:UNEW';

    await expectDomainError(setRole(desk, actor('approver'), target, 'admin'), 'FORBIDDEN');
    expect(await desk.store.transaction((tx) => tx.identities.get(target))).toBeNull();

    await setRole(desk, actor('admin'), target, 'approver');

    expect(await desk.store.transaction((tx) => tx.identities.get(target))).toMatchObject({
      role: 'approver',
    });
    expect(await approverIdentities(desk)).toEqual([target]);
    const [entry] = await auditOf(desk, { action: 'set_role' });
    expect(entry).toMatchObject({ actor: actor('admin').id, detail: { target, role: 'approver' } });
    await expectDomainError(setRole(desk, actor('admin'), 'nobody', 'admin'), 'VALIDATION', {
      field: 'user',
    });
  });
});
