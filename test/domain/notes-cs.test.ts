// Messages (a thread anyone may read and add to), CS notes, and R15: the CS filter.
import { beforeAll, describe, expect, it } from 'vitest';
import { addNote, listNotes } from '../../src/domain/services/notes.js';
import { deleteOrders } from '../../src/domain/services/order-actions.js';
import { listOrders, orderDetail } from '../../src/domain/services/queries.js';
import { actor, addLines, freshDesk, line, seedCatalog } from '../support/desk.js';
import { auditOf, expectDomainError, openTestDatabase } from './helpers.js';

beforeAll(openTestDatabase);

const op = actor('operator');
const viewer = actor('viewer');

describe('messages', () => {
  it('anyone, a viewer too, adds to and reads the message thread of an order, oldest first', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId), line(f.channelId)]);
    const [a, b] = created as [number, number];

    await addNote(desk, viewer, 'message', a, '  포장 상태 확인 부탁드립니다 ');
    await addNote(desk, op, 'message', a, '확인했습니다');

    const thread = await listNotes(desk, viewer, 'message', a);
    expect(thread.map((n) => [n.author, n.body, n.orderSerial])).toEqual([
      [viewer.id, '포장 상태 확인 부탁드립니다', a],
      [op.id, '확인했습니다', a],
    ]);
    expect(await listNotes(desk, viewer, 'message', b)).toEqual([]);
    expect(await listNotes(desk, viewer, 'cs', a)).toEqual([]);
    expect((await orderDetail(desk, op, a)).messages.map((n) => n.body)).toEqual([
      '포장 상태 확인 부탁드립니다',
      '확인했습니다',
    ]);
    const entries = await auditOf(desk, { action: 'message', serial: a });
    expect(entries.map((e) => e.actor)).toEqual([op.id, viewer.id]);
  });

  it('a message needs a body of at most 2000 characters, on an order that exists', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId), line(f.channelId)]);
    const [a, deleted] = created as [number, number];
    await deleteOrders(desk, op, { serials: [deleted], reason: '중복' });

    await expectDomainError(addNote(desk, op, 'message', a, '  '), 'VALIDATION', { field: 'body' });
    await expectDomainError(addNote(desk, op, 'message', a, 'x'.repeat(2001)), 'VALIDATION', { max: 2000 });
    await expectDomainError(addNote(desk, op, 'message', 424242, '안녕하세요'), 'NOT_FOUND');
    await expectDomainError(addNote(desk, op, 'message', deleted, '안녕하세요'), 'NOT_FOUND');

    expect(await listNotes(desk, op, 'message', a)).toEqual([]);
  });
});

describe('R15: CS notes and the CS filter', () => {
  it('R15: the CS filter lists only orders that have CS notes', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId), line(f.channelId), line(f.channelId)]);
    const [a, b, c] = created as [number, number, number];
    await addNote(desk, op, 'cs', a, '배송 지연 문의');
    await addNote(desk, op, 'cs', a, '재안내 완료');
    await addNote(desk, op, 'cs', c, '교환 문의');
    await addNote(desk, op, 'message', b, '메시지는 CS가 아님');

    const cs = await listOrders(desk, viewer, { cs: true });
    const everything = await listOrders(desk, viewer, {});

    expect(cs.items.map((o) => [o.serial, o.csCount])).toEqual([
      [c, 1],
      [a, 2],
    ]);
    expect(everything.items.map((o) => [o.serial, o.csCount])).toEqual([
      [c, 1],
      [b, 0],
      [a, 2],
    ]);
    expect(await desk.store.transaction((tx) => tx.orders.count({ cs: true }))).toBe(2);
  });

  it('R15: CS notes show in the order detail and are recorded', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const [a] = created as [number];

    await addNote(desk, op, 'cs', a, '배송 지연 문의');

    expect((await orderDetail(desk, op, a)).csNotes.map((n) => [n.author, n.body])).toEqual([
      [op.id, '배송 지연 문의'],
    ]);
    const [entry] = await auditOf(desk, { action: 'cs_note' });
    expect(entry).toMatchObject({ actor: op.id, source: 'slack', serials: [a] });
  });

  it('R15: a viewer reads CS notes but does not write them', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const [a] = created as [number];

    await expectDomainError(addNote(desk, viewer, 'cs', a, '문의'), 'FORBIDDEN');

    expect(await listNotes(desk, viewer, 'cs', a)).toEqual([]);
    expect((await listOrders(desk, viewer, { cs: true })).items).toEqual([]);
  });
});
