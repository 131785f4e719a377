// R9: delivery details are edited locally; the order shows it; the packing group follows the new address.
import { beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryFields } from '../../src/domain/ports.js';
import {
  deleteOrders,
  editDelivery,
  holdOrders,
  moveOrdersNext,
} from '../../src/domain/services/order-actions.js';
import { actor, addLines, freshDesk, line, seedCatalog } from '../support/desk.js';
import { allOrders, auditOf, expectDomainError, openTestDatabase, putInShipping, rowOf } from './helpers.js';

beforeAll(openTestDatabase);

const op = actor('operator');

const fields = (over: Partial<DeliveryFields> = {}): DeliveryFields => ({
  recipientName: ' 최지우 ',
  recipientPhone: '01055556666',
  address: ' 부산광역시 해운대구 우동 1408 ',
  zip: '8095',
  deliveryMessage: ' 경비실에 맡겨주세요 ',
  ...over,
});

describe('R9: edit delivery details', () => {
  it('R9: stores the new delivery details, normalised, and marks the order as edited locally', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const [a] = created as [number];
    expect((await rowOf(desk, a)).locallyEdited).toBe(false);

    const result = await editDelivery(desk, op, { serial: a, fields: fields() });

    expect(result).toMatchObject({ action: 'edit', done: [a], refused: [] });
    expect(await rowOf(desk, a)).toMatchObject({
      recipientName: '최지우',
      recipientPhone: '010-5555-6666',
      address: '부산광역시 해운대구 우동 1408',
      zip: '08095',
      deliveryMessage: '경비실에 맡겨주세요',
      locallyEdited: true,
      version: 2,
      updatedBy: op.id,
      stage: 'intake',
    });
    const [entry] = await auditOf(desk, { action: 'edit' });
    expect(entry).toMatchObject({ actor: op.id, serials: [a] });
    expect(entry!.detail).toMatchObject({
      fields: ['recipientName', 'recipientPhone', 'address', 'zip', 'deliveryMessage'],
    });
  });

  it('R9 + R8: the edit recomputes the packing key: the order joins the box of its new recipient', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [
      line(f.channelId, {
        recipientName: '최지우',
        recipientPhone: '010-5555-6666',
        address: '부산광역시 해운대구 우동 1408',
        zip: '08095',
      }),
      line(f.channelId),
    ]);
    const [target, edited] = created as [number, number];

    await editDelivery(desk, op, { serial: edited, fields: fields() });
    const moved = await moveOrdersNext(desk, op, { serials: [target], packingGroup: true });

    expect(moved).toMatchObject({ done: [target, edited], addedByPackingGroup: [edited] });
  });

  it('R9: a held order can still be edited', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const [a] = created as [number];
    await holdOrders(desk, op, { serials: [a], reason: '주소 확인' });

    const result = await editDelivery(desk, op, { serial: a, fields: fields() });

    expect(result.done).toEqual([a]);
    expect(await rowOf(desk, a)).toMatchObject({
      stage: 'held',
      recipientName: '최지우',
      locallyEdited: true,
    });
  });

  it('R9: refuses to edit an order registered in the WMS, and changes nothing', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const [a] = created as [number];
    await putInShipping(desk, [a]);
    const before = await rowOf(desk, a);

    const result = await editDelivery(desk, op, { serial: a, fields: fields() });

    expect(result.done).toEqual([]);
    expect(result.refused).toEqual([{ serial: a, code: 'REGISTERED_IN_WMS', stage: 'shipping', by: 'api' }]);
    expect(await rowOf(desk, a)).toEqual(before);
  });

  it('R9: refuses a deleted order', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const [a] = created as [number];
    await deleteOrders(desk, op, { serials: [a], reason: '중복' });

    const result = await editDelivery(desk, op, { serial: a, fields: fields() });

    expect(result.refused).toEqual([{ serial: a, code: 'DELETED', stage: 'intake', by: op.id }]);
    expect((await rowOf(desk, a)).locallyEdited).toBe(false);
  });

  it('R9: with a version, a stale edit is refused with who changed the order since (STALE_VERSION)', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const [a] = created as [number];
    const first = actor('operator', 'slack:T1:UFIRST');
    const fresh = await editDelivery(desk, first, { serial: a, fields: fields(), version: 1 });
    expect(fresh.done).toEqual([a]);
    const before = await rowOf(desk, a);

    const stale = await editDelivery(desk, op, {
      serial: a,
      fields: fields({ recipientName: '다른 사람' }),
      version: 1,
    });

    expect(stale.done).toEqual([]);
    expect(stale.refused).toEqual([{ serial: a, code: 'STALE_VERSION', stage: 'intake', by: first.id }]);
    expect(await rowOf(desk, a)).toEqual(before);

    const current = await editDelivery(desk, op, {
      serial: a,
      fields: fields({ recipientName: '다른 사람' }),
      version: 2,
    });
    expect(current.done).toEqual([a]);
    expect((await rowOf(desk, a)).recipientName).toBe('다른 사람');
  });

  it.each([
    ['recipientName', { recipientName: ' ' }],
    ['recipientPhone', { recipientPhone: '12345' }],
    ['address', { address: '' }],
    ['zip', { zip: '123456' }],
  ] as [string, Partial<DeliveryFields>][])(
    'R9: %s is checked before anything changes',
    async (field, change) => {
      const { desk } = await freshDesk();
      const f = await seedCatalog(desk);
      const { created } = await addLines(desk, [line(f.channelId)]);
      const before = await allOrders(desk);

      await expectDomainError(
        editDelivery(desk, op, { serial: created[0]!, fields: fields(change) }),
        'VALIDATION',
        {
          field,
        },
      );

      expect(await allOrders(desk)).toEqual(before);
    },
  );

  it('R9: an unknown order is refused as not found', async () => {
    const { desk } = await freshDesk();
    await seedCatalog(desk);

    const result = await editDelivery(desk, op, { serial: 424242, fields: fields() });

    expect(result.refused).toEqual([{ serial: 424242, code: 'NOT_FOUND' }]);
  });
});
