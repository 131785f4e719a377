// Clicks and form submissions: the same domain calls as the commands, reached from buttons and modals.
import { z } from 'zod';
import { decideApproval, getApproval } from '../../domain/services/approvals.js';
import { listProducts } from '../../domain/services/catalog.js';
import { addOrder } from '../../domain/services/intake.js';
import { listNotes } from '../../domain/services/notes.js';
import { editDelivery } from '../../domain/services/order-actions.js';
import { columnSettings, saveColumnSettings } from '../../domain/services/queries.js';
import { CLAIM_TYPES, STAGES } from '../../domain/types.js';
import { stageName } from '../../i18n/catalog.js';
import { type MessageKey, t } from '../../i18n/messages.js';
import { collectCommand, submitCollect } from './collect.js';
import { actOnSerials, domainErrorReply, listReply, runAction } from './commands.js';
import type { BotContext } from './context.js';
import { type FormValues, number, rejectForm, text, validateForm } from './forms.js';
import { giftFormReply, submitGift, unknownGiftCodes } from './gifts.js';
import { decideImport, problemsFileReply } from './imports.js';
import {
  ACTIONS,
  type ActionId,
  type BotReply,
  FORMS,
  type FormId,
  type Option,
  viewReply,
} from './model.js';
import { formatSerials } from './serials.js';
import { matchFormReply, submitMatch, unmatchedReply } from './unmatched.js';
import { actionResultView, approvalSummary, approvalView, messageView } from './views.js';

const id = z.number().int().min(1).max(2_147_483_647);
const listValue = z.object({
  stage: z.enum(STAGES).optional(),
  ch: id.optional(),
  cs: z.boolean().optional(),
  q: z.string().max(100).optional(),
  c: z.string().max(100).optional(),
  o: z.number().int().min(0).default(0),
});
const orderValue = z.object({ op: z.string().max(20), s: id, v: z.number().int().min(1).optional() });
const bulkValue = z.object({ op: z.enum(['next', 'hold', 'release', 'claim', 'delete']) });
const approvalValue = z.object({ id });

const serialsMeta = z.object({
  serials: z.array(id).min(1).max(1000),
  versions: z.record(z.string(), z.number().int()).optional(),
  packingGroup: z.boolean().optional(),
  reply: z.string().max(500).optional(),
});

function parseJson<T>(schema: z.ZodType<T>, raw: string): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const expired = (ctx: BotContext): BotReply => viewReply(messageView(t(ctx.locale, 'error.expired')));

export interface Checked {
  serial: number;
  version: number;
}

/**
 * A click. `checked` is what the user ticked on the page the button belongs to (with the versions
 * they saw, so a stale page refuses rather than overwrites).
 */
export async function handleAction(
  ctx: BotContext,
  action: ActionId,
  value: string,
  checked: Checked[] = [],
): Promise<BotReply> {
  switch (action) {
    case ACTIONS.openList:
    case ACTIONS.page: {
      const v = parseJson(listValue, value);
      if (!v) return expired(ctx);
      const reply = await listReply(ctx, {
        stage: v.stage,
        channelId: v.ch,
        cs: v.cs,
        q: v.q,
        cursor: v.c,
        offset: v.o,
      });
      // Paging replaces the page; opening a list from the summary adds one.
      return reply.kind === 'view' && action === ACTIONS.page ? { ...reply, replaceOriginal: true } : reply;
    }
    case ACTIONS.bulk: {
      const v = parseJson(bulkValue, value);
      if (!v) return expired(ctx);
      if (checked.length === 0) return viewReply(messageView(t(ctx.locale, 'list.noneChecked')));
      const versions = Object.fromEntries(checked.map((c) => [String(c.serial), c.version]));
      return actOnSerials(
        ctx,
        v.op,
        checked.map((c) => c.serial),
        { versions },
      );
    }
    case ACTIONS.orderMenu: {
      const v = parseJson(orderValue, value);
      if (!v) return expired(ctx);
      const versions = v.v ? { [String(v.s)]: v.v } : undefined;
      if (v.op === 'message') {
        try {
          const notes = await listNotes(ctx.desk, ctx.actor, 'message', v.s);
          const lines = notes.slice(-10).map((n) => `• ${n.author}: ${n.body}`);
          return viewReply(
            messageView(
              `*${t(ctx.locale, 'detail.messages')} · ${v.s}*\n${lines.join('\n') || t(ctx.locale, 'detail.none')}\n${t(ctx.locale, 'cmd.usage', { usage: `/orders msg ${v.s} …` })}`,
            ),
          );
        } catch (e) {
          return domainErrorReply(ctx, e);
        }
      }
      // From one order's action, next step and hold take its packing group along (R8).
      const packingGroup = v.op === 'next' || v.op === 'hold';
      return actOnSerials(ctx, v.op, [v.s], { versions, packingGroup });
    }
    case ACTIONS.approve: {
      const v = parseJson(approvalValue, value);
      if (!v) return expired(ctx);
      try {
        const decision = await decideApproval(ctx.desk, ctx.actor, { id: v.id, decision: 'approve' });
        await ctx.notifier.approvalDecided(decision.approval);
        const view = approvalView(decision.approval, ctx.locale, ctx.mention);
        if (decision.result)
          view.blocks.push(...actionResultView(decision.result, ctx.locale, ctx.mention).blocks);
        return viewReply(view, true);
      } catch (e) {
        return domainErrorReply(ctx, e);
      }
    }
    case ACTIONS.importRegister:
    case ACTIONS.importCancel: {
      const v = parseJson(z.object({ id: z.uuid() }), value);
      if (!v) return expired(ctx);
      return decideImport(ctx, v.id, action === ACTIONS.importRegister);
    }
    case ACTIONS.importProblems: {
      const v = parseJson(z.object({ id: z.uuid() }), value);
      if (!v) return expired(ctx);
      return problemsFileReply(ctx, v.id);
    }
    case ACTIONS.unmatched: {
      const v = parseJson(z.object({ ch: id.optional() }), value);
      if (!v) return expired(ctx);
      return unmatchedReply(ctx, { channelId: v.ch });
    }
    case ACTIONS.match: {
      const v = parseJson(z.object({ s: id }), value);
      if (!v) return expired(ctx);
      return matchFormReply(ctx, v.s);
    }
    case ACTIONS.collect:
      return collectCommand(ctx);
    case ACTIONS.giftNew:
      return giftFormReply(ctx);
    case ACTIONS.reject: {
      const v = parseJson(approvalValue, value);
      if (!v) return expired(ctx);
      try {
        const approval = await getApproval(ctx.desk, ctx.actor, v.id);
        return {
          kind: 'form',
          form: rejectForm(ctx.locale, v.id, approvalSummary(approval, ctx.locale, ctx.mention), ctx.reply),
        };
      } catch (e) {
        return domainErrorReply(ctx, e);
      }
    }
    default:
      return expired(ctx);
  }
}

/** Checks a submitted form before the platform acknowledges it: field id → sentence. */
export async function checkForm(
  ctx: BotContext,
  form: FormId,
  values: FormValues,
): Promise<Record<string, string>> {
  const errors = validateForm(form, values, ctx.locale);
  if (Object.keys(errors).length || form !== FORMS.gift) return errors;
  const unknown = await unknownGiftCodes(ctx, values);
  return unknown.length
    ? { products: t(ctx.locale, 'error.unknownCodes', { codes: unknown.join(', ') }) }
    : {};
}

/** Runs a submitted (and checked) form. */
export async function submitForm(
  ctx: BotContext,
  form: FormId,
  meta: Record<string, unknown>,
  values: FormValues,
): Promise<BotReply> {
  const errors = await checkForm(ctx, form, values);
  if (Object.keys(errors).length) return { kind: 'errors', errors };
  try {
    switch (form) {
      case FORMS.hold:
      case FORMS.delete: {
        const m = serialsMeta.safeParse(meta);
        if (!m.success) return expired(ctx);
        const action = form === FORMS.hold ? 'hold' : 'delete';
        return runAction(ctx, { action, ...m.data, reason: text(values, 'reason') });
      }
      case FORMS.claim: {
        const m = serialsMeta.safeParse(meta);
        const type = z.enum(CLAIM_TYPES).safeParse(text(values, 'type'));
        if (!m.success || !type.success) return expired(ctx);
        const newProduct = text(values, 'newProduct');
        return runAction(ctx, {
          action: 'claim',
          serials: m.data.serials,
          versions: m.data.versions,
          type: type.data,
          reason: text(values, 'reason'),
          newProductId: newProduct ? Number(newProduct) : undefined,
        });
      }
      case FORMS.batchNext: {
        const channels = (Array.isArray(values.channels) ? values.channels : [])
          .map(Number)
          .filter((n) => n > 0);
        return runAction(ctx, {
          action: 'batch_next',
          channelIds: channels,
          reason: text(values, 'reason') || undefined,
        });
      }
      case FORMS.edit: {
        const m = z.object({ serial: id, version: z.number().int() }).safeParse(meta);
        if (!m.success) return expired(ctx);
        const result = await editDelivery(ctx.desk, ctx.actor, {
          serial: m.data.serial,
          version: m.data.version,
          fields: {
            recipientName: text(values, 'recipientName'),
            recipientPhone: text(values, 'recipientPhone'),
            address: text(values, 'address'),
            zip: text(values, 'zip'),
            deliveryMessage: text(values, 'deliveryMessage'),
          },
        });
        return viewReply(actionResultView(result, ctx.locale, ctx.mention));
      }
      case FORMS.add: {
        const result = await addOrder(ctx.desk, ctx.actor, {
          channelId: number(values, 'channel'),
          productId: number(values, 'product'),
          mallOrderNo: text(values, 'mallOrderNo') || undefined,
          quantity: number(values, 'quantity'),
          unitPriceKrw: number(values, 'unitPrice'),
          option: text(values, 'option'),
          ordererName: text(values, 'ordererName'),
          ordererPhone: text(values, 'ordererPhone'),
          recipientName: text(values, 'recipientName'),
          recipientPhone: text(values, 'recipientPhone'),
          address: text(values, 'address'),
          zip: text(values, 'zip'),
          deliveryMessage: text(values, 'deliveryMessage'),
          kind: text(values, 'kind') === 'B2B' ? 'B2B' : 'B2C',
        });
        const serial = result.created[0]!;
        const stage = result.unmatched.includes(serial) ? 'unmatched' : 'intake';
        const lines = [t(ctx.locale, 'result.added', { serial, stage: stageName(stage, ctx.locale) })];
        if (result.gifts.length)
          lines.push(t(ctx.locale, 'result.addedGifts', { serials: formatSerials(result.gifts) }));
        return viewReply(messageView(lines.join('\n')));
      }
      case FORMS.export: {
        const m = z
          .object({
            filter: z.object({
              stage: z.enum(STAGES).optional(),
              channelId: id.optional(),
              cs: z.boolean().optional(),
              q: z.string().max(100).optional(),
            }),
          })
          .safeParse(meta);
        if (!m.success) return expired(ctx);
        return runAction(ctx, {
          action: 'export',
          filter: m.data.filter,
          reason: text(values, 'reason'),
          format: text(values, 'format') === 'csv' ? 'csv' : 'xlsx',
        });
      }
      case FORMS.columns: {
        const visible = new Set(Array.isArray(values.visible) ? values.visible : []);
        const current = await columnSettings(ctx.desk, ctx.actor);
        const saved = await saveColumnSettings(
          ctx.desk,
          ctx.actor,
          current.map((c) => ({ ...c, visible: visible.has(c.key) })),
        );
        const shown = saved
          .filter((c) => c.visible)
          .map((c) => t(ctx.locale, `column.${c.key}` as MessageKey));
        return viewReply(messageView(t(ctx.locale, 'columns.saved', { columns: shown.join(', ') })));
      }
      case FORMS.upload:
        // The platform brings the file's bytes (see previewFileReply); without them the form is stale.
        return expired(ctx);
      case FORMS.reject: {
        const m = z.object({ approvalId: id }).safeParse(meta);
        if (!m.success) return expired(ctx);
        const decision = await decideApproval(ctx.desk, ctx.actor, {
          id: m.data.approvalId,
          decision: 'reject',
          reason: text(values, 'reason'),
        });
        await ctx.notifier.approvalDecided(decision.approval);
        return viewReply(approvalView(decision.approval, ctx.locale, ctx.mention), true);
      }
      case FORMS.match: {
        const m = z
          .object({ ch: id, code: z.string().min(1).max(500), opt: z.string().max(500) })
          .safeParse(meta);
        if (!m.success) return expired(ctx);
        const key = { channelId: m.data.ch, mallProductCode: m.data.code, mallOption: m.data.opt };
        return await submitMatch(ctx, key, values);
      }
      case FORMS.collect:
        return await submitCollect(ctx, values);
      case FORMS.gift:
        return await submitGift(ctx, values);
    }
  } catch (e) {
    return domainErrorReply(ctx, e);
  }
}

/** Product search for the product fields (Slack external select, Discord autocomplete). */
export async function productOptions(ctx: BotContext, query: string): Promise<Option[]> {
  const products = await listProducts(ctx.desk, ctx.actor, query.slice(0, 100), 50);
  return products.map((p) => ({ value: String(p.id), label: `${p.name} (${p.code})`.slice(0, 75) }));
}
