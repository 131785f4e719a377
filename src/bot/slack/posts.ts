// How Slack posts what OrderMate says on its own (collection progress and results, the digest): the
// logic is in core/collection-posts.ts; here only chat.postMessage, chat.update, and the DM fallback.
import type { App, Logger } from '@slack/bolt';
import type { CollectionRunner } from '../../collect/runner.js';
import type { Desk } from '../../domain/context.js';
import type { Locale } from '../../i18n/catalog.js';
import { collectionPosts } from '../core/collection-posts.js';
import type { ChannelPoster, CollectionStarter } from '../core/context.js';
import type { View } from '../core/model.js';
import { renderMessage } from './render.js';

type WebClient = App['client'];

export interface SlackPostOptions {
  collectionChannel?: string;
  digestChannel?: string;
  defaultLocale: Locale;
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
  const warn = (what: string) => (e: unknown) => logger?.warn(`${what}: ${(e as Error).message}`);

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

  return collectionPosts<{ channel: string; ts: string }>(
    desk,
    runner,
    {
      postProgress: (ctx, view) =>
        postWhereAsked(
          ctx.origin,
          ctx.actor.id.startsWith('slack:') ? ctx.actor.id.split(':')[2]! : null,
          view,
        ),
      edit: async (ref, view) => {
        await client.chat.update({ ...ref, ...renderMessage(view) });
      },
      post: async (channel, view) => {
        await client.chat.postMessage({ channel, ...renderMessage(view) });
      },
    },
    { ...options, mention, warn },
  );
}
