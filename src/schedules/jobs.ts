// The desk's scheduled jobs: the unmatched digest (R1), expiry of approvals and import previews, and
// scheduled collection (R2). Each is a plain function of the desk; the scheduler decides when and where.
import type { ChannelPoster, Notifier } from '../bot/core/context.js';
import type { CollectionRunner } from '../collect/runner.js';
import type { Desk } from '../domain/context.js';
import { isDomainError } from '../domain/errors.js';
import { isCollectable } from '../domain/rules/collection.js';
import { kstDay } from '../domain/rules/gifts.js';
import { expireApprovals } from '../domain/services/approvals.js';
import { listAccounts } from '../domain/services/catalog.js';
import { markInterruptedRuns, RUN_STALE_AFTER_MS } from '../domain/services/collection.js';
import { expireImports } from '../domain/services/imports.js';
import { unmatchedDigest } from '../domain/services/unmatched.js';
import type { Actor } from '../domain/types.js';
import type { ScheduledJob } from './scheduler.js';

/** Who the scheduled collection acts as in the audit trail. */
export const SCHEDULE_ACTOR: Actor = { id: 'schedule', role: 'operator', source: 'schedule' };

type Warn = (what: string, error: unknown) => void;

/** Per channel what waits, to every platform's digest channel; nothing at all when nothing waits. */
export function digestJob(desk: Desk, posters: ChannelPoster[], cronText: string, warn: Warn): ScheduledJob {
  return {
    name: 'unmatched-digest',
    cron: cronText,
    async run() {
      const digest = await unmatchedDigest(desk);
      if (digest.total === 0) return;
      for (const poster of posters)
        await poster.unmatchedDigest(digest).catch((e) => warn('digest post failed', e));
    },
  };
}

/**
 * Pending approvals past their time expire (their messages say so); stale import previews go; runs a
 * dead instance left running become interrupted.
 */
export function expiryJob(desk: Desk, notifiers: Notifier[], cronText: string, warn: Warn): ScheduledJob {
  return {
    name: 'expiry',
    cron: cronText,
    async run() {
      for (const approval of await expireApprovals(desk)) {
        for (const notifier of notifiers)
          await notifier.approvalDecided(approval).catch((e) => warn('approval update failed', e));
      }
      await expireImports(desk);
      await markInterruptedRuns(desk, RUN_STALE_AFTER_MS);
    },
  };
}

/**
 * The chosen accounts (or every collectable one) for the last `days` Korean days, awaited to the end.
 * An account being collected already (someone started a run by hand) is left to that run.
 */
export function collectJob(
  desk: Desk,
  runner: CollectionRunner,
  options: { cron: string; accountIds: number[]; days: number },
): ScheduledJob {
  return {
    name: 'collect',
    cron: options.cron,
    async run() {
      const collectable = (await listAccounts(desk, SCHEDULE_ACTOR)).filter(isCollectable).map((a) => a.id);
      const accountIds = options.accountIds.length
        ? options.accountIds.filter((id) => collectable.includes(id))
        : collectable;
      const now = desk.now().getTime();
      const period = {
        from: kstDay(new Date(now - (options.days - 1) * 86_400_000)),
        to: kstDay(new Date(now)),
      };
      let left = accountIds;
      while (left.length) {
        try {
          await runner.settled(await runner.start(SCHEDULE_ACTOR, { accountIds: left, ...period }));
          return;
        } catch (e) {
          if (!isDomainError(e) || e.code !== 'ACCOUNT_BUSY') throw e;
          left = left.filter((id) => id !== e.params.account);
        }
      }
    },
  };
}
