// Actions the policy names become approval requests; an approver other than the requester decides once,
// and on approval the action runs against the state at that moment.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Desk } from '../../src/domain/context.js';
import type { ApprovalRecord } from '../../src/domain/ports.js';
import { setRole } from '../../src/domain/services/actors.js';
import { decideApproval, expireApprovals, submitAction } from '../../src/domain/services/approvals.js';
import { actor, addLines, freshDesk, line, seedCatalog } from '../support/desk.js';
import {
  allOrders,
  auditOf,
  expectDomainError,
  NOON_KST,
  openTestDatabase,
  putInShipping,
  rowsOf,
  stagesOf,
} from './helpers.js';

beforeAll(openTestDatabase);

const requester = actor('operator', 'slack:T1:UREQUESTER');
const approver = actor('approver', 'slack:T1:UAPPROVER');
const HOUR = 3600_000;

/** A desk under `approvalRequired: ['delete', 'batch_next']`, 24 h to decide, with a clock the test moves. */
async function setup() {
  const clock = { now: NOON_KST };
  const { desk } = await freshDesk(
    { approvalRequired: ['delete', 'batch_next'], approvalTtlHours: 24 },
    () => clock.now,
  );
  const f = await seedCatalog(desk);
  const { created } = await addLines(desk, [line(f.channelId), line(f.channelId), line(f.otherChannelId)]);
  return { desk, f, clock, created: created as [number, number, number] };
}

async function requestDelete(desk: Desk, serials: number[]): Promise<ApprovalRecord> {
  const submitted = await submitAction(desk, requester, { action: 'delete', serials, reason: '중복 주문' });
  if (submitted.kind !== 'approval_requested') throw new Error(`expected a request, got ${submitted.kind}`);
  return submitted.approval;
}

const approvalOf = async (desk: Desk, id: number) =>
  (await desk.store.transaction((tx) => tx.approvals.get(id)))!;

describe('filing a request', () => {
  it('files a request for an action the policy names, and changes no order', async () => {
    const { desk, created } = await setup();
    const [a, b] = created;
    const before = await allOrders(desk);

    const approval = await requestDelete(desk, [a, b, a]);

    expect(approval).toMatchObject({
      action: 'delete',
      status: 'pending',
      requester: requester.id,
      requesterSource: 'slack',
      reason: '중복 주문',
      itemCount: 2,
      decidedBy: null,
    });
    expect(approval.expiresAt.getTime()).toBe(NOON_KST.getTime() + 24 * HOUR);
    expect(await approvalOf(desk, approval.id)).toMatchObject({
      status: 'pending',
      params: { serials: [a, b, a] },
    });
    expect(await allOrders(desk)).toEqual(before);
    const [entry] = await auditOf(desk, { action: 'approval_requested' });
    expect(entry).toMatchObject({
      actor: requester.id,
      reason: '중복 주문',
      serials: [a, b, a],
      detail: { approvalId: approval.id, requested: 'delete', itemCount: 2 },
    });
  });

  it('a batch next step under the policy is filed with the number of intake orders it would move', async () => {
    const { desk, f, created } = await setup();

    const submitted = await submitAction(desk, requester, {
      action: 'batch_next',
      channelIds: [f.channelId],
    });

    expect(submitted.kind).toBe('approval_requested');
    if (submitted.kind === 'approval_requested') expect(submitted.approval.itemCount).toBe(2);
    expect(Object.values(await stagesOf(desk, created))).toEqual(['intake', 'intake', 'intake']);
  });

  it('an action the policy does not name runs at once', async () => {
    const { desk, created } = await setup();

    const submitted = await submitAction(desk, requester, {
      action: 'hold',
      serials: [created[0]],
      reason: '확인',
    });

    expect(submitted).toMatchObject({ kind: 'done', result: { done: [created[0]] } });
    expect((await stagesOf(desk, [created[0]]))[created[0]]).toBe('held');
    expect(await desk.store.transaction((tx) => tx.approvals.list())).toEqual([]);
  });

  it('a delete request still needs a reason, and a viewer files nothing', async () => {
    const { desk, created } = await setup();

    await expectDomainError(
      submitAction(desk, requester, { action: 'delete', serials: [created[0]], reason: ' ' }),
      'VALIDATION',
      { field: 'reason' },
    );
    await expectDomainError(
      submitAction(desk, actor('viewer'), { action: 'delete', serials: [created[0]], reason: '중복' }),
      'FORBIDDEN',
    );

    expect(await desk.store.transaction((tx) => tx.approvals.list())).toEqual([]);
  });
});

describe('deciding', () => {
  it('an approver approves: the action runs as the requester and the decision is recorded', async () => {
    const { desk, created } = await setup();
    const [a, b] = created;
    const approval = await requestDelete(desk, [a, b]);

    const decision = await decideApproval(desk, approver, { id: approval.id, decision: 'approve' });

    expect(decision.result).toMatchObject({ action: 'delete', done: [a, b], refused: [] });
    const stored = await approvalOf(desk, approval.id);
    expect(stored).toMatchObject({
      status: 'approved',
      decidedBy: approver.id,
      result: { done: 2, refused: 0 },
    });
    expect(stored.decidedAt).toBeInstanceOf(Date);
    for (const row of await rowsOf(desk, [a, b])) {
      expect(row).toMatchObject({ deleteReason: '중복 주문', updatedBy: requester.id });
      expect(row.deletedAt).toBeInstanceOf(Date);
    }
    const [approved] = await auditOf(desk, { action: 'approval_approved' });
    expect(approved).toMatchObject({
      actor: approver.id,
      detail: { approvalId: approval.id, requester: requester.id },
    });
    const [deleted] = await auditOf(desk, { action: 'delete' });
    expect(deleted).toMatchObject({ actor: requester.id, reason: '중복 주문', serials: [a, b] });
  });

  it('the requester cannot approve their own request (APPROVAL_SELF)', async () => {
    const { desk, created } = await setup();
    const self = actor('approver', requester.id);
    const approval = await requestDelete(desk, [created[0]]);

    await expectDomainError(
      decideApproval(desk, self, { id: approval.id, decision: 'approve' }),
      'APPROVAL_SELF',
    );

    expect((await approvalOf(desk, approval.id)).status).toBe('pending');
    expect((await rowsOf(desk, [created[0]]))[0]!.deletedAt).toBeNull();
  });

  it('a viewer or an operator cannot decide (FORBIDDEN)', async () => {
    const { desk, created } = await setup();
    const approval = await requestDelete(desk, [created[0]]);

    await expectDomainError(
      decideApproval(desk, actor('viewer'), { id: approval.id, decision: 'approve' }),
      'FORBIDDEN',
    );
    await expectDomainError(
      decideApproval(desk, actor('operator', 'slack:T1:UOTHEROP'), { id: approval.id, decision: 'approve' }),
      'FORBIDDEN',
    );

    expect((await approvalOf(desk, approval.id)).status).toBe('pending');
    expect((await rowsOf(desk, [created[0]]))[0]!.deletedAt).toBeNull();
  });

  it('a request decides once: a second decision is refused (APPROVAL_DECIDED) and the action runs once', async () => {
    const { desk, created } = await setup();
    const approval = await requestDelete(desk, [created[0]]);
    await decideApproval(desk, approver, { id: approval.id, decision: 'approve' });

    await expectDomainError(
      decideApproval(desk, actor('admin', 'slack:T1:UBOSS'), { id: approval.id, decision: 'approve' }),
      'APPROVAL_DECIDED',
      { status: 'approved', by: approver.id },
    );
    await expectDomainError(
      decideApproval(desk, actor('admin', 'slack:T1:UBOSS'), {
        id: approval.id,
        decision: 'reject',
        reason: '늦음',
      }),
      'APPROVAL_DECIDED',
    );

    expect(await auditOf(desk, { action: 'delete' })).toHaveLength(1);
    expect((await approvalOf(desk, approval.id)).decidedBy).toBe(approver.id);
  });

  it('a rejection needs a reason; a rejected request runs nothing', async () => {
    const { desk, created } = await setup();
    const approval = await requestDelete(desk, [created[0]]);

    await expectDomainError(
      decideApproval(desk, approver, { id: approval.id, decision: 'reject' }),
      'VALIDATION',
      {
        field: 'reason',
      },
    );
    expect((await approvalOf(desk, approval.id)).status).toBe('pending');

    const decision = await decideApproval(desk, approver, {
      id: approval.id,
      decision: 'reject',
      reason: ' 삭제 대상 아님 ',
    });

    expect(decision.result).toBeNull();
    expect(await approvalOf(desk, approval.id)).toMatchObject({
      status: 'rejected',
      decidedBy: approver.id,
      decisionReason: '삭제 대상 아님',
    });
    expect((await rowsOf(desk, [created[0]]))[0]!.deletedAt).toBeNull();
    const [entry] = await auditOf(desk, { action: 'approval_rejected' });
    expect(entry).toMatchObject({ actor: approver.id, reason: '삭제 대상 아님' });
  });

  it('an approval runs the action against the state at that moment, not at the request', async () => {
    const { desk, created } = await setup();
    const [a, b] = created;
    const approval = await requestDelete(desk, [a, b]);
    await putInShipping(desk, [b]);

    const decision = await decideApproval(desk, approver, { id: approval.id, decision: 'approve' });

    expect(decision.result?.done).toEqual([a]);
    expect(decision.result?.refused).toEqual([
      { serial: b, code: 'REGISTERED_IN_WMS', stage: 'shipping', by: 'api' },
    ]);
    const [rowA, rowB] = await rowsOf(desk, [a, b]);
    expect(rowA!.deletedAt).toBeInstanceOf(Date);
    expect(rowB).toMatchObject({ deletedAt: null, stage: 'shipping' });
    expect((await approvalOf(desk, approval.id)).result).toEqual({ done: 1, refused: 1 });
  });

  it('an approved request runs with the role the requester has now', async () => {
    const { desk, created } = await setup();
    const approval = await requestDelete(desk, [created[0]]);
    await setRole(desk, actor('admin'), requester.id, 'viewer');

    const decision = await decideApproval(desk, approver, { id: approval.id, decision: 'approve' });

    expect(decision.result).toBeNull();
    expect(await approvalOf(desk, approval.id)).toMatchObject({
      status: 'approved',
      result: { error: 'FORBIDDEN' },
    });
    expect((await rowsOf(desk, [created[0]]))[0]!.deletedAt).toBeNull();
  });

  it('an unknown request is not found', async () => {
    const { desk } = await setup();
    await expectDomainError(decideApproval(desk, approver, { id: 4242, decision: 'approve' }), 'NOT_FOUND');
  });
});

describe('expiry', () => {
  it('a request expires after its time to live (APPROVAL_EXPIRED) and runs nothing', async () => {
    const { desk, clock, created } = await setup();
    const approval = await requestDelete(desk, [created[0]]);
    clock.now = new Date(NOON_KST.getTime() + 24 * HOUR);

    await expectDomainError(
      decideApproval(desk, approver, { id: approval.id, decision: 'approve' }),
      'APPROVAL_EXPIRED',
    );

    expect(await approvalOf(desk, approval.id)).toMatchObject({ status: 'expired', decidedBy: null });
    expect((await rowsOf(desk, [created[0]]))[0]!.deletedAt).toBeNull();
    await expectDomainError(
      decideApproval(desk, approver, { id: approval.id, decision: 'approve' }),
      'APPROVAL_DECIDED',
      { status: 'expired' },
    );
  });

  it('a request can still be decided just before it expires', async () => {
    const { desk, clock, created } = await setup();
    const approval = await requestDelete(desk, [created[0]]);
    clock.now = new Date(NOON_KST.getTime() + 24 * HOUR - 1000);

    const decision = await decideApproval(desk, approver, { id: approval.id, decision: 'approve' });

    expect(decision.result?.done).toEqual([created[0]]);
  });

  it('the schedule expires pending requests past their time to live', async () => {
    const { desk, clock, created } = await setup();
    const old = await requestDelete(desk, [created[0]]);
    clock.now = new Date(NOON_KST.getTime() + 12 * HOUR);
    const recent = await requestDelete(desk, [created[1]]);
    clock.now = new Date(NOON_KST.getTime() + 25 * HOUR);

    const expired = await expireApprovals(desk);

    expect(expired.map((a) => a.id)).toEqual([old.id]);
    expect((await approvalOf(desk, old.id)).status).toBe('expired');
    expect((await approvalOf(desk, recent.id)).status).toBe('pending');
    const [entry] = await auditOf(desk, { action: 'approval_expired' });
    expect(entry).toMatchObject({ actor: 'schedule', source: 'schedule', detail: { approvalIds: [old.id] } });
  });
});
