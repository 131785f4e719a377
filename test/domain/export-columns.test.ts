// R13: an export needs a reason and is recorded; R14: column settings per user, for lists and exports.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ColumnSetting } from '../../src/domain/ports.js';
import { defaultColumns } from '../../src/domain/rules/columns.js';
import { deleteOrders } from '../../src/domain/services/order-actions.js';
import { columnSettings, exportOrders, saveColumnSettings } from '../../src/domain/services/queries.js';
import { actor, addLines, freshDesk, line, seedCatalog } from '../support/desk.js';
import { auditOf, drain, expectDomainError, openTestDatabase } from './helpers.js';

beforeAll(openTestDatabase);

const op = actor('operator');

describe('R13: export', () => {
  it('R13: an export requires a reason; without one nothing is exported or recorded', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    await addLines(desk, [line(f.channelId)]);

    await expectDomainError(
      drain(exportOrders(desk, op, { filter: {}, reason: '  ', format: 'xlsx' })),
      'VALIDATION',
      {
        field: 'reason',
      },
    );

    expect(await auditOf(desk, { action: 'export' })).toEqual([]);
  });

  it('R13: records who exported, why, with what filter and how many rows, and yields the rows in full', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [
      line(f.channelId, { recipientName: '김민수', recipientPhone: '01012341234' }),
      line(f.channelId),
      line(f.otherChannelId),
    ]);
    const [a, b] = created as [number, number];

    const batches = await drain(
      exportOrders(desk, op, {
        filter: { channelId: f.channelId },
        reason: ' 택배사 송장 등록 ',
        format: 'csv',
      }),
    );

    const rows = batches.flatMap((batch) => batch.rows);
    expect(rows.map((r) => r.serial)).toEqual([b, a]);
    expect(rows[1]).toMatchObject({
      recipientName: '김민수',
      recipientPhone: '010-1234-1234',
      ordererName: '김민수',
    });
    const [entry, ...more] = await auditOf(desk, { action: 'export' });
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      actor: op.id,
      source: 'slack',
      reason: '택배사 송장 등록',
      detail: { filter: { channelId: f.channelId }, rows: 2, format: 'csv' },
    });
    expect(entry!.at).toBeInstanceOf(Date);
  });

  it('R13: a large export comes in pages, every row once; deleted orders stay hidden', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(
      desk,
      [1, 2, 3, 4, 5, 6].map(() => line(f.channelId)),
    );
    await deleteOrders(desk, op, { serials: [created[2]!], reason: '중복' });

    const batches = await drain(exportOrders(desk, op, { filter: {}, reason: '정산', format: 'xlsx' }, 2));

    expect(batches.map((batch) => batch.rows.length)).toEqual([2, 2, 1]);
    const serials = batches.flatMap((batch) => batch.rows.map((r) => r.serial));
    expect(serials).toEqual(created.filter((s) => s !== created[2]).reverse());
    const [entry] = await auditOf(desk, { action: 'export' });
    expect(entry!.detail).toMatchObject({ rows: 5 });
  });

  it('R13: a viewer cannot export', async () => {
    const { desk } = await freshDesk();
    await seedCatalog(desk);

    await expectDomainError(
      drain(exportOrders(desk, actor('viewer'), { filter: {}, reason: '정산', format: 'xlsx' })),
      'FORBIDDEN',
    );

    expect(await auditOf(desk, { action: 'export' })).toEqual([]);
  });
});

describe('R14: column settings', () => {
  const mine: ColumnSetting[] = [
    { key: 'serial', width: 10, visible: true },
    { key: 'recipientName', width: 20, visible: true },
    { key: 'address', width: 40, visible: false },
  ];

  it('R14: column settings are per user', async () => {
    const { desk } = await freshDesk();
    const me = actor('operator', 'slack:T1:UME');
    const colleague = actor('operator', 'slack:T1:UCOLLEAGUE');

    const saved = await saveColumnSettings(desk, me, mine);

    expect(saved.slice(0, 3)).toEqual(mine);
    expect((await columnSettings(desk, me)).slice(0, 3)).toEqual(mine);
    expect(await columnSettings(desk, colleague)).toEqual(defaultColumns());
    expect(await desk.store.transaction((tx) => tx.columns.get(colleague.id))).toBeNull();
    expect((await desk.store.transaction((tx) => tx.columns.get(me.id)))?.slice(0, 3)).toEqual(mine);
  });

  it("R14: a user's settings decide the columns of that user's exports, in their order", async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    await addLines(desk, [line(f.channelId)]);
    const me = actor('operator', 'slack:T1:UME');
    const colleague = actor('operator', 'slack:T1:UCOLLEAGUE');
    await saveColumnSettings(desk, me, mine);

    const [mineExported] = await drain(
      exportOrders(desk, me, { filter: {}, reason: '정산', format: 'xlsx' }),
    );
    const [theirs] = await drain(
      exportOrders(desk, colleague, { filter: {}, reason: '정산', format: 'xlsx' }),
    );

    const myKeys = mineExported!.columns.map((c) => c.key);
    expect(myKeys.slice(0, 2)).toEqual(['serial', 'recipientName']);
    expect(myKeys).not.toContain('address');
    expect(mineExported!.columns.every((c) => c.visible)).toBe(true);
    expect(theirs!.columns.map((c) => c.key)).toContain('address');
    expect(theirs!.columns).toEqual(defaultColumns().filter((c) => c.visible));
  });

  it.each([
    ['an unknown column', [{ key: 'password', width: 10, visible: true }]],
    [
      'a column twice',
      [
        { key: 'serial', width: 10, visible: true },
        { key: 'serial', width: 12, visible: true },
      ],
    ],
    ['a width out of range', [{ key: 'serial', width: 200, visible: true }]],
    ['no visible column', [{ key: 'serial', width: 10, visible: false }]],
  ] as [string, ColumnSetting[]][])(
    'R14: refuses a setting with %s and keeps the old one',
    async (_what, columns) => {
      const { desk } = await freshDesk();
      const me = actor('operator', 'slack:T1:UME');
      await saveColumnSettings(desk, me, mine);

      await expectDomainError(saveColumnSettings(desk, me, columns), 'VALIDATION', { field: 'columns' });

      expect((await columnSettings(desk, me)).slice(0, 3)).toEqual(mine);
    },
  );
});
