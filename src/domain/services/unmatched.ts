// R1: orders waiting for a product match, as the desk and the daily digest show them. Matching itself
// (save the match, release every waiting order of the key in one statement) is matchProduct in intake.
import type { Desk } from '../context.js';
import { DomainError } from '../errors.js';
import type { UnmatchedChannel, UnmatchedGroup } from '../ports.js';
import type { Actor } from '../types.js';
import { requireRole } from './actors.js';

export const UNMATCHED_PAGE = 20;

export interface UnmatchedOverview {
  groups: UnmatchedGroup[];
  channels: UnmatchedChannel[];
  /** Waiting orders in all. */
  total: number;
  /** Groups in all (the page may show fewer). */
  groupCount: number;
}

export async function unmatchedOverview(
  desk: Desk,
  actor: Actor,
  filter: { channelId?: number; limit?: number } = {},
): Promise<UnmatchedOverview> {
  requireRole(actor, 'viewer');
  return readOverview(desk, filter);
}

/** The scheduled digest reads the same overview; no person asks, so no role applies. */
export async function unmatchedDigest(desk: Desk, topPerChannel = 3): Promise<UnmatchedDigest> {
  return desk.store.read(async (tx) => {
    const channels = await tx.orders.unmatchedByChannel();
    const withTop = [];
    // Each channel its own top: a channel of small groups is not crowded out by a busier one.
    for (const c of channels) {
      withTop.push({
        ...c,
        top: await tx.orders.unmatchedGroups({ channelId: c.channelId, limit: topPerChannel }),
      });
    }
    return { total: channels.reduce((n, c) => n + c.count, 0), channels: withTop };
  });
}

export interface UnmatchedDigest {
  total: number;
  channels: (UnmatchedChannel & { top: UnmatchedGroup[] })[];
}

async function readOverview(
  desk: Desk,
  filter: { channelId?: number; limit?: number },
): Promise<UnmatchedOverview> {
  return desk.store.read(async (tx) => {
    const channels = (await tx.orders.unmatchedByChannel()).filter(
      (c) => filter.channelId === undefined || c.channelId === filter.channelId,
    );
    const groups = await tx.orders.unmatchedGroups({
      channelId: filter.channelId,
      limit: Math.min(Math.max(filter.limit ?? UNMATCHED_PAGE, 1), 500),
    });
    return {
      groups,
      channels,
      total: channels.reduce((n, c) => n + c.count, 0),
      groupCount: channels.reduce((n, c) => n + c.groups, 0),
    };
  });
}

/** The group a waiting order belongs to: what the Match form is about. */
export async function unmatchedGroupOf(desk: Desk, actor: Actor, serial: number): Promise<UnmatchedGroup> {
  requireRole(actor, 'operator');
  return desk.store.read(async (tx) => {
    const [order] = await tx.orders.get([serial]);
    if (!order || order.deletedAt) throw new DomainError('NOT_FOUND', { field: 'serial', value: serial });
    if (order.stage !== 'unmatched') throw new DomainError('ALREADY_MATCHED', { serial });
    const [group] = await tx.orders.unmatchedGroups({
      channelId: order.channelId,
      key: { mallProductCode: order.mallProductCode, mallOption: order.mallOption },
      limit: 1,
    });
    if (!group) throw new DomainError('ALREADY_MATCHED', { serial });
    return group;
  });
}
