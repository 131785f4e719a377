// R2, R16 on chat: the collect form, and a run as its progress message and its result show it.
import type { CollectionRunRecord } from '../../domain/ports.js';
import { isCollectable } from '../../domain/rules/collection.js';
import { kstDay } from '../../domain/rules/gifts.js';
import { listAccounts } from '../../domain/services/catalog.js';
import type { Locale } from '../../i18n/catalog.js';
import { type MessageKey, t } from '../../i18n/messages.js';
import { domainErrorReply } from './commands.js';
import type { BotContext } from './context.js';
import { collectForm, type FormValues, text } from './forms.js';
import { type Block, type BotReply, type View, viewReply } from './model.js';
import { matchNowButton } from './unmatched.js';
import { messageView, type NameOf } from './views.js';

/** An account as a run's message names it. */
export interface AccountLabel {
  id: number;
  name: string;
  isDemo: boolean;
}

/** `/orders collect`: the form with yesterday (Korean calendar) and every eligible account ticked. */
export async function collectCommand(ctx: BotContext): Promise<BotReply> {
  if (!ctx.collector) return viewReply(messageView(t(ctx.locale, 'collect.off')));
  try {
    const accounts = (await listAccounts(ctx.desk, ctx.actor)).filter(isCollectable);
    if (accounts.length === 0) return viewReply(messageView(t(ctx.locale, 'collect.none')));
    const yesterday = kstDay(new Date(ctx.desk.now().getTime() - 86_400_000));
    const labelled = accounts.slice(0, 100).map((a) => ({ id: a.id, name: accountName(a, ctx.locale) }));
    return {
      kind: 'form',
      form: collectForm(ctx.locale, labelled, yesterday, { origin: ctx.origin, reply: ctx.reply }),
    };
  } catch (e) {
    return domainErrorReply(ctx, e);
  }
}

export async function submitCollect(ctx: BotContext, values: FormValues): Promise<BotReply> {
  if (!ctx.collector) return viewReply(messageView(t(ctx.locale, 'collect.off')));
  const accountIds = (Array.isArray(values.accounts) ? values.accounts : []).map(Number);
  const request = { accountIds, from: text(values, 'from'), to: text(values, 'to') };
  const id = await ctx.collector.start(ctx, request);
  return viewReply(
    messageView(
      t(ctx.locale, 'collect.started', {
        id,
        from: request.from,
        to: request.to,
        accounts: accountIds.length,
      }),
    ),
  );
}

const accountName = (a: { name: string; isDemo: boolean }, locale: Locale) =>
  a.isDemo ? `${a.name} (${t(locale, 'collect.demo')})` : a.name;

/** The run as one message: a line per account, and "Match now" once it is over with orders waiting. */
export function collectionRunView(
  run: CollectionRunRecord,
  accounts: AccountLabel[],
  locale: Locale,
  nameOf: NameOf,
): View {
  const title = t(locale, `collect.title.${run.status}` as MessageKey, {
    id: run.id,
    from: run.periodFrom,
    to: run.periodTo,
  });
  const names = new Map(accounts.map((a) => [a.id, accountName(a, locale)]));
  const lines = run.accounts.map((a) => {
    const mark = a.status === 'done' ? '✅' : a.status === 'failed' ? '❌' : '⏳';
    const { fetched, created, duplicates, unmatched, claims } = a;
    const counts = t(locale, 'collect.account', { fetched, created, duplicates, unmatched, claims });
    const state =
      a.status === 'failed'
        ? ` · ${t(locale, 'collect.accountFailed', { error: a.error ?? '' })}`
        : a.status === 'running'
          ? ` · ${t(locale, 'collect.accountRunning')}`
          : '';
    return `${mark} *${names.get(a.accountId) ?? `#${a.accountId}`}* — ${counts}${state}`;
  });
  const blocks: Block[] = [
    { type: 'header', text: title },
    { type: 'text', text: lines.join('\n') },
    {
      type: 'context',
      text: t(locale, 'collect.startedBy', {
        who: nameOf(run.startedBy),
        at: `${new Date(run.startedAt.getTime() + 9 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')} KST`,
      }),
    },
  ];
  const unmatched = run.accounts.reduce((n, a) => n + a.unmatched, 0);
  if (run.status !== 'running' && unmatched > 0) {
    blocks.push({ type: 'text', text: t(locale, 'collect.unmatchedWaiting', { n: unmatched }) });
    blocks.push({ type: 'buttons', buttons: [matchNowButton(locale)] });
  }
  return { text: `${title}\n${lines.join('\n')}`, blocks };
}
