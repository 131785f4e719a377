// What OrderMate posts to Slack channels on its own: a collection's progress message (updated as pages
// arrive, then turned into the result), the result in SLACK_COLLECTION_CHANNEL, and the unmatched digest.
import type { App, Logger } from '@slack/bolt';
import type { CollectionRunner } from '../../collect/runner.js';
import type { Desk } from '../../domain/context.js';
import type { CollectionRunRecord } from '../../domain/ports.js';
import { listAccounts } from '../../domain/services/catalog.js';
import { collectionRun } from '../../domain/services/collection.js';
import type { Locale } from '../../i18n/catalog.js';
import { type AccountLabel, collectionRunView } from '../core/collect.js';
import type { ChannelPoster, CollectionStarter } from '../core/context.js';
import type { View } from '../core/model.js';
import { digestView } from '../core/unmatched.js';
import { LatestOnly } from '../core/latest-only.js';
import { renderMessage } from './render.js';

type WebClient = App['client'];

export interface SlackPostOptions {
  collectionChannel?: string;
  digestChannel?: string;
  defaultLocale: Locale;
  /** Least time between two edits of a progress message (chat.update is rate-limited, ~50 a minute). */
  progressGapMs?: number;
}

export function slackPosts(
  desk: Desk,
  client: WebClient,
  runner: CollectionRunner | undefined,
  options: SlackPostOptions,
  mention: (identity: string) => string,
  logger?: Logger,
): { collector?: CollectionStarter; poster: ChannelPoster } {
  /** Runs started from Slack, and the channel showing their progress. */
  const origins = new Map<number, string>();
  const warn = (what: string) => (e: unknown) => logger?.warn(`${what}: ${(e as Error).message}`);

  async function labels(): Promise<AccountLabel[]> {
    const system = { id: 'system', role: 'viewer' as const, source: 'system' as const };
    return (await listAccounts(desk, system)).map((a) => ({ id: a.id, name: a.name, isDemo: a.isDemo }));
  }

  /** Posts to the channel; when the bot is not in it, to the person's DM instead. */
  async function postWhereAsked(channel: string | undefined, user: string | null, view: View) {
    const message = renderMessage(view);
    if (channel) {
      const posted = await client.chat.postMessage({ channel, ...message }).catch(warn('chat.postMessage'));
      if (posted?.ts) return { channel: posted.channel ?? channel, ts: posted.ts };
    }
    if (!user) return null;
    const im = await client.conversations.open({ users: user });
    const posted = await client.chat.postMessage({ channel: im.channel?.id ?? user, ...message });
    return posted.ts ? { channel: posted.channel ?? user, ts: posted.ts } : null;
  }

  const collector: CollectionStarter | undefined = runner && {
    async start(ctx, request) {
      const accounts = await labels();
      const render = (run: CollectionRunRecord) =>
        renderMessage(collectionRunView(run, accounts, ctx.locale, mention));
      let shown: (ref: { channel: string; ts: string } | null) => void = () => {};
      const message = new Promise<{ channel: string; ts: string } | null>((resolve) => {
        shown = resolve;
      });
      const updates = new LatestOnly<CollectionRunRecord>(async (run) => {
        const ref = await message;
        if (ref) await client.chat.update({ ...ref, ...render(run) }).catch(warn('chat.update'));
      }, options.progressGapMs ?? 1200);
      const runId = await runner.start(ctx.actor, request, {
        progress: (run) => updates.push(run),
        finished: (run) => updates.flush(run),
      });
      const user = ctx.actor.id.startsWith('slack:') ? ctx.actor.id.split(':')[2]! : null;
      if (ctx.origin) origins.set(runId, ctx.origin);
      const first = await collectionRun(desk, ctx.actor, runId);
      shown(
        await postWhereAsked(ctx.origin, user, collectionRunView(first, accounts, ctx.locale, mention)).catch(
          (e) => {
            warn('progress message')(e);
            return null;
          },
        ),
      );
      return runId;
    },
  };

  const poster: ChannelPoster = {
    async collectionFinished(run) {
      const origin = origins.get(run.id);
      origins.delete(run.id);
      const channel = options.collectionChannel;
      if (!channel || channel === origin) return;
      const view = collectionRunView(run, await labels(), options.defaultLocale, mention);
      await client.chat.postMessage({ channel, ...renderMessage(view) });
    },
    async unmatchedDigest(digest) {
      const channel = options.digestChannel;
      if (!channel || digest.total === 0) return;
      const view = digestView(digest, desk.now(), options.defaultLocale);
      await client.chat.postMessage({ channel, ...renderMessage(view) });
    },
  };

  // Every run's result, whoever started it (a person or the schedule), goes to the collection channel.
  runner?.listen({
    finished: (run) => poster.collectionFinished(run).catch(warn('collection result post')),
  });
  return { collector, poster };
}
