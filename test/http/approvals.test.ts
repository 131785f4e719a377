// Approvals through REST: under the policy an action answers 202 with the request; another approver
// decides once (X-OrderMate-Actor); the action then runs.
import { describe, expect, it } from 'vitest';
import { addLines, line, seedCatalog } from '../support/desk.js';
import {
  ADMIN,
  APPROVER,
  APPROVER2,
  allOrders,
  auditOf,
  expectError,
  grantRole,
  type Harness,
  harness,
  OPERATOR,
  rowOf,
  VIEWER,
} from './helpers.js';

interface Approval {
  id: number;
  action: string;
  status: string;
  requester: string;
  decidedBy: string | null;
  decisionReason: string | null;
  itemCount: number;
  reason: string;
  result: unknown;
}

async function request(
  h: Harness,
  action: string,
  body: Record<string, unknown>,
  actor?: string,
): Promise<Approval> {
  const res = await h.api('POST', `/orders/actions/${action}`, { body, actor });
  expect(res.statusCode, res.body).toBe(202);
  const answer = res.json() as { approvalRequired: boolean; approval: Approval };
  expect(answer.approvalRequired).toBe(true);
  return answer.approval;
}

async function setup(policy: Parameters<typeof harness>[0] = { approvalRequired: ['delete'] }) {
  const h = await harness(policy);
  const f = await seedCatalog(h.desk);
  const { created } = await addLines(h.desk, [line(f.channelId), line(f.channelId)]);
  await grantRole(h, APPROVER, 'approver');
  await grantRole(h, APPROVER2, 'approver');
  await grantRole(h, VIEWER, 'viewer');
  return { h, f, created };
}

describe('delete under the approval policy', () => {
  it('202 with the request; nothing deleted until another approver approves; then deleted', async () => {
    const { h, created } = await setup();
    const serial = created[0]!;
    const before = await allOrders(h.desk);
    const approval = await request(h, 'delete', { serials: [serial], reason: '중복 주문' }, OPERATOR);
    expect(approval).toMatchObject({
      action: 'delete',
      status: 'pending',
      requester: OPERATOR,
      itemCount: 1,
      reason: '중복 주문',
      decidedBy: null,
    });
    expect(await allOrders(h.desk)).toEqual(before);

    const pending = await h.api('GET', '/approvals?status=pending', { actor: VIEWER });
    expect(pending.statusCode).toBe(200);
    expect(pending.json().items.map((a: Approval) => a.id)).toEqual([approval.id]);
    expect((await h.api('GET', `/approvals/${approval.id}`)).json()).toMatchObject({
      id: approval.id,
      status: 'pending',
    });
    expect((await h.api('GET', '/orders/summary')).json().pendingApprovals).toBe(1);

    // An operator cannot decide.
    expectError(
      await h.api('POST', `/approvals/${approval.id}/approve`, { actor: OPERATOR }),
      403,
      'FORBIDDEN',
    );
    expect((await rowOf(h.desk, serial)).deletedAt).toBeNull();

    const approved = await h.api('POST', `/approvals/${approval.id}/approve`, { actor: APPROVER });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({
      approval: { id: approval.id, status: 'approved', decidedBy: APPROVER, result: { done: 1, refused: 0 } },
      result: { action: 'delete', done: 1, refused: 0, results: [{ serial, status: 'done' }] },
    });
    // Deleted as the requester, with the requester's reason.
    expect(await rowOf(h.desk, serial)).toMatchObject({
      deletedAt: expect.any(Date),
      deleteReason: '중복 주문',
      updatedBy: OPERATOR,
    });
    expectError(await h.api('GET', `/orders/${serial}`), 404, 'NOT_FOUND');
    expect((await rowOf(h.desk, created[1]!)).deletedAt).toBeNull();
    const actions = (await auditOf(h.desk)).map((e) => `${e.action}:${e.actor}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        `approval_requested:${OPERATOR}`,
        `approval_approved:${APPROVER}`,
        `delete:${OPERATOR}`,
      ]),
    );
    expect((await h.api('GET', '/approvals?status=pending')).json().items).toEqual([]);
  });

  it('self-approval is 403 APPROVAL_SELF; a second decision is 409 APPROVAL_DECIDED', async () => {
    const { h, created } = await setup();
    const serial = created[0]!;
    const approval = await request(h, 'delete', { serials: [serial], reason: '테스트 주문' }, APPROVER);

    const self = await h.api('POST', `/approvals/${approval.id}/approve`, { actor: APPROVER });
    expect(expectError(self, 403, 'APPROVAL_SELF')).toBe('본인이 요청한 건은 승인할 수 없습니다');
    expect((await rowOf(h.desk, serial)).deletedAt).toBeNull();
    expect((await h.api('GET', `/approvals/${approval.id}`)).json().status).toBe('pending');

    expect((await h.api('POST', `/approvals/${approval.id}/approve`, { actor: APPROVER2 })).statusCode).toBe(
      200,
    );
    const deletedAt = (await rowOf(h.desk, serial)).deletedAt;
    expect(deletedAt).toEqual(expect.any(Date));

    const twice = await h.api('POST', `/approvals/${approval.id}/approve`, { actor: APPROVER2, lang: 'en' });
    expect(expectError(twice, 409, 'APPROVAL_DECIDED')).toBe(
      `this request was already decided (approved by ${APPROVER2})`,
    );
    const late = await h.api('POST', `/approvals/${approval.id}/reject`, {
      actor: ADMIN,
      body: { reason: '늦음' },
    });
    expectError(late, 409, 'APPROVAL_DECIDED');
    expect((await h.api('GET', `/approvals/${approval.id}`)).json()).toMatchObject({
      status: 'approved',
      decidedBy: APPROVER2,
    });
    expect((await rowOf(h.desk, serial)).deletedAt).toEqual(deletedAt);
    expectError(await h.api('POST', '/approvals/9999/approve', { actor: APPROVER2 }), 404, 'NOT_FOUND');
  });

  it('reject needs a reason (400); a rejected request deletes nothing', async () => {
    const { h, created } = await setup();
    const serial = created[0]!;
    const approval = await request(h, 'delete', { serials: [serial], reason: '정리' });
    expect(approval.requester).toBe('api');

    expect(
      expectError(
        await h.api('POST', `/approvals/${approval.id}/reject`, { actor: APPROVER }),
        400,
        'VALIDATION',
      ),
    ).toBe('입력값을 확인하세요: reason');
    expectError(
      await h.api('POST', `/approvals/${approval.id}/reject`, { actor: APPROVER, body: { reason: '  ' } }),
      400,
      'VALIDATION',
    );
    expectError(
      await h.api('POST', `/approvals/${approval.id}/reject`, { actor: APPROVER, body: { why: 'x' } }),
      400,
      'BAD_REQUEST',
    );
    expect((await h.api('GET', `/approvals/${approval.id}`)).json().status).toBe('pending');

    const rejected = await h.api('POST', `/approvals/${approval.id}/reject`, {
      actor: APPROVER,
      body: { reason: '정상 주문입니다' },
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({
      approval: { status: 'rejected', decidedBy: APPROVER, decisionReason: '정상 주문입니다' },
      result: null,
    });
    expect(await rowOf(h.desk, serial)).toMatchObject({ deletedAt: null, stage: 'intake' });
  });

  it('a delete request without a reason is a 400, and no request is filed', async () => {
    const { h, created } = await setup();
    expectError(
      await h.api('POST', '/orders/actions/delete', { body: { serials: created } }),
      400,
      'VALIDATION',
    );
    expect((await h.api('GET', '/approvals')).json().items).toEqual([]);
  });

  it('actions the policy does not name run at once', async () => {
    const { h, created } = await setup();
    const res = await h.api('POST', '/orders/actions/hold', {
      body: { serials: [created[0]], reason: '보류' },
    });
    expect(res.statusCode).toBe(200);
    expect((await rowOf(h.desk, created[0]!)).stage).toBe('held');
  });

  it('batch next under the policy: the request counts the orders; approved, they move', async () => {
    const { h, f, created } = await setup({ approvalRequired: ['batch_next'] });
    const approval = await request(h, 'next', { channelIds: [f.channelId], reason: '오후 일괄' });
    expect(approval).toMatchObject({ action: 'batch_next', itemCount: 2, reason: '오후 일괄' });
    expect((await rowOf(h.desk, created[0]!)).stage).toBe('intake');
    const approved = await h.api('POST', `/approvals/${approval.id}/approve`, {
      actor: APPROVER,
      body: { reason: '확인함' },
    });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().result).toMatchObject({ action: 'batch_next', done: 2 });
    expect(approved.json().approval.decisionReason).toBe('확인함');
    for (const serial of created) expect((await rowOf(h.desk, serial)).stage).toBe('processing');
  });
});
