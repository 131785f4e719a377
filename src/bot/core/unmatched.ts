// R1 on chat: the waiting orders grouped by what one match releases, the Match form, and the digest.
import type { UnmatchedGroup } from '../../domain/ports.js';
import { listChannels } from '../../domain/services/catalog.js';
import { matchProduct } from '../../domain/services/intake.js';
import {
  type UnmatchedDigest,
  unmatchedGroupOf,
  unmatchedOverview,
} from '../../domain/services/unmatched.js';
import type { Locale } from '../../i18n/catalog.js';
import { t } from '../../i18n/messages.js';
import { domainErrorReply } from './commands.js';
import type { BotContext } from './context.js';
import { type FormValues, matchForm, number, text } from './forms.js';
import { ACTIONS, type Block, type BotReply, type Button, type View, viewReply } from './model.js';
import { messageView } from './views.js';

/** Groups shown at once: each is two blocks, and a Slack message holds fifty. */
export const UNMATCHED_SHOWN = 15;

/** "3일" / "5 h": how long something has waited, in its largest whole unit. */
export function ageText(since: Date, now: Date, locale: Locale): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 60_000));
  if (minutes < 60) return t(locale, 'age.minutes', { n: minutes });
  if (minutes < 48 * 60) return t(locale, 'age.hours', { n: Math.floor(minutes / 60) });
  return t(locale, 'age.days', { n: Math.floor(minutes / 1440) });
}

const optionSuffix = (g: { mallOption: string }) => (g.mallOption ? ` / ${g.mallOption}` : '');

export const matchNowButton = (locale: Locale, channelId?: number): Button => ({
  action: ACTIONS.unmatched,
  label: t(locale, 'unmatched.matchNow'),
  value: JSON.stringify(channelId === undefined ? {} : { ch: channelId }),
  style: 'primary',
});

export function unmatchedView(
  overview: { groups: UnmatchedGroup[]; total: number; groupCount: number },
  now: Date,
  locale: Locale,
): View {
  if (overview.total === 0) return messageView(t(locale, 'unmatched.empty'));
  const title = t(locale, 'unmatched.title', { total: overview.total, groups: overview.groupCount });
  const blocks: Block[] = [{ type: 'header', text: title }];
  for (const g of overview.groups.slice(0, UNMATCHED_SHOWN)) {
    blocks.push({
      type: 'text',
      text: `*${g.channelName}* · \`${g.mallProductCode}\`${optionSuffix(g)}\n${t(locale, 'unmatched.group', {
        name: g.mallProductName || t(locale, 'unmatched.noName'),
        orders: g.orders,
        quantity: g.quantity,
        age: ageText(g.oldest, now, locale),
      })}`,
    });
    blocks.push({
      type: 'buttons',
      buttons: [
        {
          action: ACTIONS.match,
          // Named by the mall code: where buttons stand apart from their group (Discord), still clear.
          label: `${t(locale, 'unmatched.match')} · ${g.mallProductCode}`,
          value: JSON.stringify({ s: g.sampleSerial }),
          style: 'primary',
        },
      ],
    });
  }
  const more = overview.groupCount - Math.min(overview.groups.length, UNMATCHED_SHOWN);
  if (more > 0) blocks.push({ type: 'context', text: t(locale, 'unmatched.more', { n: more }) });
  blocks.push({ type: 'context', text: t(locale, 'unmatched.footer') });
  return { text: title, blocks };
}

/** `/orders unmatched [channel code]` and the "Match now" button. */
export async function unmatchedReply(ctx: BotContext, filter: { channelId?: number }): Promise<BotReply> {
  try {
    const overview = await unmatchedOverview(ctx.desk, ctx.actor, {
      channelId: filter.channelId,
      limit: UNMATCHED_SHOWN,
    });
    return viewReply(unmatchedView(overview, ctx.desk.now(), ctx.locale));
  } catch (e) {
    return domainErrorReply(ctx, e);
  }
}

export async function unmatchedCommand(ctx: BotContext, args: string): Promise<BotReply> {
  const code = args.trim().toLowerCase();
  if (!code) return unmatchedReply(ctx, {});
  try {
    const channel = (await listChannels(ctx.desk, ctx.actor)).find((c) => c.code === code);
    if (!channel) return viewReply(messageView(t(ctx.locale, 'cmd.unknownChannel', { code })));
    return unmatchedReply(ctx, { channelId: channel.id });
  } catch (e) {
    return domainErrorReply(ctx, e);
  }
}

/** The Match button: the form for the group the order belongs to. */
export async function matchFormReply(ctx: BotContext, serial: number): Promise<BotReply> {
  try {
    const group = await unmatchedGroupOf(ctx.desk, ctx.actor, serial);
    return { kind: 'form', form: matchForm(ctx.locale, group, ctx.reply) };
  } catch (e) {
    return domainErrorReply(ctx, e);
  }
}

/** Saves the match; every waiting order with the key enters intake at once. */
export async function submitMatch(
  ctx: BotContext,
  key: { channelId: number; mallProductCode: string; mallOption: string },
  values: FormValues,
): Promise<BotReply> {
  const items = (['', '2', '3'] as const)
    .filter((n) => text(values, `product${n}`))
    .map((n) => ({
      productId: number(values, `product${n}`),
      quantity: text(values, `quantity${n}`) ? number(values, `quantity${n}`) : 1,
    }));
  const result = await matchProduct(ctx.desk, ctx.actor, { ...key, items });
  const lines = [
    t(ctx.locale, 'result.matched', {
      code: key.mallProductCode,
      option: optionSuffix(key),
      items: items.length,
      released: result.released.length,
    }),
  ];
  if (result.gifts.length) lines.push(t(ctx.locale, 'result.matchedGifts', { n: result.gifts.length }));
  const summary = lines.join('\n');
  return viewReply({
    text: summary,
    blocks: [
      { type: 'text', text: summary },
      {
        type: 'buttons',
        buttons: [{ action: ACTIONS.unmatched, label: t(ctx.locale, 'result.matchedNext'), value: '{}' }],
      },
    ],
  });
}

/** The weekday digest: per channel the count, the oldest wait and the top mall products. */
export function digestView(digest: UnmatchedDigest, now: Date, locale: Locale): View {
  const title = t(locale, 'digest.title', { total: digest.total });
  const blocks: Block[] = [{ type: 'header', text: title }];
  for (const c of digest.channels) {
    const top = c.top.map(
      (g) =>
        `• ${t(locale, 'digest.top', {
          name: g.mallProductName || t(locale, 'unmatched.noName'),
          code: g.mallProductCode,
          option: optionSuffix(g),
          orders: g.orders,
        })}`,
    );
    blocks.push({
      type: 'text',
      text: [
        t(locale, 'digest.channel', {
          channel: c.channelName,
          count: c.count,
          age: ageText(c.oldest, now, locale),
        }),
        ...top,
      ].join('\n'),
    });
  }
  blocks.push({ type: 'buttons', buttons: [matchNowButton(locale)] });
  return { text: title, blocks };
}
