// The one command catalogue. Slack's manifest, Discord's registration, the console and help all come
// from here. A handler parses its arguments, makes one domain call, and returns a neutral reply.
import { DomainError, isDomainError } from '../../domain/errors.js';
import { ORDER_COLUMNS } from '../../domain/rules/columns.js';
import { hasRole, requireRole, setRole } from '../../domain/services/actors.js';
import { decideApproval, listApprovals, submitAction } from '../../domain/services/approvals.js';
import { listChannels } from '../../domain/services/catalog.js';
import { collectionHistory } from '../../domain/services/collection.js';
import { addNote } from '../../domain/services/notes.js';
import {
  columnSettings,
  countOrders,
  deskSummary,
  listOrders,
  orderDetail,
} from '../../domain/services/queries.js';
import { ROLES, type Role, STAGES, type Stage } from '../../domain/types.js';
import { errorText } from '../../i18n/catalog.js';
import { type MessageKey, t } from '../../i18n/messages.js';
import { collectCommand } from './collect.js';
import type { BotContext } from './context.js';
import {
  addForm,
  batchNextForm,
  claimForm,
  columnsForm,
  deleteForm,
  editForm,
  exportForm,
  holdForm,
} from './forms.js';
import { giftListReply } from './gifts.js';
import { type BotReply, viewReply } from './model.js';
import { parseSerials } from './serials.js';
import { matchFormReply, unmatchedCommand } from './unmatched.js';
import {
  actionResultView,
  approvalListView,
  approvalView,
  historyView,
  type ListState,
  messageView,
  orderDetailView,
  orderListView,
  summaryView,
} from './views.js';

export interface CommandArg {
  name: string;
  required: boolean;
  description: MessageKey;
}

export interface Command {
  name: string;
  usage: string;
  summary: MessageKey;
  /** The least role that may use it (the domain checks again). */
  role: Role;
  /** Free text after the subcommand, as Discord options describe it. */
  args: CommandArg[];
  run(ctx: BotContext, args: string): Promise<BotReply>;
}

export const LIST_PAGE = 10;

const say = (ctx: BotContext, key: MessageKey, params?: Record<string, string | number>): BotReply =>
  viewReply(messageView(t(ctx.locale, key, params)));

/** Turns a whole-request domain error into a sentence; anything else is re-thrown. */
export function domainErrorReply(ctx: BotContext, e: unknown): BotReply {
  if (!isDomainError(e)) throw e;
  // "already decided by …": the person as the platform names them, not the identity string.
  const params = e.params.by ? { ...e.params, by: ctx.mention(String(e.params.by)) } : e.params;
  return viewReply(
    messageView(t(ctx.locale, 'result.error', { message: errorText(e.code, ctx.locale, params) })),
  );
}

function serialsOr(ctx: BotContext, args: string, example: string): number[] | BotReply {
  if (!args.trim()) return say(ctx, 'cmd.needSerials', { example });
  const parsed = parseSerials(args);
  if (!parsed.ok) return say(ctx, 'cmd.badSerials', { token: parsed.token });
  return parsed.serials;
}

/** Parses `[stage] [channel] [cs] [text]` for list. */
async function listState(ctx: BotContext, args: string): Promise<ListState> {
  const words = args.split(/\s+/).filter(Boolean);
  const state: ListState = { offset: 0 };
  if (words.length === 0) return state;
  const channels = await listChannels(ctx.desk, ctx.actor);
  const rest: string[] = [];
  for (const word of words) {
    const lower = word.toLowerCase();
    if (!state.stage && (STAGES as readonly string[]).includes(lower)) state.stage = lower as Stage;
    else if (lower === 'cs') state.cs = true;
    else if (state.channelId === undefined && channels.some((c) => c.code === lower)) {
      state.channelId = channels.find((c) => c.code === lower)!.id;
    } else rest.push(word);
  }
  if (rest.length) state.q = rest.join(' ');
  return state;
}

export async function listReply(ctx: BotContext, state: ListState): Promise<BotReply> {
  const page = await listOrders(
    ctx.desk,
    ctx.actor,
    { stage: state.stage, channelId: state.channelId, cs: state.cs, q: state.q },
    { limit: LIST_PAGE, cursor: state.cursor },
  );
  return viewReply(orderListView(page, state, ctx.locale));
}

/** The form for an action on chosen orders (hold, delete, claim), or the direct result (release, next). */
export async function actOnSerials(
  ctx: BotContext,
  op: string,
  serials: number[],
  options: { versions?: Record<string, number>; packingGroup?: boolean } = {},
): Promise<BotReply> {
  const meta = { serials, ...options, reply: ctx.reply };
  try {
    // Everything but reading needs an operator: refuse before a form opens, not after it is filled in.
    if (op !== 'detail') requireRole(ctx.actor, 'operator');
    switch (op) {
      case 'hold':
        return { kind: 'form', form: holdForm(ctx.locale, meta) };
      case 'delete':
        return { kind: 'form', form: deleteForm(ctx.locale, meta) };
      case 'claim': {
        const page = await listOrders(ctx.desk, ctx.actor, { serials }, { limit: 200 });
        return {
          kind: 'form',
          form: claimForm(ctx.locale, meta, [...new Set(page.items.map((o) => o.stage))]),
        };
      }
      case 'release':
      case 'next':
        return runAction(ctx, {
          action: op,
          serials,
          versions: options.versions,
          packingGroup: options.packingGroup,
        });
      case 'edit': {
        const detail = await orderDetail(ctx.desk, ctx.actor, serials[0]!);
        return { kind: 'form', form: editForm(ctx.locale, detail.order, ctx.reply) };
      }
      case 'detail':
        return viewReply(orderDetailView(await orderDetail(ctx.desk, ctx.actor, serials[0]!), ctx.locale));
      default:
        return say(ctx, 'cmd.unknown', { name: op });
    }
  } catch (e) {
    return domainErrorReply(ctx, e);
  }
}

const exportFormat = (request: { action: string }): 'xlsx' | 'csv' =>
  (request as { format?: string }).format === 'csv' ? 'csv' : 'xlsx';

/** Submits an action; under the approval policy the request goes to the approvers instead. */
export async function runAction(
  ctx: BotContext,
  request: Parameters<typeof submitAction>[2],
): Promise<BotReply> {
  try {
    const outcome = await submitAction(ctx.desk, ctx.actor, request);
    if (outcome.kind === 'approval_requested') {
      await ctx.notifier.approvalRequested(outcome.approval);
      return say(ctx, 'approval.sent', { id: outcome.approval.id });
    }
    if (outcome.kind === 'done') return viewReply(actionResultView(outcome.result, ctx.locale, ctx.mention));
    if (request.action === 'export') {
      return {
        kind: 'export',
        request: { filter: request.filter, reason: request.reason, format: exportFormat(request) },
      };
    }
    return say(ctx, 'cmd.notYet', { name: request.action });
  } catch (e) {
    return domainErrorReply(ctx, e);
  }
}

/** `/orders approve 12` and `/orders reject 12 <reason>`: the buttons' decisions, typed. */
async function decideByCommand(
  ctx: BotContext,
  args: string,
  decision: 'approve' | 'reject',
): Promise<BotReply> {
  const match = /^#?(\d{1,9})(?:\s+([\s\S]+))?$/.exec(args.trim());
  if (!match)
    return say(ctx, 'cmd.usage', {
      usage: decision === 'approve' ? '/orders approve 12' : '/orders reject 12 …',
    });
  try {
    const result = await decideApproval(ctx.desk, ctx.actor, {
      id: Number(match[1]),
      decision,
      reason: match[2],
    });
    await ctx.notifier.approvalDecided(result.approval);
    const view = approvalView(result.approval, ctx.locale, ctx.mention);
    if (result.result) view.blocks.push(...actionResultView(result.result, ctx.locale, ctx.mention).blocks);
    return viewReply(view);
  } catch (e) {
    return domainErrorReply(ctx, e);
  }
}

const serialArg = (required = true): CommandArg[] => [
  { name: 'serials', required, description: 'cmd.needSerials' },
];

function command(def: Omit<Command, 'args'> & { args?: CommandArg[] }): Command {
  return { args: [], ...def };
}

export const COMMANDS: Command[] = [
  command({
    name: 'list',
    usage: '/orders list [stage] [channel] [cs] [text]',
    summary: 'cmd.list',
    role: 'viewer',
    args: [{ name: 'filter', required: false, description: 'cmd.list' }],
    run: async (ctx, args) => listReply(ctx, await listState(ctx, args)),
  }),
  command({
    name: 'show',
    usage: '/orders show <serial>',
    summary: 'cmd.show',
    role: 'viewer',
    args: serialArg(),
    run: async (ctx, args) => {
      const serials = serialsOr(ctx, args, '/orders show 1001');
      if (!Array.isArray(serials)) return serials;
      return actOnSerials(ctx, 'detail', serials.slice(0, 1));
    },
  }),
  command({
    name: 'add',
    usage: '/orders add',
    summary: 'cmd.add',
    role: 'operator',
    run: async (ctx) => {
      try {
        const channels = await listChannels(ctx.desk, ctx.actor);
        return { kind: 'form', form: addForm(ctx.locale, channels.slice(0, 100), ctx.reply) };
      } catch (e) {
        return domainErrorReply(ctx, e);
      }
    },
  }),
  ...(['hold', 'release', 'delete', 'claim'] as const).map((op) =>
    command({
      name: op,
      usage: `/orders ${op} <serials>`,
      summary: `cmd.${op}`,
      role: 'operator',
      args: serialArg(),
      run: async (ctx, args) => {
        const serials = serialsOr(ctx, args, `/orders ${op} 1001,1002 1005-1010`);
        if (!Array.isArray(serials)) return serials;
        return actOnSerials(ctx, op, serials);
      },
    }),
  ),
  command({
    name: 'next',
    usage: '/orders next [serials]',
    summary: 'cmd.next',
    role: 'operator',
    args: serialArg(false),
    run: async (ctx, args) => {
      if (!args.trim()) {
        try {
          const channels = await listChannels(ctx.desk, ctx.actor);
          return { kind: 'form', form: batchNextForm(ctx.locale, channels.slice(0, 100), ctx.reply) };
        } catch (e) {
          return domainErrorReply(ctx, e);
        }
      }
      const serials = serialsOr(ctx, args, '/orders next 1001-1010');
      if (!Array.isArray(serials)) return serials;
      return actOnSerials(ctx, 'next', serials);
    },
  }),
  command({
    name: 'edit',
    usage: '/orders edit <serial>',
    summary: 'cmd.edit',
    role: 'operator',
    args: serialArg(),
    run: async (ctx, args) => {
      const serials = serialsOr(ctx, args, '/orders edit 1001');
      if (!Array.isArray(serials)) return serials;
      return actOnSerials(ctx, 'edit', serials.slice(0, 1));
    },
  }),
  ...(
    [
      ['msg', 'message', 'cmd.msg', 'viewer'],
      ['cs', 'cs', 'cmd.cs', 'operator'],
    ] as const
  ).map(([name, kind, summary, role]) =>
    command({
      name,
      usage: `/orders ${name} <serial> <text>`,
      summary,
      role,
      args: [
        { name: 'serial', required: true, description: 'cmd.needSerials' },
        { name: 'text', required: true, description: 'cmd.needText' },
      ],
      run: async (ctx, args) => {
        const match = /^(\d{1,10})\s+([\s\S]+)$/.exec(args.trim());
        if (!match) return say(ctx, 'cmd.usage', { usage: `/orders ${name} 1001 …` });
        try {
          await addNote(ctx.desk, ctx.actor, kind, Number(match[1]), match[2]!);
          return say(ctx, 'cmd.noteAdded', { serial: match[1]!, kind: t(ctx.locale, `kind.${kind}`) });
        } catch (e) {
          return domainErrorReply(ctx, e);
        }
      },
    }),
  ),
  command({
    name: 'role',
    usage: '/orders role <@user> <viewer|operator|approver|admin>',
    summary: 'cmd.role',
    role: 'admin',
    args: [
      { name: 'user', required: true, description: 'cmd.badUser' },
      { name: 'role', required: true, description: 'cmd.badRole' },
    ],
    run: async (ctx, args) => {
      const [mention = '', role] = args.trim().split(/\s+/);
      const user = ctx.identityOf(mention);
      if (!user) return say(ctx, 'cmd.badUser');
      if (!role || !(ROLES as readonly string[]).includes(role)) return say(ctx, 'cmd.badRole');
      try {
        await setRole(ctx.desk, ctx.actor, user, role as Role);
        return say(ctx, 'cmd.roleSet', { user: ctx.mention(user), role });
      } catch (e) {
        return domainErrorReply(ctx, e);
      }
    },
  }),
  command({
    name: 'approvals',
    usage: '/orders approvals',
    summary: 'cmd.approvals',
    role: 'viewer',
    run: async (ctx) => {
      try {
        const pending = await listApprovals(ctx.desk, ctx.actor, 'pending');
        return viewReply(approvalListView(pending, ctx.locale, ctx.mention));
      } catch (e) {
        return domainErrorReply(ctx, e);
      }
    },
  }),
  command({
    name: 'history',
    usage: '/orders history',
    summary: 'cmd.history',
    role: 'viewer',
    run: async (ctx) => viewReply(historyView(await collectionHistory(ctx.desk, ctx.actor, 10), ctx.locale)),
  }),
  command({
    name: 'approve',
    usage: '/orders approve <id>',
    summary: 'cmd.approve',
    role: 'approver',
    args: [{ name: 'id', required: true, description: 'cmd.approve' }],
    run: async (ctx, args) => decideByCommand(ctx, args, 'approve'),
  }),
  command({
    name: 'reject',
    usage: '/orders reject <id> <reason>',
    summary: 'cmd.reject',
    role: 'approver',
    args: [
      { name: 'id', required: true, description: 'cmd.reject' },
      { name: 'reason', required: true, description: 'field.reason' },
    ],
    run: async (ctx, args) => decideByCommand(ctx, args, 'reject'),
  }),
  command({
    name: 'collect',
    usage: '/orders collect',
    summary: 'cmd.collect',
    role: 'operator',
    run: async (ctx) => collectCommand(ctx),
  }),
  command({
    name: 'unmatched',
    usage: '/orders unmatched [channel]',
    summary: 'cmd.unmatched',
    role: 'viewer',
    args: [{ name: 'channel', required: false, description: 'cmd.unmatched' }],
    run: async (ctx, args) => unmatchedCommand(ctx, args),
  }),
  command({
    name: 'match',
    usage: '/orders match <serial>',
    summary: 'cmd.match',
    role: 'operator',
    args: serialArg(),
    run: async (ctx, args) => {
      const serials = serialsOr(ctx, args, '/orders match 1042');
      if (!Array.isArray(serials)) return serials;
      return matchFormReply(ctx, serials[0]!);
    },
  }),
  command({
    name: 'gift',
    usage: '/orders gift',
    summary: 'cmd.gift',
    role: 'viewer',
    run: async (ctx) => giftListReply(ctx),
  }),
  command({
    name: 'upload',
    usage: '/orders upload',
    summary: 'cmd.upload',
    role: 'operator',
    run: async (ctx) => say(ctx, 'upload.howto'),
  }),
  command({
    name: 'export',
    usage: '/orders export [stage] [channel] [cs] [text]',
    summary: 'cmd.export',
    role: 'operator',
    args: [{ name: 'filter', required: false, description: 'cmd.export' }],
    run: async (ctx, args) => {
      try {
        const state = await listState(ctx, args);
        const filter = { stage: state.stage, channelId: state.channelId, cs: state.cs, q: state.q };
        const n = await countOrders(ctx.desk, ctx.actor, filter);
        const label =
          [state.stage, state.q, state.cs ? 'cs' : undefined].filter(Boolean).join(', ') ||
          t(ctx.locale, 'list.all');
        return {
          kind: 'form',
          form: exportForm(
            ctx.locale,
            filter,
            t(ctx.locale, 'export.scope', { n, filter: label }),
            ctx.reply,
          ),
        };
      } catch (e) {
        return domainErrorReply(ctx, e);
      }
    },
  }),
  command({
    name: 'columns',
    usage: '/orders columns',
    summary: 'cmd.columns',
    role: 'viewer',
    run: async (ctx) => {
      const columns = await columnSettings(ctx.desk, ctx.actor);
      const labels = ORDER_COLUMNS.map((key) => ({
        value: key,
        label: t(ctx.locale, `column.${key}` as MessageKey),
      }));
      return { kind: 'form', form: columnsForm(ctx.locale, columns, labels, ctx.reply) };
    },
  }),
];

export function helpReply(ctx: BotContext, only?: Command): BotReply {
  if (only) {
    return viewReply(
      messageView(`${t(ctx.locale, only.summary)}\n${t(ctx.locale, 'cmd.usage', { usage: only.usage })}`),
    );
  }
  const lines = [
    `• \`/orders\` — ${t(ctx.locale, 'cmd.summary')}`,
    ...COMMANDS.map((c) => `• \`${c.usage}\` — ${t(ctx.locale, c.summary)}`),
  ];
  return viewReply({
    text: t(ctx.locale, 'help.title'),
    blocks: [
      { type: 'header', text: t(ctx.locale, 'help.title') },
      { type: 'text', text: lines.join('\n') },
      { type: 'context', text: t(ctx.locale, 'help.footer') },
    ],
  });
}

/** `/orders <text>`: the summary, help, or one command of the catalogue. */
export async function runCommand(ctx: BotContext, text: string): Promise<BotReply> {
  const [name = '', ...rest] = text.trim().split(/\s+/);
  const args = text.trim().slice(name.length).trim();
  if (!name) {
    try {
      return viewReply(summaryView(await deskSummary(ctx.desk, ctx.actor), ctx.locale));
    } catch (e) {
      return domainErrorReply(ctx, e);
    }
  }
  if (name === 'help')
    return helpReply(
      ctx,
      COMMANDS.find((c) => c.name === rest[0]),
    );
  const cmd = COMMANDS.find((c) => c.name === name.toLowerCase());
  if (!cmd) return say(ctx, 'cmd.unknown', { name });
  if (rest[0] === 'help') return helpReply(ctx, cmd);
  // The catalogue's least role: a viewer asking for `hold` hears why, rather than getting a form.
  if (!hasRole(ctx.actor, cmd.role))
    return domainErrorReply(ctx, new DomainError('FORBIDDEN', { role: cmd.role }));
  return cmd.run(ctx, args);
}
