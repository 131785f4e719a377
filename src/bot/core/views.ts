// Domain data → neutral views. Every sentence comes from the catalog in the user's language.
import type { ApprovalRecord, CollectionRunRecord, OrderRow } from '../../domain/ports.js';
import type { DeskSummary, OrderDetail, OrderPage } from '../../domain/services/queries.js';
import type { ActionResult, Stage } from '../../domain/types.js';
import { STAGES } from '../../domain/types.js';
import { type Locale, refusalText, stageName } from '../../i18n/catalog.js';
import { type MessageKey, t } from '../../i18n/messages.js';
import { ACTIONS, type Block, type Button, type MenuItem, type OrderLine, type View } from './model.js';
import { formatSerials } from './serials.js';

export const won = (n: number) => `${n.toLocaleString('ko-KR')}원`;

export function badgeText(badges: string[]): string {
  return badges.map((b) => `[${b}]`).join(' ');
}

/** A list page's cursor state, carried in the paging buttons. */
export interface ListState {
  stage?: Stage;
  channelId?: number;
  cs?: boolean;
  q?: string;
  cursor?: string;
  offset: number;
}

export function summaryView(summary: DeskSummary, locale: Locale): View {
  const total = Object.values(summary.byStage).reduce((a, b) => a + b, 0);
  const blocks: Block[] = [{ type: 'header', text: t(locale, 'summary.title') }];
  if (total === 0) blocks.push({ type: 'text', text: t(locale, 'summary.empty') });
  blocks.push({
    type: 'fields',
    fields: STAGES.map((stage) => ({
      label: stageName(stage, locale),
      value: String(summary.byStage[stage]),
    })),
  });
  const channels = new Map<string, string[]>();
  for (const row of summary.byChannel) {
    const parts = channels.get(row.channelName) ?? [];
    parts.push(`${stageName(row.stage, locale)} ${row.count}`);
    channels.set(row.channelName, parts);
  }
  if (channels.size) {
    blocks.push({
      type: 'text',
      text: `*${t(locale, 'summary.channels')}*\n${[...channels].map(([name, parts]) => `• ${name}: ${parts.join(' · ')}`).join('\n')}`,
    });
  }
  blocks.push({ type: 'context', text: t(locale, 'summary.pending', { n: summary.pendingApprovals }) });
  blocks.push({
    type: 'buttons',
    buttons: [
      {
        action: ACTIONS.openList,
        label: t(locale, 'summary.openIntake'),
        value: JSON.stringify({ stage: 'intake' }),
        style: 'primary',
      },
      {
        action: ACTIONS.openList,
        label: `${t(locale, 'summary.openUnmatched')} (${summary.byStage.unmatched})`,
        value: JSON.stringify({ stage: 'unmatched' }),
      },
      {
        action: ACTIONS.openList,
        label: `${t(locale, 'summary.openHeld')} (${summary.byStage.held})`,
        value: JSON.stringify({ stage: 'held' }),
      },
    ],
  });
  return { text: t(locale, 'summary.title'), blocks };
}

function orderMenu(o: OrderRow, locale: Locale): MenuItem[] {
  const item = (key: MessageKey, op: string): MenuItem => ({
    label: t(locale, key),
    value: JSON.stringify({ op, s: o.serial, v: o.version }),
  });
  return [
    item('menu.detail', 'detail'),
    item('menu.next', 'next'),
    item('menu.hold', 'hold'),
    item('menu.claim', 'claim'),
    item('menu.edit', 'edit'),
    item('menu.message', 'message'),
    item('menu.delete', 'delete'),
  ];
}

export function orderLine(o: OrderRow, locale: Locale): OrderLine {
  const product =
    o.productName ?? t(locale, 'detail.unmatchedProduct', { name: o.mallProductName || o.mallProductCode });
  return {
    serial: o.serial,
    version: o.version,
    title: `${o.serial} · ${o.channelName} · ${o.mallOrderNo}`,
    detail: `${product} × ${o.quantity} · ${o.recipientName} ${o.recipientPhone} · ${stageName(o.stage, locale)}`,
    badges: badgeText(o.badges),
    menu: orderMenu(o, locale),
  };
}

/** A page of orders with checkboxes, bulk buttons and paging; lines come masked from the domain. */
export function orderListView(page: OrderPage, state: ListState, locale: Locale): View {
  const stage = state.stage ? stageName(state.stage, locale) : t(locale, 'list.all');
  const blocks: Block[] = [{ type: 'header', text: t(locale, 'list.title', { stage }) }];
  const filters = [state.q, state.cs ? t(locale, 'list.cs') : undefined].filter(Boolean);
  if (filters.length)
    blocks.push({ type: 'context', text: t(locale, 'list.filter', { filter: filters.join(', ') }) });
  if (page.items.length === 0) {
    blocks.push({ type: 'text', text: t(locale, 'list.empty') });
    return { text: t(locale, 'list.empty'), blocks };
  }
  blocks.push({ type: 'orders', lines: page.items.map((o) => orderLine(o, locale)), selectable: true });
  blocks.push({
    type: 'context',
    text: t(locale, 'list.page', { from: state.offset + 1, to: state.offset + page.items.length }),
  });
  const bulk = (op: string, key: MessageKey, style?: 'primary' | 'danger'): Button => ({
    action: ACTIONS.bulk,
    label: t(locale, key),
    value: JSON.stringify({ op }),
    style,
  });
  const buttons: Button[] = [
    bulk('next', 'btn.next', 'primary'),
    state.stage === 'held' ? bulk('release', 'btn.release') : bulk('hold', 'btn.hold'),
    bulk('claim', 'btn.claim'),
    bulk('delete', 'btn.delete', 'danger'),
  ];
  const base = { stage: state.stage, ch: state.channelId, cs: state.cs, q: state.q };
  if (page.nextCursor) {
    buttons.push({
      action: ACTIONS.page,
      label: t(locale, 'list.more'),
      value: JSON.stringify({ ...base, c: page.nextCursor, o: state.offset + page.items.length }),
    });
  }
  if (state.offset > 0) {
    buttons.push({
      action: ACTIONS.page,
      label: t(locale, 'list.first'),
      value: JSON.stringify({ ...base, o: 0 }),
    });
  }
  blocks.push({ type: 'buttons', buttons });
  return { text: t(locale, 'list.title', { stage }), blocks };
}

export function orderDetailView(d: OrderDetail, locale: Locale): View {
  const o = d.order;
  const stage =
    o.stage === 'closed' && o.closedStatus
      ? `${stageName(o.stage, locale)} (${t(locale, `detail.closed.${o.closedStatus}`)})`
      : stageName(o.stage, locale);
  const fields = [
    { label: t(locale, 'detail.stage'), value: stage },
    { label: t(locale, 'detail.channel'), value: o.channelName },
    { label: t(locale, 'detail.mallOrder'), value: `${o.mallOrderNo} / ${o.mallLineNo}` },
    {
      label: t(locale, 'detail.product'),
      value: o.productName
        ? `${o.productName} (${o.productCode})${o.mallOption ? ` · ${o.mallOption}` : ''}`
        : t(locale, 'detail.unmatchedProduct', { name: `${o.mallProductName} ${o.mallOption}`.trim() }),
    },
    { label: t(locale, 'detail.quantity'), value: String(o.quantity) },
    { label: t(locale, 'detail.amount'), value: won(o.amountKrw) },
    { label: t(locale, 'detail.orderer'), value: `${o.ordererName} ${o.ordererPhone}` },
    { label: t(locale, 'detail.recipient'), value: `${o.recipientName} ${o.recipientPhone}` },
    { label: t(locale, 'detail.address'), value: `(${o.zip}) ${o.address}` },
    { label: t(locale, 'detail.message'), value: o.deliveryMessage || '-' },
    { label: t(locale, 'detail.badges'), value: badgeText(o.badges) || '-' },
  ];
  if (o.holdReason) fields.push({ label: t(locale, 'detail.holdReason'), value: o.holdReason });
  if (o.deleteReason) fields.push({ label: t(locale, 'detail.deleteReason'), value: o.deleteReason });
  const blocks: Block[] = [
    { type: 'header', text: t(locale, 'detail.title', { serial: o.serial }) },
    { type: 'fields', fields },
  ];
  if (o.locallyEdited) blocks.push({ type: 'context', text: t(locale, 'detail.edited') });
  const section = (key: MessageKey, lines: string[]) =>
    blocks.push({
      type: 'text',
      text: `*${t(locale, key)}*\n${lines.length ? lines.join('\n') : t(locale, 'detail.none')}`,
    });
  section(
    'detail.claims',
    d.claims.map((c) => `• ${t(locale, `claim.${c.type}`)} · ${c.status} · ${c.reason} (${c.createdBy})`),
  );
  section(
    'detail.messages',
    d.messages.slice(-10).map((m) => `• ${m.author}: ${m.body}`),
  );
  section(
    'detail.csNotes',
    d.csNotes.slice(-10).map((m) => `• ${m.author}: ${m.body}`),
  );
  section(
    'detail.history',
    d.history
      .slice(0, 10)
      .map(
        (h) =>
          `• ${h.at.toISOString().slice(0, 16).replace('T', ' ')} ${h.action} · ${h.actor}${h.reason ? ` · ${h.reason}` : ''}`,
      ),
  );
  blocks.push({ type: 'orders', lines: [orderLine(o, locale)], selectable: false });
  return { text: t(locale, 'detail.title', { serial: o.serial }), blocks };
}

/**
 * Which were done, which were refused and why (`name`: how the platform names who changed them), which
 * gift orders went away.
 */
export function actionResultView(result: ActionResult, locale: Locale, name: NameOf = asIs): View {
  const headline = t(locale, `result.${result.action}` as MessageKey, { n: result.done.length });
  const blocks: Block[] = [
    { type: 'text', text: `*${headline}*${result.done.length ? `: ${formatSerials(result.done)}` : ''}` },
  ];
  if (result.refused.length) {
    const lines = result.refused
      .slice(0, 20)
      .map(
        (r) => `• ${r.serial} — ${refusalText(r.code, locale, { stage: r.stage, by: r.by && name(r.by) })}`,
      );
    if (result.refused.length > 20) lines.push(`… +${result.refused.length - 20}`);
    blocks.push({
      type: 'text',
      text: `*${t(locale, 'result.refused', { n: result.refused.length })}*\n${lines.join('\n')}`,
    });
  }
  if (result.giftsRemoved.length) {
    blocks.push({
      type: 'context',
      text: t(locale, 'result.gifts', { serials: formatSerials(result.giftsRemoved) }),
    });
  }
  if (result.addedByPackingGroup.length) {
    blocks.push({
      type: 'context',
      text: t(locale, 'result.packing', { serials: formatSerials(result.addedByPackingGroup) }),
    });
  }
  return { text: headline, blocks };
}

export function messageView(text: string): View {
  return { text, blocks: [{ type: 'text', text }] };
}

/** How a view names an identity (a platform mention, or the id itself). */
export type NameOf = (identity: string) => string;
const asIs: NameOf = (id) => id;

export function approvalSummary(a: ApprovalRecord, locale: Locale, name: NameOf = asIs): string {
  return t(locale, 'approval.requested', {
    requester: name(a.requester),
    action: t(locale, `action.${a.action}` as MessageKey),
    n: a.itemCount.toLocaleString('en-US'),
    reason: a.reason || '-',
  });
}

/** The approver's message: who, what, why and how many, with Approve / Reject while pending. */
export function approvalView(a: ApprovalRecord, locale: Locale, name: NameOf = asIs): View {
  const summary = approvalSummary(a, locale, name);
  const blocks: Block[] = [{ type: 'text', text: summary }];
  const params = a.params as { serials?: number[]; channelIds?: number[] };
  if (params.serials?.length) blocks.push({ type: 'context', text: formatSerials(params.serials) });
  if (a.status === 'pending') {
    blocks.push({
      type: 'buttons',
      buttons: [
        {
          action: ACTIONS.approve,
          label: t(locale, 'approval.approve'),
          value: JSON.stringify({ id: a.id }),
          style: 'primary',
        },
        {
          action: ACTIONS.reject,
          label: t(locale, 'approval.reject'),
          value: JSON.stringify({ id: a.id }),
          style: 'danger',
        },
      ],
    });
  } else if (a.status === 'approved') {
    blocks.push({
      type: 'context',
      text: t(locale, 'approval.approved', { decider: name(a.decidedBy ?? '') }),
    });
  } else if (a.status === 'rejected') {
    blocks.push({
      type: 'context',
      text: t(locale, 'approval.rejected', {
        decider: name(a.decidedBy ?? ''),
        reason: a.decisionReason ?? '',
      }),
    });
  } else {
    blocks.push({ type: 'context', text: t(locale, 'approval.expired') });
  }
  return { text: summary, blocks };
}

export function approvalListView(items: ApprovalRecord[], locale: Locale, name: NameOf = asIs): View {
  if (items.length === 0) return messageView(t(locale, 'approval.list.empty'));
  const blocks: Block[] = [{ type: 'header', text: t(locale, 'approval.list.title') }];
  for (const a of items.slice(0, 10))
    blocks.push(...approvalView(a, locale, name).blocks, { type: 'divider' });
  return { text: t(locale, 'approval.list.title'), blocks };
}

export function historyView(runs: CollectionRunRecord[], locale: Locale): View {
  if (runs.length === 0) return messageView(t(locale, 'history.empty'));
  const lines = runs.map((r) => {
    const sum = (k: 'fetched' | 'created' | 'duplicates' | 'unmatched') =>
      r.accounts.reduce((n, a) => n + a[k], 0);
    return `• ${t(locale, 'history.line', {
      id: r.id,
      from: r.periodFrom,
      to: r.periodTo,
      status: r.status,
      fetched: sum('fetched'),
      created: sum('created'),
      duplicates: sum('duplicates'),
      unmatched: sum('unmatched'),
    })}`;
  });
  return {
    text: t(locale, 'history.title'),
    blocks: [
      { type: 'header', text: t(locale, 'history.title') },
      { type: 'text', text: lines.join('\n') },
    ],
  };
}
