// Some actions need an approver's click. `submitAction` is the one door every controller uses: it runs
// the action, or files an approval request when the policy says so. An approver other than the
// requester decides once; on approval the action runs against the state at that moment.
import type { Desk } from '../context.js';
import { DomainError } from '../errors.js';
import type { ApprovalRecord, DeskTx, OrderFilter } from '../ports.js';
import type { ActionResult, Actor, ActorSource, ApprovableAction, ClaimType } from '../types.js';
import { requireRole, roleOf } from './actors.js';
import {
  claimOrders,
  deleteOrders,
  holdOrders,
  moveChannelsNext,
  moveOrdersNext,
  releaseOrders,
  restoreOrders,
  type Versions,
} from './order-actions.js';

export type ActionRequest =
  | { action: 'hold'; serials: number[]; reason: string; packingGroup?: boolean; versions?: Versions }
  | { action: 'release'; serials: number[]; versions?: Versions }
  | { action: 'delete'; serials: number[]; reason: string; versions?: Versions }
  | { action: 'restore'; serials: number[] }
  | {
      action: 'claim';
      serials: number[];
      type: ClaimType;
      reason: string;
      newProductId?: number;
      versions?: Versions;
    }
  | { action: 'next'; serials: number[]; packingGroup?: boolean; versions?: Versions }
  | { action: 'batch_next'; channelIds: number[]; reason?: string }
  | { action: 'export'; filter: OrderFilter; reason: string; format?: 'xlsx' | 'csv' };

export type Submitted =
  | { kind: 'done'; result: ActionResult }
  | { kind: 'approval_requested'; approval: ApprovalRecord }
  | { kind: 'export_allowed' };

/** Runs the action now, against the current state. */
async function run(desk: Desk, actor: Actor, req: ActionRequest): Promise<ActionResult | null> {
  switch (req.action) {
    case 'hold':
      return holdOrders(desk, actor, req);
    case 'release':
      return releaseOrders(desk, actor, req);
    case 'delete':
      return deleteOrders(desk, actor, req);
    case 'restore':
      return restoreOrders(desk, actor, req);
    case 'claim':
      return claimOrders(desk, actor, req);
    case 'next':
      return moveOrdersNext(desk, actor, req);
    case 'batch_next':
      return moveChannelsNext(desk, actor, req);
    case 'export':
      return null;
  }
}

const minimumRole = (req: ActionRequest) => (req.action === 'restore' ? 'admin' : 'operator');

async function itemCount(tx: DeskTx, req: ActionRequest): Promise<number> {
  if ('serials' in req) return new Set(req.serials).size;
  if (req.action === 'batch_next') {
    let n = 0;
    for (const channelId of req.channelIds) n += await tx.orders.count({ stage: 'intake', channelId });
    return n;
  }
  return tx.orders.count(req.filter);
}

/**
 * The door for every state-changing order action. Under the approval policy the request is filed
 * instead (an export is then delivered once approved); otherwise it runs now.
 */
export async function submitAction(desk: Desk, actor: Actor, req: ActionRequest): Promise<Submitted> {
  requireRole(actor, minimumRole(req));
  if (desk.policy.approvalRequired.includes(req.action as ApprovableAction)) {
    const reason = ('reason' in req ? req.reason : undefined)?.trim() ?? '';
    if (['hold', 'delete', 'claim', 'export'].includes(req.action) && !reason) {
      throw new DomainError('VALIDATION', { field: 'reason' });
    }
    if (req.action === 'batch_next' && req.channelIds.length === 0) {
      throw new DomainError('VALIDATION', { field: 'channelIds' });
    }
    if ('serials' in req && req.serials.length === 0)
      throw new DomainError('VALIDATION', { field: 'serials' });
    const approval = await desk.store.transaction(async (tx) => {
      const created = await tx.approvals.create({
        action: req.action,
        params: req as unknown as Record<string, unknown>,
        itemCount: await itemCount(tx, req),
        requester: actor.id,
        requesterSource: actor.source,
        reason,
        expiresAt: new Date(desk.now().getTime() + desk.policy.approvalTtlHours * 3600_000),
      });
      await tx.audit.append({
        actor: actor.id,
        source: actor.source,
        action: 'approval_requested',
        reason,
        serials: 'serials' in req ? req.serials : [],
        detail: { approvalId: created.id, requested: req.action, itemCount: created.itemCount },
      });
      return created;
    });
    return { kind: 'approval_requested', approval };
  }
  if (req.action === 'export') return { kind: 'export_allowed' };
  return { kind: 'done', result: (await run(desk, actor, req))! };
}

export interface Decision {
  approval: ApprovalRecord;
  /** The action's result when approved (null for an export: the caller delivers the file). */
  result: ActionResult | null;
}

/** An approver other than the requester approves or rejects (with a reason); a request decides once. */
export async function decideApproval(
  desk: Desk,
  actor: Actor,
  input: { id: number; decision: 'approve' | 'reject'; reason?: string },
): Promise<Decision> {
  requireRole(actor, 'approver');
  const reason = input.reason?.trim() || null;
  if (input.decision === 'reject' && !reason) throw new DomainError('VALIDATION', { field: 'reason' });
  // Claim the request first, in its own transaction, so a double click decides once.
  const claimed = await desk.store.transaction(async (tx) => {
    const approval = await tx.approvals.lock(input.id);
    if (!approval) throw new DomainError('NOT_FOUND', { field: 'approval', value: input.id });
    if (approval.requester === actor.id) throw new DomainError('APPROVAL_SELF');
    if (approval.status !== 'pending') {
      throw new DomainError('APPROVAL_DECIDED', { status: approval.status, by: approval.decidedBy ?? '' });
    }
    if (approval.expiresAt.getTime() <= desk.now().getTime()) {
      await tx.approvals.decide(approval.id, {
        status: 'expired',
        decidedBy: null,
        reason: null,
        result: null,
      });
      return { approval, expired: true as const };
    }
    const status = input.decision === 'approve' ? ('approved' as const) : ('rejected' as const);
    const decided = await tx.approvals.decide(approval.id, {
      status,
      decidedBy: actor.id,
      reason,
      result: null,
    });
    await tx.audit.append({
      actor: actor.id,
      source: actor.source,
      action: `approval_${status}`,
      reason,
      detail: { approvalId: approval.id, requested: approval.action, requester: approval.requester },
    });
    const requesterRole = await roleOf(desk, tx, approval.requester);
    return { approval: decided, expired: false as const, requesterRole };
  });
  if (claimed.expired) throw new DomainError('APPROVAL_EXPIRED');
  if (claimed.approval.status === 'rejected') return { approval: claimed.approval, result: null };
  // Runs as the requester (whose role may have changed since), against the state at this moment.
  const req = claimed.approval.params as unknown as ActionRequest;
  const requester: Actor = {
    id: claimed.approval.requester,
    source: claimed.approval.requesterSource as ActorSource,
    role: claimed.requesterRole,
  };
  let result: ActionResult | null;
  try {
    result = await run(desk, requester, req);
  } catch (e) {
    const code = e instanceof DomainError ? e.code : 'FAILED';
    const approval = await desk.store.transaction((tx) =>
      tx.approvals.decide(claimed.approval.id, {
        status: 'approved',
        decidedBy: actor.id,
        reason,
        result: { error: code },
      }),
    );
    return { approval, result: null };
  }
  const approval = await desk.store.transaction((tx) =>
    tx.approvals.decide(claimed.approval.id, {
      status: 'approved',
      decidedBy: actor.id,
      reason,
      result: result ? { done: result.done.length, refused: result.refused.length } : { export: 'allowed' },
    }),
  );
  return { approval, result };
}

export async function listApprovals(desk: Desk, actor: Actor, status?: ApprovalRecord['status']) {
  requireRole(actor, 'viewer');
  return desk.store.transaction((tx) => tx.approvals.list(status));
}

export async function getApproval(desk: Desk, actor: Actor, id: number): Promise<ApprovalRecord> {
  requireRole(actor, 'viewer');
  const found = await desk.store.transaction((tx) => tx.approvals.get(id));
  if (!found) throw new DomainError('NOT_FOUND', { field: 'approval', value: id });
  return found;
}

/** Pending requests older than their time to live expire (a schedule calls this). */
export async function expireApprovals(desk: Desk): Promise<ApprovalRecord[]> {
  return desk.store.transaction(async (tx) => {
    const expired = await tx.approvals.expire(desk.now());
    if (expired.length) {
      await tx.audit.append({
        actor: 'schedule',
        source: 'schedule',
        action: 'approval_expired',
        detail: { approvalIds: expired.map((a) => a.id) },
      });
    }
    return expired;
  });
}

/** The approvers to ask: approvers and admins by role, and the bootstrap admins. */
export async function approverIdentities(desk: Desk): Promise<string[]> {
  const fromTable = await desk.store.transaction((tx) => tx.identities.withRole(['approver', 'admin']));
  return [...new Set([...desk.policy.adminUsers, ...fromTable])];
}
