// Forms (modals) and the checks of what comes back from them. A form's values are validated here with
// zod-like rules so a platform can answer field errors before it acknowledges the submission.
import type { OrderRow, UnmatchedGroup } from '../../domain/ports.js';
import { MAX_COLLECTION_DAYS } from '../../domain/rules/collection.js';
import { normalizePhone, normalizeZip } from '../../domain/rules/contact.js';
import { claimTypesFor } from '../../domain/rules/stage-rules.js';
import type { Stage } from '../../domain/types.js';
import type { Locale } from '../../i18n/catalog.js';
import { type MessageKey, t } from '../../i18n/messages.js';
import { type Field, FORMS, type Form, type FormId, type Option } from './model.js';
import { formatSerials } from './serials.js';

export type FormValues = Record<string, string | string[] | undefined>;

const reasonField = (
  locale: Locale,
  key: 'field.reason' | 'field.holdReason' | 'field.deleteReason',
): Field => ({
  id: 'reason',
  kind: 'multiline',
  label: t(locale, key),
  required: true,
  maxLength: 500,
});

export interface SerialsMeta {
  serials: number[];
  versions?: Record<string, number>;
  packingGroup?: boolean;
  /** Where to answer (a platform's reply address, e.g. Slack's response_url or a channel). */
  reply?: string;
}

const intro = (locale: Locale, meta: SerialsMeta) =>
  [
    t(locale, 'form.intro.serials', { serials: formatSerials(meta.serials, 12) }),
    meta.packingGroup ? t(locale, 'form.intro.packing') : '',
  ]
    .filter(Boolean)
    .join('\n');

export function holdForm(locale: Locale, meta: SerialsMeta): Form {
  return {
    id: FORMS.hold,
    title: t(locale, 'form.hold.title'),
    submit: t(locale, 'form.submit'),
    intro: intro(locale, meta),
    fields: [reasonField(locale, 'field.holdReason')],
    meta: { ...meta },
  };
}

export function deleteForm(locale: Locale, meta: SerialsMeta): Form {
  return {
    id: FORMS.delete,
    title: t(locale, 'form.delete.title'),
    submit: t(locale, 'form.submit'),
    intro: intro(locale, meta),
    fields: [reasonField(locale, 'field.deleteReason')],
    meta: { ...meta },
  };
}

/** R4/R10: in `ready` only cancel is offered; a single order may change the claimed product. */
export function claimForm(locale: Locale, meta: SerialsMeta, stages: Stage[]): Form {
  const types = claimTypesFor(stages);
  const options: Option[] = (types.length ? types : (['cancel'] as const)).map((type) => ({
    value: type,
    label: t(locale, `claim.${type}`),
  }));
  const fields: Field[] = [
    {
      id: 'type',
      kind: 'select',
      label: t(locale, 'field.claimType'),
      required: true,
      options,
      initial: options[0]!.value,
    },
    reasonField(locale, 'field.reason'),
  ];
  if (meta.serials.length === 1) {
    fields.push({ id: 'newProduct', kind: 'product', label: t(locale, 'field.newProduct'), required: false });
  }
  const notes = [intro(locale, meta)];
  if (stages.includes('ready')) notes.push(t(locale, 'form.intro.ready'));
  if (meta.serials.length > 1) notes.push(t(locale, 'form.intro.multiClaim'));
  return {
    id: FORMS.claim,
    title: t(locale, 'form.claim.title'),
    submit: t(locale, 'form.submit'),
    intro: notes.join('\n'),
    fields,
    meta: { ...meta },
  };
}

export function batchNextForm(
  locale: Locale,
  channels: { id: number; name: string }[],
  reply?: string,
): Form {
  return {
    id: FORMS.batchNext,
    title: t(locale, 'form.batchNext.title'),
    submit: t(locale, 'form.submit'),
    fields: [
      {
        id: 'channels',
        kind: 'multiselect',
        label: t(locale, 'field.channels'),
        required: true,
        options: channels.map((c) => ({ value: String(c.id), label: c.name })),
      },
      { id: 'reason', kind: 'text', label: t(locale, 'field.reason'), required: false, maxLength: 500 },
    ],
    meta: { reply },
  };
}

/** The sales channel a file or an event belongs to, chosen already when there is only one. */
function channelField(locale: Locale, channels: { id: number; name: string }[]): Field {
  return {
    id: 'channel',
    kind: 'select',
    label: t(locale, 'field.channel'),
    required: true,
    options: channels.map((c) => ({ value: String(c.id), label: c.name })),
    ...(channels.length === 1 ? { initial: String(channels[0]!.id) } : {}),
  };
}

/** A text field: 100 characters on one line, 300 on several. */
function textField(
  locale: Locale,
  id: string,
  key: Parameters<typeof t>[1],
  options: { required?: boolean; multiline?: boolean; initial?: string } = {},
): Field {
  const kind = options.multiline ? 'multiline' : 'text';
  return {
    id,
    kind,
    label: t(locale, key),
    required: options.required ?? true,
    ...(options.initial !== undefined ? { initial: options.initial } : {}),
    maxLength: kind === 'multiline' ? 300 : 100,
  };
}

export function editForm(locale: Locale, order: OrderRow, reply?: string): Form {
  const text = (
    id: string,
    key: Parameters<typeof t>[1],
    initial: string,
    required = true,
    multiline = false,
  ) => textField(locale, id, key, { initial, required, multiline });
  return {
    id: FORMS.edit,
    title: t(locale, 'form.edit.title'),
    submit: t(locale, 'form.submit'),
    intro: `${t(locale, 'form.intro.serials', { serials: order.serial })}\n${t(locale, 'form.intro.edit')}`,
    fields: [
      text('recipientName', 'field.recipientName', order.recipientName),
      text('recipientPhone', 'field.recipientPhone', order.recipientPhone),
      text('address', 'field.address', order.address, true, true),
      text('zip', 'field.zip', order.zip),
      text('deliveryMessage', 'field.deliveryMessage', order.deliveryMessage, false, true),
    ],
    meta: { serial: order.serial, version: order.version, reply },
  };
}

export function addForm(locale: Locale, channels: { id: number; name: string }[], reply?: string): Form {
  const text = (id: string, key: Parameters<typeof t>[1], required = true, kind: Field['kind'] = 'text') =>
    textField(locale, id, key, { required, multiline: kind === 'multiline' });
  return {
    id: FORMS.add,
    title: t(locale, 'form.add.title'),
    submit: t(locale, 'form.submit'),
    fields: [
      channelField(locale, channels),
      { id: 'product', kind: 'product', label: t(locale, 'field.product'), required: true },
      text('mallOrderNo', 'field.mallOrderNo', false),
      { ...text('quantity', 'field.quantity'), kind: 'number', initial: '1' },
      { ...text('unitPrice', 'field.unitPrice'), kind: 'number' },
      text('option', 'field.option', false),
      text('ordererName', 'field.ordererName'),
      text('ordererPhone', 'field.ordererPhone'),
      text('recipientName', 'field.recipientName'),
      text('recipientPhone', 'field.recipientPhone'),
      text('address', 'field.address', true, 'multiline'),
      text('zip', 'field.zip'),
      text('deliveryMessage', 'field.deliveryMessage', false, 'multiline'),
      {
        id: 'kind',
        kind: 'select',
        label: t(locale, 'field.kind'),
        required: true,
        options: [
          { value: 'B2C', label: 'B2C' },
          { value: 'B2B', label: 'B2B' },
        ],
        initial: 'B2C',
      },
    ],
    meta: { reply },
  };
}

export function rejectForm(locale: Locale, approvalId: number, summary: string, reply?: string): Form {
  return {
    id: FORMS.reject,
    title: t(locale, 'form.reject.title'),
    submit: t(locale, 'form.submit'),
    intro: t(locale, 'form.intro.reject', { id: approvalId, summary }),
    fields: [reasonField(locale, 'field.reason')],
    meta: { approvalId, reply },
  };
}

/** R13: the reason for an export is required; the format is the user's choice. */
export function exportForm(
  locale: Locale,
  filter: Record<string, unknown>,
  summary: string,
  reply?: string,
): Form {
  return {
    id: FORMS.export,
    title: t(locale, 'form.export.title'),
    submit: t(locale, 'form.submit'),
    intro: `${summary}\n${t(locale, 'form.intro.export')}`,
    fields: [
      reasonField(locale, 'field.reason'),
      {
        id: 'format',
        kind: 'select',
        label: t(locale, 'field.format'),
        required: true,
        options: [
          { value: 'xlsx', label: 'Excel (.xlsx)' },
          { value: 'csv', label: 'CSV (UTF-8)' },
        ],
        initial: 'xlsx',
      },
    ],
    meta: { filter, reply },
  };
}

/** R14: which columns show, for this user's lists and exports. */
export function columnsForm(
  locale: Locale,
  columns: { key: string; visible: boolean }[],
  labels: Option[],
  reply?: string,
): Form {
  return {
    id: FORMS.columns,
    title: t(locale, 'form.columns.title'),
    submit: t(locale, 'form.submit'),
    intro: t(locale, 'form.intro.columns'),
    fields: [
      {
        id: 'visible',
        kind: 'multiselect',
        label: t(locale, 'field.columns'),
        required: true,
        options: labels,
        initial: columns.filter((c) => c.visible).map((c) => c.key),
      },
    ],
    meta: { reply },
  };
}

/** R12: which template reads the file (the suggestion preselected), for which channel, with what password. */
export function uploadForm(
  locale: Locale,
  file: { id: string; name: string },
  templates: string[],
  suggested: string | undefined,
  channels: { id: number; name: string }[],
  reply?: string,
): Form {
  return {
    id: FORMS.upload,
    title: t(locale, 'form.upload.title'),
    submit: t(locale, 'form.upload.submit'),
    intro: t(locale, 'form.intro.upload', { name: file.name }),
    fields: [
      {
        id: 'template',
        kind: 'select',
        label: t(locale, 'field.template'),
        required: true,
        options: templates.map((name) => ({ value: name, label: name })),
        ...(suggested ? { initial: suggested } : {}),
      },
      channelField(locale, channels),
      { id: 'password', kind: 'text', label: t(locale, 'field.password'), required: false, maxLength: 100 },
    ],
    meta: { fileId: file.id, fileName: file.name, reply },
  };
}

/** R1: which product(s) a mall product/option is; a bundle is up to three products. */
export function matchForm(locale: Locale, group: UnmatchedGroup, reply?: string): Form {
  const product = (n: '' | '2' | '3', key: MessageKey, required: boolean): Field => ({
    id: `product${n}`,
    kind: 'product',
    label: t(locale, key),
    required,
  });
  const quantity = (n: '' | '2' | '3', key: MessageKey, required: boolean): Field => ({
    id: `quantity${n}`,
    kind: 'number',
    label: t(locale, key),
    required,
    ...(required ? { initial: '1' } : {}),
  });
  return {
    id: FORMS.match,
    title: t(locale, 'form.match.title'),
    submit: t(locale, 'form.submit'),
    intro: t(locale, 'form.intro.match', {
      channel: group.channelName,
      code: group.mallProductCode,
      option: group.mallOption ? ` / ${group.mallOption}` : '',
      name: group.mallProductName || t(locale, 'unmatched.noName'),
      orders: group.orders,
    }),
    fields: [
      product('', 'field.product', true),
      quantity('', 'field.quantity', true),
      product('2', 'field.product2', false),
      quantity('2', 'field.quantity2', false),
      product('3', 'field.product3', false),
      quantity('3', 'field.quantity3', false),
    ],
    meta: { ch: group.channelId, code: group.mallProductCode, opt: group.mallOption, reply },
  };
}

/** R2: two Korean calendar days and the eligible accounts, all ticked to start with. */
export function collectForm(
  locale: Locale,
  accounts: { id: number; name: string }[],
  day: string,
  meta: { origin?: string; reply?: string },
): Form {
  return {
    id: FORMS.collect,
    title: t(locale, 'form.collect.title'),
    submit: t(locale, 'form.submit'),
    intro: t(locale, 'form.intro.collect', { max: MAX_COLLECTION_DAYS }),
    fields: [
      { id: 'from', kind: 'date', label: t(locale, 'field.from'), required: true, initial: day },
      { id: 'to', kind: 'date', label: t(locale, 'field.to'), required: true, initial: day },
      {
        id: 'accounts',
        kind: 'multiselect',
        label: t(locale, 'field.accounts'),
        required: true,
        options: accounts.map((a) => ({ value: String(a.id), label: a.name })),
        initial: accounts.map((a) => String(a.id)),
      },
    ],
    meta,
  };
}

/** R18: an event on a channel's products for a period, with a minimum, giving a gift product. */
export function giftForm(
  locale: Locale,
  channels: { id: number; name: string }[],
  days: { from: string; to: string },
  reply?: string,
): Form {
  return {
    id: FORMS.gift,
    title: t(locale, 'form.gift.title'),
    submit: t(locale, 'form.submit'),
    intro: t(locale, 'form.intro.gift'),
    fields: [
      channelField(locale, channels),
      textField(locale, 'name', 'field.giftName'),
      textField(locale, 'products', 'field.giftProducts'),
      {
        id: 'startsOn',
        kind: 'date',
        label: t(locale, 'field.startsOn'),
        required: true,
        initial: days.from,
      },
      { id: 'endsOn', kind: 'date', label: t(locale, 'field.endsOn'), required: true, initial: days.to },
      { id: 'minQuantity', kind: 'number', label: t(locale, 'field.minQuantity'), required: false },
      { id: 'minAmount', kind: 'number', label: t(locale, 'field.minAmount'), required: false },
      { id: 'giftProduct', kind: 'product', label: t(locale, 'field.giftProduct'), required: true },
      {
        id: 'giftQuantity',
        kind: 'number',
        label: t(locale, 'field.giftQuantity'),
        required: true,
        initial: '1',
      },
    ],
    meta: { reply },
  };
}

type FieldRule =
  | 'required'
  | 'optional'
  | 'number'
  | 'optionalNumber'
  | 'date'
  | 'phone'
  | 'zip'
  | 'choice'
  | 'choices';

/** The fields each form has, for validation without rebuilding the form. */
const FIELD_RULES: Record<FormId, Record<string, FieldRule>> = {
  [FORMS.hold]: { reason: 'required' },
  [FORMS.delete]: { reason: 'required' },
  [FORMS.claim]: { type: 'choice', reason: 'required', newProduct: 'optional' },
  [FORMS.batchNext]: { channels: 'choices', reason: 'optional' },
  [FORMS.edit]: {
    recipientName: 'required',
    recipientPhone: 'phone',
    address: 'required',
    zip: 'zip',
    deliveryMessage: 'optional',
  },
  [FORMS.add]: {
    channel: 'choice',
    product: 'choice',
    mallOrderNo: 'optional',
    quantity: 'number',
    unitPrice: 'number',
    option: 'optional',
    ordererName: 'required',
    ordererPhone: 'phone',
    recipientName: 'required',
    recipientPhone: 'phone',
    address: 'required',
    zip: 'zip',
    deliveryMessage: 'optional',
    kind: 'choice',
  },
  [FORMS.reject]: { reason: 'required' },
  [FORMS.export]: { reason: 'required', format: 'choice' },
  [FORMS.columns]: { visible: 'choices' },
  [FORMS.upload]: { template: 'choice', channel: 'choice', password: 'optional' },
  [FORMS.match]: {
    product: 'choice',
    quantity: 'number',
    product2: 'optional',
    quantity2: 'optionalNumber',
    product3: 'optional',
    quantity3: 'optionalNumber',
  },
  [FORMS.collect]: { from: 'date', to: 'date', accounts: 'choices' },
  [FORMS.gift]: {
    channel: 'choice',
    name: 'required',
    products: 'required',
    startsOn: 'date',
    endsOn: 'date',
    minQuantity: 'optionalNumber',
    minAmount: 'optionalNumber',
    giftProduct: 'choice',
    giftQuantity: 'number',
  },
};

const daysBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;

/** Rules across fields, once each field is well-formed. */
const FORM_CHECKS: Partial<Record<FormId, (values: FormValues, locale: Locale) => Record<string, string>>> = {
  [FORMS.match]: (values, locale) => {
    const errors: Record<string, string> = {};
    for (const n of ['2', '3']) {
      if (text(values, `quantity${n}`) && !text(values, `product${n}`))
        errors[`product${n}`] = t(locale, 'error.quantityWithoutProduct');
    }
    return errors;
  },
  [FORMS.collect]: (values, locale): Record<string, string> => {
    const from = text(values, 'from');
    const to = text(values, 'to');
    if (to < from) return { to: t(locale, 'error.periodOrder') };
    const days = daysBetween(from, to);
    return days > MAX_COLLECTION_DAYS
      ? { to: t(locale, 'error.periodTooLong', { max: MAX_COLLECTION_DAYS, days }) }
      : {};
  },
  [FORMS.gift]: (values, locale) => {
    const errors: Record<string, string> = {};
    if (text(values, 'endsOn') < text(values, 'startsOn')) errors.endsOn = t(locale, 'error.periodOrder');
    if (!text(values, 'minQuantity') && !text(values, 'minAmount'))
      errors.minQuantity = t(locale, 'error.minimum');
    return errors;
  },
};

const PHONE = /^0\d{1,2}-\d{3,4}-\d{4}$|^1\d{3}-\d{4}$/;
const WHOLE_NUMBER = /^\d{1,9}$/;
/** A real calendar day: 2024-02-30 is not one (Date.parse would roll it over to March). */
const isDay = (v: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(v) &&
  !Number.isNaN(Date.parse(v)) &&
  new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v;

/** Field id → sentence for every value that cannot be taken; empty when all is well. */
export function validateForm(id: FormId, values: FormValues, locale: Locale): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [field, rule] of Object.entries(FIELD_RULES[id])) {
    const raw = values[field];
    const text = Array.isArray(raw) ? '' : (raw ?? '').trim();
    if (rule === 'choices') {
      if (!Array.isArray(raw) || raw.length === 0) errors[field] = t(locale, 'error.choose');
      continue;
    }
    if (rule === 'optional') {
      if (text.length > 500) errors[field] = t(locale, 'error.tooLong', { max: 500 });
      continue;
    }
    if (rule === 'optionalNumber') {
      if (text && !WHOLE_NUMBER.test(text.replace(/,/g, ''))) errors[field] = t(locale, 'error.number');
      continue;
    }
    if (!text) {
      errors[field] = t(locale, rule === 'choice' ? 'error.choose' : 'error.required');
      continue;
    }
    if (text.length > 500) errors[field] = t(locale, 'error.tooLong', { max: 500 });
    else if (rule === 'number' && !WHOLE_NUMBER.test(text.replace(/,/g, '')))
      errors[field] = t(locale, 'error.number');
    else if (rule === 'date' && !isDay(text)) errors[field] = t(locale, 'error.date');
    else if (rule === 'phone' && !PHONE.test(normalizePhone(text))) errors[field] = t(locale, 'error.phone');
    else if (rule === 'zip' && !/^\d{5}$/.test(normalizeZip(text))) errors[field] = t(locale, 'error.zip');
  }
  if (Object.keys(errors).length) return errors;
  return FORM_CHECKS[id]?.(values, locale) ?? {};
}

export const text = (values: FormValues, id: string): string => {
  const v = values[id];
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
};

export const number = (values: FormValues, id: string): number => Number(text(values, id).replace(/,/g, ''));
