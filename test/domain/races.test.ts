// Two people act on the same orders at once (spec §5): each order ends in exactly one valid stage and
// the loser is told what happened. PGlite runs one transaction at a time, so these run on Postgres only.
//
// To make the overlap certain rather than likely, the first action runs inside a transaction that
// waits before committing, until the second is seen waiting for a row lock; the plain `Promise.all`
// variants check the same invariants whichever way the race goes.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Desk } from '../../src/domain/context.js';
import type { DeskStore } from '../../src/domain/ports.js';
import { decideApproval, submitAction } from '../../src/domain/services/approvals.js';
import { startCollection } from '../../src/domain/services/collection.js';
import { deleteOrders, holdOrders, moveChannelsNext } from '../../src/domain/services/order-actions.js';
import type { ActionResult } from '../../src/domain/types.js';
import { queryRows } from '../../src/storage/db.js';
import { isPostgres, type TestDatabase } from '../support/db.js';
import { actor, addLines, freshDesk, line, mallAccount, seedCatalog } from '../support/desk.js';
import { auditOf, expectDomainError, openTestDatabase, rowsOf } from './helpers.js';

const alice = actor('operator', 'slack:T1:UALICE');
const bob = actor('operator', 'slack:T1:UBOB');

/**
 * The same desk, whose first transaction, its work done and its row locks taken, waits for `commit()`;
 * `paused` resolves when it has got there.
 */
function holdingCommit(desk: Desk) {
  let commit!: () => void;
  const gate = new Promise<void>((resolve) => {
    commit = resolve;
  });
  let reached!: () => void;
  const paused = new Promise<void>((resolve) => {
    reached = resolve;
  });
  let held = false;
  const store: DeskStore = {
    transaction: (fn) =>
      desk.store.transaction(async (tx) => {
        const result = await fn(tx);
        if (!held) {
          held = true;
          reached();
          await gate;
        }
        return result;
      }),
    read: (fn) => desk.store.read(fn),
  };
  return { desk: { ...desk, store }, commit, paused };
}

/** Resolves once some session of this database waits for a lock (the loser, queued behind the winner). */
async function someoneWaitsForALock(database: TestDatabase): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const [row] = await queryRows<{ n: number | string }>(
      database.db,
      sql`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`,
    );
    if (Number(row?.n) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the second transaction never waited for a lock');
}

/** Runs `first` until just before its commit, starts `second`, and commits `first` once `second` waits. */
async function race<A, B>(
  database: TestDatabase,
  desk: Desk,
  first: (desk: Desk) => Promise<A>,
  second: (desk: Desk) => Promise<B>,
): Promise<[PromiseSettledResult<A>, PromiseSettledResult<B>]> {
  const pausing = holdingCommit(desk);
  const winner = first(pausing.desk);
  await Promise.race([pausing.paused, winner]);
  const loser = second(desk);
  try {
    await someoneWaitsForALock(database);
  } finally {
    pausing.commit();
  }
  return Promise.allSettled([winner, loser]) as Promise<[PromiseSettledResult<A>, PromiseSettledResult<B>]>;
}

function value<T>(settled: PromiseSettledResult<T>): T {
  if (settled.status === 'rejected') throw settled.reason;
  return settled.value;
}

describe.runIf(isPostgres)('races on the same orders (Postgres)', () => {
  beforeAll(openTestDatabase);

  it('R3 race: two holds of the same orders: each order is held once, the loser is told it is held and by whom', async () => {
    const { database, desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId), line(f.channelId)]);

    const [first, second] = await race(
      database,
      desk,
      (d) => holdOrders(d, alice, { serials: created, reason: 'alice 사유' }),
      (d) => holdOrders(d, bob, { serials: created, reason: 'bob 사유' }),
    );

    expect(value(first)).toMatchObject({ done: created, refused: [] });
    expect(value(second)).toMatchObject({
      done: [],
      refused: created.map((serial) => ({ serial, code: 'STAGE_NOT_ALLOWED', stage: 'held', by: alice.id })),
    });
    for (const row of await rowsOf(desk, created)) {
      expect(row).toMatchObject({ stage: 'held', holdReason: 'alice 사유', updatedBy: alice.id, version: 2 });
    }
    const holds = await auditOf(desk, { action: 'hold' });
    expect(holds.map((e) => [e.actor, e.serials])).toEqual([
      [bob.id, []],
      [alice.id, created],
    ]);
  });

  it('R3 race: overlapping holds started together: every order is held by exactly one of them', async () => {
    for (let round = 0; round < 5; round++) {
      const { desk } = await freshDesk();
      const f = await seedCatalog(desk);
      const { created } = await addLines(
        desk,
        [1, 2, 3, 4].map(() => line(f.channelId)),
      );
      const [a, b, c, d] = created as [number, number, number, number];

      const [byAlice, byBob] = await Promise.all([
        holdOrders(desk, alice, { serials: [a, b, c], reason: 'alice 사유' }),
        holdOrders(desk, bob, { serials: [b, c, d], reason: 'bob 사유' }),
      ]);

      expect(byAlice.done).toContain(a);
      expect(byBob.done).toContain(d);
      const rows = await rowsOf(desk, created);
      for (const row of rows) {
        expect(row.stage).toBe('held');
        expect(row.version).toBe(2);
        const winner = row.updatedBy === alice.id ? byAlice : byBob;
        const loser = winner === byAlice ? byBob : byAlice;
        expect(row.holdReason).toBe(row.updatedBy === alice.id ? 'alice 사유' : 'bob 사유');
        expect(winner.done).toContain(row.serial);
        expect(loser.done).not.toContain(row.serial);
        if ([b, c].includes(row.serial)) {
          expect(loser.refused).toContainEqual({
            serial: row.serial,
            code: 'STAGE_NOT_ALLOWED',
            stage: 'held',
            by: row.updatedBy,
          });
        }
      }
    }
  });

  it('R3/R5 race: a delete commits first: the hold is refused as DELETED, naming who deleted it', async () => {
    const { database, desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId), line(f.channelId)]);

    const [deleted, held] = await race(
      database,
      desk,
      (d) => deleteOrders(d, alice, { serials: created, reason: '중복' }),
      (d) => holdOrders(d, bob, { serials: created, reason: '확인' }),
    );

    expect(value(deleted).done).toEqual(created);
    expect(value(held)).toMatchObject({
      done: [],
      refused: created.map((serial) => ({ serial, code: 'DELETED', stage: 'intake', by: alice.id })),
    });
    for (const row of await rowsOf(desk, created)) {
      expect(row).toMatchObject({
        stage: 'intake',
        holdReason: null,
        deleteReason: '중복',
        updatedBy: alice.id,
      });
    }
  });

  it('R3/R5 race: a hold commits first: the delete applies to the held order (R5 allows it), each once', async () => {
    const { database, desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);

    const [held, deleted] = await race(
      database,
      desk,
      (d) => holdOrders(d, alice, { serials: created, reason: '확인' }),
      (d) => deleteOrders(d, bob, { serials: created, reason: '중복' }),
    );

    expect(value(held).done).toEqual(created);
    expect(value(deleted).done).toEqual(created);
    const [row] = await rowsOf(desk, created);
    expect(row).toMatchObject({
      stage: 'held',
      holdReason: '확인',
      deleteReason: '중복',
      updatedBy: bob.id,
      version: 3,
    });
  });

  it('R3/R5 race: hold and delete started together end in one valid state, and the loser is told', async () => {
    for (let round = 0; round < 5; round++) {
      const { desk } = await freshDesk();
      const f = await seedCatalog(desk);
      const { created } = await addLines(desk, [line(f.channelId), line(f.channelId)]);

      const [held, deleted] = await Promise.all([
        holdOrders(desk, alice, { serials: created, reason: '확인' }),
        deleteOrders(desk, bob, { serials: created, reason: '중복' }),
      ]);

      // A held order can still be deleted; a deleted order cannot be held.
      expect(deleted.done).toEqual(created);
      for (const row of await rowsOf(desk, created)) {
        expect(row.deletedAt).toBeInstanceOf(Date);
        if (held.done.includes(row.serial)) {
          expect(row).toMatchObject({ stage: 'held', holdReason: '확인', version: 3 });
        } else {
          expect(row).toMatchObject({ stage: 'intake', holdReason: null, version: 2 });
          expect(held.refused).toContainEqual({
            serial: row.serial,
            code: 'DELETED',
            stage: 'intake',
            by: bob.id,
          });
        }
      }
    }
  });

  it('R3/R6 race: a batch next step does not move an order held while it waited', async () => {
    const { database, desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId), line(f.channelId)]);
    const [a, b] = created as [number, number];

    const [held, moved] = await race<ActionResult, ActionResult>(
      database,
      desk,
      (d) => holdOrders(d, alice, { serials: [a], reason: '확인' }),
      (d) => moveChannelsNext(d, bob, { channelIds: [f.channelId] }),
    );

    expect(value(held).done).toEqual([a]);
    expect(value(moved).done).toEqual([b]);
    const [rowA, rowB] = await rowsOf(desk, [a, b]);
    expect(rowA).toMatchObject({ stage: 'held', holdReason: '확인', updatedBy: alice.id });
    expect(rowB).toMatchObject({ stage: 'processing', updatedBy: bob.id });
  });

  it('R5/R6 race: a batch next step does not move an order deleted while it waited', async () => {
    const { database, desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);

    const [, moved] = await race<ActionResult, ActionResult>(
      database,
      desk,
      (d) => deleteOrders(d, alice, { serials: created, reason: '중복' }),
      (d) => moveChannelsNext(d, bob, { channelIds: [f.channelId] }),
    );

    expect(value(moved).done).toEqual([]);
    const [row] = await rowsOf(desk, created);
    expect(row).toMatchObject({ stage: 'intake', deleteReason: '중복', updatedBy: alice.id });
  });
});

describe.runIf(isPostgres)('races on the same approval (Postgres)', () => {
  beforeAll(openTestDatabase);

  const requester = actor('operator', 'slack:T1:UREQUESTER');
  const first = actor('approver', 'slack:T1:UFIRST');
  const second = actor('approver', 'slack:T1:USECOND');

  async function pendingDelete() {
    const { database, desk } = await freshDesk({ approvalRequired: ['delete', 'batch_next'] });
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const submitted = await submitAction(desk, requester, {
      action: 'delete',
      serials: created,
      reason: '중복',
    });
    if (submitted.kind !== 'approval_requested') throw new Error('expected an approval request');
    return { database, desk, created, id: submitted.approval.id };
  }

  it('two approvers click at once: one decides, the other gets APPROVAL_DECIDED, the action runs once', async () => {
    const { database, desk, created, id } = await pendingDelete();

    const [won, lost] = await race(
      database,
      desk,
      (d) => decideApproval(d, first, { id, decision: 'approve' }),
      (d) => decideApproval(d, second, { id, decision: 'approve' }),
    );

    expect(value(won).result?.done).toEqual(created);
    expect(lost.status).toBe('rejected');
    await expectDomainError(Promise.reject((lost as PromiseRejectedResult).reason), 'APPROVAL_DECIDED', {
      status: 'approved',
      by: first.id,
    });
    expect(await auditOf(desk, { action: 'delete' })).toHaveLength(1);
    expect(await auditOf(desk, { action: 'approval_approved' })).toHaveLength(1);
    const stored = await desk.store.transaction((tx) => tx.approvals.get(id));
    expect(stored).toMatchObject({ status: 'approved', decidedBy: first.id });
  });

  it('approve and reject at once: exactly one decision stands', async () => {
    for (let round = 0; round < 5; round++) {
      const { desk, created, id } = await pendingDelete();

      const settled = await Promise.allSettled([
        decideApproval(desk, first, { id, decision: 'approve' }),
        decideApproval(desk, second, { id, decision: 'reject', reason: '불필요' }),
      ]);

      const decided = settled.filter((s) => s.status === 'fulfilled');
      const refused = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
      expect(decided).toHaveLength(1);
      expect(refused).toHaveLength(1);
      await expectDomainError(Promise.reject(refused[0]!.reason), 'APPROVAL_DECIDED');
      const stored = (await desk.store.transaction((tx) => tx.approvals.get(id)))!;
      const [row] = await rowsOf(desk, created);
      if (stored.status === 'approved') {
        expect(stored.decidedBy).toBe(first.id);
        expect(row!.deletedAt).toBeInstanceOf(Date);
      } else {
        expect(stored).toMatchObject({ status: 'rejected', decidedBy: second.id });
        expect(row!.deletedAt).toBeNull();
      }
    }
  });
  it('R16 race: two starts on one account at once (two instances): one run, the other told it is busy', async () => {
    const { database, desk } = await freshDesk();
    const f = await seedCatalog(desk);
    const account = await mallAccount(desk, f.channelId, '스마트스토어 본점', 'smartstore');
    const request = { accountIds: [account], from: '2026-11-25', to: '2026-11-25' };

    const [won, lost] = await race(
      database,
      desk,
      (d) => startCollection(d, alice, request),
      (d) => startCollection(d, bob, request),
    );

    const runId = value(won);
    await expectDomainError(Promise.reject((lost as PromiseRejectedResult).reason), 'ACCOUNT_BUSY', {
      account,
      name: '스마트스토어 본점',
      run: runId,
    });
    const runs = await desk.store.read((tx) => tx.collections.list(10));
    expect(runs.map((r) => r.id)).toEqual([runId]);
  });
});
