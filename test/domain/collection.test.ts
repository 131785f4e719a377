// R2 (which accounts, how long a period) and R16 (a run, its tally per account, its history).
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { BATCH_LINES, CollectionRunner } from '../../src/collect/runner.js';
import type { Connector } from '../../src/connectors/types.js';
import type { Desk } from '../../src/domain/context.js';
import type { CollectionRunRecord } from '../../src/domain/ports.js';
import {
  type CollectedPage,
  collectionHistory,
  finishCollection,
  finishCollectionAccount,
  markInterruptedRuns,
  RUN_STALE_AFTER_MS,
  startCollection,
  storeCollectedPage,
  storeCollectedPages,
  touchCollection,
} from '../../src/domain/services/collection.js';
import type { IncomingOrder } from '../../src/domain/services/intake.js';
import { errorText } from '../../src/i18n/catalog.js';
import { orders } from '../../src/storage/schema.js';
import { actor, freshDesk, line, mallAccount, seedCatalog } from '../support/desk.js';
import {
  allOrders,
  auditOf,
  claimsOf,
  expectDomainError,
  fixedClock,
  giftEvent,
  openTestDatabase,
  rowOf,
} from './helpers.js';

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
/** A run of one account over one Korean day. */
const runOn = (desk: Desk, accountId: number, day = '2026-11-25') =>
  startCollection(desk, op, { accountIds: [accountId], from: day, to: day });

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
    const { f, runId: alive } = await collect(desk);
    const third = await account(desk, f.channelId);
    const dead = await startCollection(desk, op, {
      accountIds: [third],
      from: '2026-11-25',
      to: '2026-11-25',
    });
    await database.db.execute(
      sql`update collection_runs set heartbeat_at = now() - interval '10 minutes' where id in (${dead}, ${alive})`,
    );
    await touchCollection(desk, alive);
    // Staleness is read off the database's clock: an instance whose clock runs an hour ahead does not
    // take the live run for dead.
    const ahead: Desk = { ...desk, now: () => new Date(Date.now() + 3_600_000) };

    expect(await markInterruptedRuns(ahead, RUN_STALE_AFTER_MS)).toEqual([dead]);
    expect((await runOf(desk, alive)).status).toBe('running');
    expect((await runOf(desk, dead)).status).toBe('interrupted');
  });

  it('R16: one run at a time per account; an account done in its run, or left by a dead instance, is free', async () => {
    const { database, desk } = await freshDesk();
    const { f, first, second, runId } = await collect(desk);
    const third = await account(desk, f.channelId);
    const runs = (await runsOf(desk)).length;

    const refused = await expectDomainError(
      startCollection(desk, op, { accountIds: [third, second], from: '2026-11-25', to: '2026-11-25' }),
      'ACCOUNT_BUSY',
      { account: second, name: `계정 ${f.otherChannelId}`, run: runId },
    );
    expect(errorText(refused.code, 'ko', refused.params)).toBe(
      `‘계정 ${f.otherChannelId}’ 계정은 이미 수집 중입니다 (수집 #${runId}). 끝난 뒤 다시 시도하세요`,
    );
    expect(errorText(refused.code, 'en', refused.params)).toBe(
      `account ‘계정 ${f.otherChannelId}’ is already being collected (run #${runId}); try again when it ends`,
    );
    // Nothing was started, not even for the free account.
    expect(await runsOf(desk)).toHaveLength(runs);

    // `first` is done in its run (the run goes on for `second`): it may be collected again.
    await finishCollectionAccount(desk, runId, first, null);
    const again = await startCollection(desk, op, {
      accountIds: [first],
      from: '2026-11-25',
      to: '2026-11-25',
    });
    expect((await runOf(desk, again)).accounts.map((a) => a.accountId)).toEqual([first]);

    // A run nobody touched for long (its instance died) holds nothing.
    await database.db.execute(
      sql`update collection_runs set heartbeat_at = now() - interval '10 minutes' where id = ${runId}`,
    );
    const after = await startCollection(desk, op, {
      accountIds: [second],
      from: '2026-11-25',
      to: '2026-11-25',
    });
    expect(after).toBeGreaterThan(again);
  });
});

describe('R16: group commit — several whole pages in one transaction', () => {
  const tally = async (desk: Desk, runId: number, accountId: number) =>
    (await runOf(desk, runId)).accounts.find((a) => a.accountId === accountId)!;
  // What a run leaves in the orders (ids, stage, badges, recipient), comparable between two databases.
  const ordersAsStored = async (desk: Desk) =>
    (await allOrders(desk)).map((o) => ({
      serial: o.serial,
      line: `${o.mallOrderNo}/${o.mallLineNo}`,
      stage: o.stage,
      closedStatus: o.closedStatus,
      badges: o.badges,
      productId: o.productId,
      recipientName: o.recipientName,
      version: o.version,
    }));

  /** Three pages: an unmatched line, a line given twice, a claim for an earlier page's line and one for a later's. */
  function pages(channelId: number): CollectedPage[] {
    const a = line(channelId, { mallOrderNo: 'GC-1' });
    const b = line(channelId, { mallOrderNo: 'GC-2', mallProductCode: 'P-NEW' });
    const c = line(channelId, { mallOrderNo: 'GC-3' });
    const d = line(channelId, { mallOrderNo: 'GC-4' });
    const claim = (mallOrderNo: string, mallClaimId: string) => ({
      channelId,
      mallOrderNo,
      mallLineNo: '1',
      type: 'cancel' as const,
      reason: '단순 변심',
      mallClaimId,
    });
    return [
      // Page 1 asks to cancel GC-4, which only page 3 brings: as page by page, the claim finds nothing.
      { orders: [a, b], claims: [claim('GC-4', 'CL-4')], cursor: 'c1' },
      // GC-1 again, with another recipient: the first page's line is the one kept.
      { orders: [c, { ...a, recipientName: '다른 사람' }], claims: [claim('GC-1', 'CL-1')], cursor: 'c2' },
      { orders: [d], claims: [], cursor: 'c3' },
    ];
  }

  it('R16: stores them as page after page would: the same orders, claims and tally, the last cursor; again, nothing new', async () => {
    // Page by page, twice (a second run over the same period).
    const one = await freshDesk();
    const f = await seedCatalog(one.desk);
    const acc = await account(one.desk, f.channelId);
    const run = await runOn(one.desk, acc);
    const given = pages(f.channelId);
    const pageByPage = [];
    for (let time = 0; time < 2; time++) {
      for (const page of given) await storeCollectedPage(one.desk, collector, run, acc, page);
      pageByPage.push({ orders: await ordersAsStored(one.desk), tally: await tally(one.desk, run, acc) });
    }

    // The same pages in one transaction, twice.
    const { desk } = await freshDesk();
    await seedCatalog(desk);
    await account(desk, f.channelId);
    const runId = await runOn(desk, acc);
    expect(runId).toBe(run);
    const stored = await storeCollectedPages(desk, collector, runId, acc, given);

    expect(await ordersAsStored(desk)).toEqual(pageByPage[0]!.orders);
    expect(await tally(desk, runId, acc)).toEqual(pageByPage[0]!.tally);
    expect(pageByPage[0]!.tally).toMatchObject({
      fetched: 5,
      created: 3,
      unmatched: 1,
      duplicates: 1,
      claims: 1,
      cursor: 'c3',
    });
    expect(stored).toMatchObject({ duplicates: 1, claims: 1, account: pageByPage[0]!.tally });
    expect(stored.created).toHaveLength(4);
    const orders = await allOrders(desk);
    const byNo = (no: string) => orders.find((o) => o.mallOrderNo === no)!;
    expect(byNo('GC-1')).toMatchObject({ stage: 'closed', closedStatus: 'cancelled' });
    expect(byNo('GC-1').recipientName).not.toBe('다른 사람');
    expect(byNo('GC-4')).toMatchObject({ stage: 'intake', badges: ['collected'] });
    // One transaction, one `collected` entry for the batch.
    const collected = await auditOf(desk, { action: 'collected' });
    expect(collected.map((e) => e.serials)).toEqual([stored.created]);

    // Again: no order added, the lines counted as duplicates; page 1's claim now finds GC-4, as page by
    // page it does too.
    const again = await storeCollectedPages(desk, collector, runId, acc, given);
    expect(again).toMatchObject({ created: [], unmatched: [], duplicates: 5, gifts: [], claims: 1 });
    expect(await ordersAsStored(desk)).toEqual(pageByPage[1]!.orders);
    expect(await tally(desk, runId, acc)).toEqual(pageByPage[1]!.tally);
    expect(pageByPage[1]!.tally).toMatchObject({
      fetched: 10,
      created: 3,
      duplicates: 6,
      claims: 2,
      cursor: 'c3',
    });
    expect(await allOrders(desk)).toHaveLength(4);
  });

  it('R16: with a gift event and claims on gifted orders, the batch still stores as page after page would', async () => {
    const claim = (
      channelId: number,
      mallOrderNo: string,
      mallClaimId: string,
      type = 'cancel' as const,
    ) => ({
      channelId,
      mallOrderNo,
      mallLineNo: '1',
      type,
      reason: '단순 변심',
      mallClaimId,
    });
    const given = (channelId: number): CollectedPage[] => [
      {
        orders: [line(channelId, { mallOrderNo: 'GF-1' }), line(channelId, { mallOrderNo: 'GF-2' })],
        claims: [],
        cursor: 'c1',
      },
      // GF-1 is cancelled (its gift goes with it); GF-3 arrives with a cancel and a return of its own page.
      {
        orders: [line(channelId, { mallOrderNo: 'GF-3' })],
        claims: [claim(channelId, 'GF-1', 'CL-1'), claim(channelId, 'GF-3', 'CL-3')],
        cursor: 'c2',
      },
      // A second cancel for GF-1, from a later page: it finds the order closed already.
      {
        orders: [line(channelId, { mallOrderNo: 'GF-4' })],
        claims: [claim(channelId, 'GF-1', 'CL-1b')],
        cursor: 'c3',
      },
    ];
    // Serials differ (a batch inserts its orders before their gifts), so orders are named by mall line.
    const outcome = async (desk: Desk, runId: number, acc: number) => {
      const rows = await allOrders(desk);
      const lineOf = new Map(rows.map((o) => [o.serial, `${o.mallOrderNo}/${o.mallLineNo}`]));
      const lines = (serials: number[]) => serials.map((n) => lineOf.get(n)).sort();
      const audit = (await auditOf(desk)).reverse();
      return {
        orders: rows
          .map((o) => ({
            line: lineOf.get(o.serial),
            stage: o.stage,
            closedStatus: o.closedStatus,
            badges: o.badges,
            productId: o.productId,
            deleted: o.deleteReason,
            giftOf: o.giftParentSerial && lineOf.get(o.giftParentSerial),
          }))
          .sort((x, y) => x.line!.localeCompare(y.line!)),
        claims: (
          await Promise.all(
            rows.map(async (o) =>
              (await claimsOf(desk, o.serial)).map((c) => [lineOf.get(o.serial), c.type, c.status]),
            ),
          )
        )
          .flat()
          .sort(),
        tally: await tally(desk, runId, acc),
        // Per claim and per removal, in order; gifts generated, all together.
        audit: audit
          .filter((e) => e.action === 'claim_collected' || e.action === 'delete')
          .map((e) => [e.action, lines(e.serials), lines((e.detail?.closed as number[] | undefined) ?? [])]),
        gifted: lines(audit.filter((e) => e.action === 'gift_generated').flatMap((e) => e.serials)),
      };
    };

    const one = await freshDesk({}, fixedClock);
    const f = await seedCatalog(one.desk);
    await giftEvent(one.desk, f);
    const acc = await account(one.desk, f.channelId);
    const run = await runOn(one.desk, acc, '2026-11-26');
    const pages = given(f.channelId);
    for (const page of pages) await storeCollectedPage(one.desk, collector, run, acc, page);
    const pageByPage = await outcome(one.desk, run, acc);

    const { desk } = await freshDesk({}, fixedClock);
    await seedCatalog(desk);
    await giftEvent(desk, f);
    await account(desk, f.channelId);
    const runId = await runOn(desk, acc, '2026-11-26');
    const stored = await storeCollectedPages(desk, collector, runId, acc, pages);

    expect(await outcome(desk, runId, acc)).toEqual(pageByPage);
    expect(stored.gifts).toHaveLength(4);
    expect(pageByPage.orders.filter((o) => o.deleted)).toHaveLength(2);
    expect(pageByPage.tally).toMatchObject({ fetched: 4, created: 4, claims: 3, cursor: 'c3' });
  });

  it('R16: a failing page fails the whole batch: none of its pages is stored, nor its tally', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const acc = await account(desk, f.channelId);
    const runId = await runOn(desk, acc);
    const [p1, p2] = pages(f.channelId);
    const bad: CollectedPage = { orders: [line(f.channelId, { quantity: -1 })], claims: [], cursor: 'bad' };

    await expectDomainError(storeCollectedPages(desk, collector, runId, acc, [p1!, p2!, bad]), 'VALIDATION', {
      field: 'quantity',
    });

    expect(await allOrders(desk)).toEqual([]);
    expect(await tally(desk, runId, acc)).toMatchObject({ fetched: 0, created: 0, claims: 0, cursor: null });
    expect(await auditOf(desk, { action: 'collected' })).toEqual([]);
  });

  it('R16: the runner keeps the whole pages before a failing page, fails the account, and keeps that cursor', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const acc = await mallAccount(desk, f.channelId, '가짜몰');
    const page = (no: string, cursor: string, over: Partial<IncomingOrder> = {}): CollectedPage => ({
      orders: [
        line(f.channelId, { mallOrderNo: `${no}-a`, ...over }),
        line(f.channelId, { mallOrderNo: `${no}-b` }),
      ],
      claims: [],
      cursor,
    });
    const given = [
      page('P1', 'c1'),
      page('P2', 'c2'),
      page('P3', 'c3', { quantity: 0.5 }),
      page('P4', null!),
    ];
    let served = 0;
    const fake: Connector = {
      async verify() {},
      async *pages() {
        for (const p of given) {
          served++;
          yield p;
        }
      },
    };
    const runner = new CollectionRunner(desk, { fake });

    const runId = await runner.start(op, { accountIds: [acc], from: '2026-11-25', to: '2026-11-25' });
    await runner.idle();

    const run = await runOf(desk, runId);
    expect(run.status).toBe('failed');
    expect(run.accounts[0]).toMatchObject({
      status: 'failed',
      error: 'internal: the account could not be collected',
      fetched: 4,
      created: 4,
      cursor: 'c2',
    });
    const orders = await allOrders(desk);
    expect(orders.map((o) => o.mallOrderNo).sort()).toEqual(['P1-a', 'P1-b', 'P2-a', 'P2-b']);
    // The pages were read ahead and tried together first: the rolled-back batch used serials 1001–1002
    // (page 1, inserted before page 3 was refused), so page by page they came back as 1003 onwards.
    expect(Math.min(...orders.map((o) => o.serial))).toBe(1003);
    expect(served).toBeGreaterThanOrEqual(3);
  });

  it('R16: progress comes from the tallies the batches return; without a progress listener the run is not read', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const acc = await mallAccount(desk, f.channelId, '가짜몰');
    const fake: Connector = {
      async verify() {},
      async *pages() {
        yield { orders: [line(f.channelId), line(f.channelId)], claims: [], cursor: 'c1' };
        await new Promise((resolve) => setTimeout(resolve, 20));
        yield { orders: [line(f.channelId, { mallProductCode: 'P-NEW' })], claims: [], cursor: null };
      },
    };
    let reads = 0;
    const counted: Desk = {
      ...desk,
      store: {
        ...desk.store,
        read: (fn) => {
          reads++;
          return desk.store.read(fn);
        },
      },
    };
    const runner = new CollectionRunner(counted, { fake });

    await runner.start(op, { accountIds: [acc], from: '2026-11-25', to: '2026-11-25' });
    await runner.idle();
    // accountsToCollect only.
    expect(reads).toBe(1);

    reads = 0;
    const progress: CollectionRunRecord[] = [];
    const finished: CollectionRunRecord[] = [];
    const runId = await runner.start(
      op,
      { accountIds: [acc], from: '2026-11-25', to: '2026-11-25' },
      { progress: (run) => void progress.push(run), finished: (run) => void finished.push(run) },
    );
    await runner.idle();
    expect(reads).toBe(2);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.every((r) => r.id === runId && r.status === 'running')).toBe(true);
    const last = progress.at(-1)!.accounts[0]!;
    const final = finished[0]!.accounts[0]!;
    expect(last).toEqual(final);
    expect(final).toMatchObject({ status: 'done', fetched: 3, created: 2, unmatched: 1, cursor: null });
    // Each progress is its own copy (a listener may keep it).
    expect(progress[0]!.accounts[0]).not.toBe(progress.at(-1)!.accounts[0]);
  });

  it('R16: a run a little longer than BATCH_LINES is one transaction, not a big one and a tiny one', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const acc = await mallAccount(desk, f.channelId, '가짜몰');
    // Eleven pages of 900 lines (9,900) and a last one of 120: the old cap (whole pages up to 10,000)
    // left the last page to a transaction of its own.
    const sizes = [...Array.from({ length: 11 }, () => 900), 120];
    expect(sizes.reduce((a, b) => a + b)).toBeGreaterThan(BATCH_LINES);
    const fake: Connector = {
      async verify() {},
      async *pages() {
        for (const [p, size] of sizes.entries()) {
          yield {
            orders: Array.from({ length: size }, (_, i) => line(f.channelId, { mallOrderNo: `B${p}-${i}` })),
            claims: [],
            cursor: p === sizes.length - 1 ? null : `c${p}`,
          };
        }
      },
    };
    const runner = new CollectionRunner(desk, { fake });

    const runId = await runner.start(op, { accountIds: [acc], from: '2026-11-25', to: '2026-11-25' });
    await runner.idle();

    expect((await runOf(desk, runId)).accounts[0]).toMatchObject({
      status: 'done',
      fetched: 10_020,
      created: 10_020,
      cursor: null,
    });
    // One transaction, one `collected` entry with every order.
    const collected = await auditOf(desk, { action: 'collected' });
    expect(collected.map((e) => e.serials.length)).toEqual([10_020]);
  });

  it('R16: text is stored as given: quotes, backslashes, line breaks, tabs, braces', async () => {
    const { desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const acc = await account(desk, f.channelId);
    const runId = await runOn(desk, acc);
    const odd = [
      'say "hi"',
      'back\\slash \\" end\\',
      'two\nlines\tand tab',
      '{braces}, commas, NULL',
      'NULL',
      '',
      '  spaces kept inside  ',
    ];
    const lines = odd.map((text, i) =>
      line(f.channelId, { mallOrderNo: `TX-${i}`, deliveryMessage: text, mallProductName: text || 'x' }),
    );

    await storeCollectedPages(desk, collector, runId, acc, [
      { orders: lines.slice(0, 3), claims: [], cursor: 'c1' },
      { orders: lines.slice(3), claims: [], cursor: null },
    ]);

    const stored = await allOrders(desk);
    for (const [i, text] of odd.entries()) {
      const o = stored.find((r) => r.mallOrderNo === `TX-${i}`)!;
      expect(o.deliveryMessage).toBe(text.trim());
      expect(o.mallProductName).toBe((text || 'x').trim());
    }
  });
});
