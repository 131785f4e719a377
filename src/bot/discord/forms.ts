// Forms on Discord: a modal holds five components, so longer forms go in steps (a modal cannot follow a
// modal: a Continue button opens the next), the values kept between steps; and what a modal cannot offer
// (product search, date pickers, selects of more than 25 options) is typed and read back here.
import { listProducts, productsOf } from '../../domain/services/catalog.js';
import { t } from '../../i18n/messages.js';
import type { BotContext } from '../core/context.js';
import type { FormValues } from '../core/forms.js';
import type { Field, Form } from '../core/model.js';
import { type FieldHint, formSteps, LIMITS } from './render.js';

/** A form between steps: the form itself and what was entered so far. */
export interface FormDraft {
  form: Form;
  values: FormValues;
}

export const isFormDraft = (v: unknown): v is FormDraft =>
  Boolean(v && typeof v === 'object' && 'form' in v && 'values' in v);

const typedSelect = (field: Field) =>
  (field.kind === 'select' || field.kind === 'multiselect') &&
  (field.options?.length ?? 0) > LIMITS.selectOptions;

/** The line under a typed field's label: what to write there. */
export function fieldHint(ctx: BotContext): FieldHint {
  return (field) => {
    const labels = (field.options ?? []).map((o) => o.label).join(', ');
    if (field.kind === 'product') return t(ctx.locale, 'discord.hint.product');
    if (field.kind === 'date')
      return t(ctx.locale, 'discord.hint.date', { example: ctx.desk.now().toISOString().slice(0, 10) });
    if (typedSelect(field))
      return t(ctx.locale, field.kind === 'select' ? 'discord.hint.choice' : 'discord.hint.choices', {
        choices: labels,
      });
    return undefined;
  };
}

/**
 * This step's answers as the core reads form values: typed choices become option values, a typed
 * product its id. What cannot be read is an error under the field's id.
 */
export async function readStep(
  ctx: BotContext,
  fields: Field[],
  typed: Record<string, string | string[]>,
  /** What the step held before (a reopened step shows a product read earlier as its id). */
  previous: FormValues = {},
): Promise<{ values: FormValues; errors: Record<string, string> }> {
  const values: FormValues = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const raw = typed[field.id];
    if (Array.isArray(raw)) {
      values[field.id] = field.kind === 'multiselect' ? raw : raw[0];
      continue;
    }
    const text = (raw ?? '').trim();
    if (!text) {
      values[field.id] = field.kind === 'multiselect' ? [] : undefined;
      continue;
    }
    if (typedSelect(field)) {
      const options = field.options ?? [];
      const find = (word: string) =>
        options.find((o) => o.value === word || o.label.toLowerCase() === word.toLowerCase())?.value;
      const words = field.kind === 'multiselect' ? text.split(/[,\n]+/).map((w) => w.trim()) : [text];
      const found = words.filter(Boolean).map((w) => ({ w, v: find(w) }));
      const unknown = found.filter((f) => !f.v).map((f) => f.w);
      if (unknown.length)
        errors[field.id] = t(ctx.locale, 'discord.unknownChoice', { value: unknown.join(', ') });
      values[field.id] =
        field.kind === 'multiselect' ? found.flatMap((f) => (f.v ? [f.v] : [])) : found[0]?.v;
      continue;
    }
    if (field.kind === 'product') {
      if (text === previous[field.id]) {
        values[field.id] = text;
        continue;
      }
      const product = await productFor(ctx, text);
      if (typeof product === 'string') errors[field.id] = product;
      else values[field.id] = String(product.id);
      continue;
    }
    values[field.id] = text;
  }
  return { values, errors };
}

/** A product by exact code, exact name, or the only one the words find; else why not. */
async function productFor(ctx: BotContext, query: string): Promise<{ id: number } | string> {
  const [byCode] = await productsOf(ctx.desk, ctx.actor, { codes: [query] });
  if (byCode) return byCode;
  const found = await listProducts(ctx.desk, ctx.actor, query, 10);
  const exact =
    found.find((p) => p.code.toLowerCase() === query.toLowerCase()) ??
    found.find((p) => p.name === query) ??
    (found.length === 1 ? found[0] : undefined);
  if (exact) return exact;
  if (found.length === 0) return t(ctx.locale, 'discord.productUnknown', { query });
  return t(ctx.locale, 'discord.productAmbiguous', {
    names: found
      .slice(0, 5)
      .map((p) => `${p.name} (${p.code})`)
      .join(', '),
  });
}

/** Which step comes after `step`, or null after the last. */
export function nextStep(form: Form, step: number): number | null {
  return step + 1 < formSteps(form).length ? step + 1 : null;
}
