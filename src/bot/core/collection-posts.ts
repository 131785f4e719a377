// What a chat platform posts about collections and waiting orders on its own, written once: the progress
// message of a run someone started (posted where they asked, edited as pages arrive, turned into the
// result), every run's result in the collection channel, and the unmatched digest. A platform gives only
// how to post and edit a message.
import type { CollectionRunner } from '../../collect/runner.js';
import type { Desk } from '../../domain/context.js';
import type { CollectionRunRecord } from '../../domain/ports.js';
import { listAccounts } from '../../domain/services/catalog.js';
import { collectionRun } from '../../domain/services/collection.js';
import type { Locale } from '../../i18n/catalog.js';
import { type AccountLabel, collectionRunView } from './collect.js';
import type { BotContext, ChannelPoster, CollectionStarter } from './context.js';
import { LatestOnly } from './latest-only.js';
import type { View } from './model.js';
import { digestView } from './unmatched.js';

/** How a platform posts: `Ref` is whatever it needs to edit the message later. */
export interface ChannelIo<Ref> {
  /** The progress message for the person who started the run (their channel, or where it can reach them). */
  postProgress(ctx: BotContext, view: View): Promise<Ref | null>;
  edit(ref: Ref, view: View): Promise<void>;
  /** A message to a configured channel. */
  post(channel: string, view: View): Promise<void>;
}

export interface CollectionPostOptions {
  collectionChannel?: string;
  digestChannel?: string;
  defaultLocale: Locale;
  /** Least time between two edits of a progress message (edits are rate-limited everywhere). */
  progressGapMs?: number;
  mention(identity: string): string;
  warn(what: string): (e: unknown) => void;
}

/** Accounts as a run's message names them (no person asks: the system reads them). */
export async function accountLabels(desk: Desk): Promise<AccountLabel[]> {
  const system = { id: 'system', role: 'viewer' as const, source: 'system' as const };
  return (await listAccounts(desk, system)).map((a) => ({ id: a.id, name: a.name, isDemo: a.isDemo }));
}

export function collectionPosts<Ref>(
  desk: Desk,
  runner: CollectionRunner | undefined,
  io: ChannelIo<Ref>,
  options: CollectionPostOptions,
): { collector?: CollectionStarter; poster: ChannelPoster } {
  /** Runs started on this platform, and the channel showing their progress. */
  const origins = new Map<number, string>();

  const collector: CollectionStarter | undefined = runner && {
    async start(ctx, request) {
      const accounts = await accountLabels(desk);
      const view = (run: CollectionRunRecord) =>
        collectionRunView(run, accounts, ctx.locale, options.mention);
      let shown: (ref: Ref | null) => void = () => {};
      const where = new Promise<Ref | null>((resolve) => {
        shown = resolve;
      });
      const updates = new LatestOnly<CollectionRunRecord>(async (run) => {
        const ref = await where;
        if (ref !== null) await io.edit(ref, view(run)).catch(options.warn('progress update'));
      }, options.progressGapMs ?? 1200);
      const runId = await runner.start(ctx.actor, request, {
        progress: (run) => updates.push(run),
        finished: (run) => updates.flush(run),
      });
      if (ctx.origin) origins.set(runId, ctx.origin);
      // Whatever happens here, the updater must learn where (or that nowhere) to show progress.
      let ref: Ref | null = null;
      try {
        ref = await io.postProgress(ctx, view(await collectionRun(desk, ctx.actor, runId)));
      } catch (e) {
        options.warn('progress message')(e);
      } finally {
        shown(ref);
      }
      return runId;
    },
  };

  const poster: ChannelPoster = {
    async collectionFinished(run) {
      const origin = origins.get(run.id);
      origins.delete(run.id);
      const channel = options.collectionChannel;
      if (!channel || channel === origin) return;
      const accounts = await accountLabels(desk);
      await io.post(channel, collectionRunView(run, accounts, options.defaultLocale, options.mention));
    },
    async unmatchedDigest(digest) {
      if (!options.digestChannel || digest.total === 0) return;
      await io.post(options.digestChannel, digestView(digest, desk.now(), options.defaultLocale));
    },
  };

  // Every run's result, whoever started it (a person or the schedule), goes to the collection channel.
  runner?.listen({
    finished: (run) => poster.collectionFinished(run).catch(options.warn('collection result post')),
  });
  return { collector, poster };
}
