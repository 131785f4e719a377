// R2 (which accounts, how long a period) and R16 (a run, its tally per account, its history).
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Desk } from '../../src/domain/context.js';
import {
  collectionHistory,
  finishCollection,
  finishCollectionAccount,
  markInterruptedRuns,
  RUN_STALE_AFTER_MS,
  startCollection,
  storeCollectedPage,
  touchCollection,
} from '../../src/domain/services/collection.js';
import { orders } from '../../src/storage/schema.js';
import { actor, freshDesk, line, seedCatalog } from '../support/desk.js';
import { allOrders, auditOf, claimsOf, expectDomainError, openTestDatabase, rowOf } from './helpers.js';

beforeAll(openTestDatabase);

const op = actor('operator');
const collector = actor('operator', 'schedule');

async function account(
  desk: Desk,
  channelId: number,
  over: { status?: 'normal' | 'suspended' | 'auth_failed'; services?: string[] } = {},
): Promise<number> {
  return desk.store.transaction((tx) =>
    tx.catalog.createAccount({
      channelId,
      name: `계정 ${channelId}`,
      connector: 'smartstore',
      status: over.status ?? 'normal',
      services: over.services ?? ['collect_orders', 'collect_claims'],
    }),
  );
}

const runsOf = (desk: Desk) => desk.store.transaction((tx) => tx.collections.list(100));
const runOf = async (desk: Desk, id: number) =>
  (await desk.store.transaction((tx) => tx.collections.get(id)))!;

describe('R2: what can be collected', () => {
  it('R2: starts a run for normal accounts with the collect_orders service', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const a = await account(desk, f.channelId);
    const b = await account(desk, f.otherChannelId);

    const runId = await startCollection(desk, op, {
      accountIds: [a, b, a],
      from: '2026-11-01',
      to: '2026-11-30',
    });

    const run = await runOf(desk, runId);
    expect(run).toMatchObject({
      startedBy: op.id,
      source: 'slack',
      periodFrom: '2026-11-01',
      periodTo: '2026-11-30',
      status: 'running',
      finishedAt: null,
    });
    expect(run.accounts.map((x) => [x.accountId, x.status, x.fetched])).toEqual([
      [a, 'running', 0],
      [b, 'running', 0],
    ]);
    const [entry] = await auditOf(desk, { action: 'collect' });
    expect(entry).toMatchObject({ actor: op.id, detail: { runId, accountIds: [a, b] } });
  });

  it.each([
    ['suspended', { status: 'suspended' as const }],
    ['auth failed', { status: 'auth_failed' as const }],
    ['without the collect_orders service', { services: ['collect_claims', 'send_invoice'] }],
  ])('R2: refuses an account that is %s, and starts nothing', async (_what, over) => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const good = await account(desk, f.channelId);
    const bad = await account(desk, f.otherChannelId, over);

    await expectDomainError(
      startCollection(desk, op, { accountIds: [good, bad], from: '2026-11-01', to: '2026-11-02' }),
      'ACCOUNT_NOT_ELIGIBLE',
      { account: bad },
    );

    expect(await runsOf(desk)).toEqual([]);
    expect(await auditOf(desk, { action: 'collect' })).toEqual([]);
  });

  it('R2: the period is at most 30 days', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const a = await account(desk, f.channelId);

    await expectDomainError(
      startCollection(desk, op, { accountIds: [a], from: '2026-11-01', to: '2026-12-01' }),
      'PERIOD_TOO_LONG',
      { max: 30, days: 31 },
    );
    expect(await runsOf(desk)).toEqual([]);

    await startCollection(desk, op, { accountIds: [a], from: '2026-11-01', to: '2026-11-30' });
    expect(await runsOf(desk)).toHaveLength(1);
  });

  it('R2: at least one account must be chosen, and it must exist', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    await account(desk, f.channelId);

    await expectDomainError(
      startCollection(desk, op, { accountIds: [], from: '2026-11-01', to: '2026-11-02' }),
      'NO_ACCOUNT',
    );
    await expectDomainError(
      startCollection(desk, op, { accountIds: [999], from: '2026-11-01', to: '2026-11-02' }),
      'NOT_FOUND',
    );
    await expectDomainError(
      startCollection(desk, op, { accountIds: [1], from: '2026-11-02', to: '2026-11-01' }),
      'VALIDATION',
      { field: 'period' },
    );

    expect(await runsOf(desk)).toEqual([]);
  });
});

describe('R16: a collection run', () => {
  async function collect(desk: Desk) {
    const f = await seedCatalog(desk);
    const first = await account(desk, f.channelId);
    const second = await account(desk, f.otherChannelId);
    const runId = await startCollection(desk, op, {
      accountIds: [first, second],
      from: '2026-11-20',
      to: '2026-11-26',
    });
    const kept = line(f.channelId, { mallOrderNo: 'SS-800' });
    const page1 = {
      orders: [kept, line(f.channelId), line(f.channelId, { mallProductCode: 'P-NEW' })],
      claims: [],
      cursor: 'page-2',
    };
    return { f, first, second, runId, kept, page1 };
  }

  it('R16: tallies each account: fetched, new, duplicates skipped, unmatched, claims, failures with the error', async () => {
    const { database, desk } = await freshDesk();
    const { f, first, second, runId, kept, page1 } = await collect(desk);

    const stored1 = await storeCollectedPage(desk, collector, runId, first, page1);
    const stored2 = await storeCollectedPage(desk, collector, runId, first, {
      orders: [kept, line(f.channelId)],
      claims: [
        {
          channelId: f.channelId,
          mallOrderNo: 'SS-800',
          type: 'cancel',
          reason: '품절',
          mallClaimId: 'C-800',
        },
      ],
      cursor: null,
    });
    await finishCollectionAccount(desk, runId, first, null);
    await storeCollectedPage(desk, collector, runId, second, {
      orders: [line(f.otherChannelId)],
      claims: [],
      cursor: 'page-2',
    });
    await finishCollectionAccount(desk, runId, second, 'HTTP 401 unauthorized');
    const finished = await finishCollection(desk, runId);

    expect(stored1).toMatchObject({ duplicates: 0, claims: 0 });
    expect(stored1.created).toHaveLength(3);
    expect(stored1.unmatched).toHaveLength(1);
    expect(stored2).toMatchObject({ duplicates: 1, claims: 1 });
    expect(finished.status).toBe('done');
    expect(finished.finishedAt).toBeInstanceOf(Date);
    expect(finished.accounts).toEqual([
      {
        accountId: first,
        fetched: 5,
        created: 3,
        duplicates: 1,
        unmatched: 1,
        claims: 1,
        status: 'done',
        error: null,
        cursor: null,
      },
      {
        accountId: second,
        fetched: 1,
        created: 1,
        duplicates: 0,
        unmatched: 0,
        claims: 0,
        status: 'failed',
        error: 'HTTP 401 unauthorized',
        cursor: 'page-2',
      },
    ]);
    expect((await collectionHistory(desk, op)).map((r) => [r.id, r.status])).toEqual([[runId, 'done']]);

    const stored = await database.db
      .select({ serial: orders.serial, accountId: orders.accountId, runId: orders.collectionRunId })
      .from(orders);
    expect(stored).toHaveLength(5);
    for (const row of stored) {
      expect(row.runId).toBe(runId);
      expect([first, second]).toContain(row.accountId);
    }
    const cancelled = await rowOf(desk, stored1.created[0]!);
    expect(cancelled).toMatchObject({
      mallOrderNo: 'SS-800',
      stage: 'closed',
      closedStatus: 'cancelled',
      badges: ['collected', 'claim_collected', 'cancel'],
    });
    expect(await claimsOf(desk, cancelled.serial)).toHaveLength(1);
    const [entry] = await auditOf(desk, { action: 'collected' });
    expect(entry).toMatchObject({ actor: 'schedule', detail: { runId, accountId: second } });
  });

  it('R16: storing the same page again adds no order, only counts the duplicates', async () => {
    const { desk } = await freshDesk();
    const { first, runId, page1 } = await collect(desk);
    await storeCollectedPage(desk, collector, runId, first, page1);
    const before = await allOrders(desk);

    const again = await storeCollectedPage(desk, collector, runId, first, page1);

    expect(again).toMatchObject({ created: [], unmatched: [], duplicates: 3, gifts: [] });
    expect(await allOrders(desk)).toEqual(before);
    const run = await runOf(desk, runId);
    expect(run.accounts.find((a) => a.accountId === first)).toMatchObject({
      fetched: 6,
      created: 2,
      unmatched: 1,
      duplicates: 3,
    });
  });

  it('R16: a run where every account failed is failed', async () => {
    const { desk } = await freshDesk();
    const { first, second, runId } = await collect(desk);
    await finishCollectionAccount(desk, runId, first, 'timeout');
    await finishCollectionAccount(desk, runId, second, 'HTTP 500');

    const finished = await finishCollection(desk, runId);

    expect(finished.status).toBe('failed');
    expect((await runOf(desk, runId)).status).toBe('failed');
  });

  it('R16: runs a stopped process left running are marked interrupted', async () => {
    const { desk } = await freshDesk();
    const { runId } = await collect(desk);

    expect(await markInterruptedRuns(desk)).toEqual([runId]);

    expect((await runOf(desk, runId)).status).toBe('interrupted');
    expect(await markInterruptedRuns(desk)).toEqual([]);
  });

  it('R16: with instances sharing the database, only runs nobody touched lately are interrupted', async () => {
    const { database, desk } = await freshDesk();
    const { runId: alive, first } = await collect(desk);
    const dead = await startCollection(desk, op, {
      accountIds: [first],
      from: '2026-11-25',
      to: '2026-11-25',
    });
    await database.db.execute(
      sql`update collection_runs set heartbeat_at = now() - interval '10 minutes' where id = ${dead}`,
    );
    await database.db.execute(
      sql`update collection_runs set heartbeat_at = now() - interval '10 minutes' where id = ${alive}`,
    );
    await touchCollection(desk, alive);

    expect(await markInterruptedRuns(desk, RUN_STALE_AFTER_MS)).toEqual([dead]);
    expect((await runOf(desk, alive)).status).toBe('running');
    expect((await runOf(desk, dead)).status).toBe('interrupted');
  });
});
