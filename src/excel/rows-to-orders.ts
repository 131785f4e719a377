// One spreadsheet row → one incoming order line, or the reasons it cannot be one (row, column, why).
import { normalizePhone, normalizeZip } from '../domain/rules/contact.js';
import type { RowProblem } from '../domain/services/imports.js';
import type { IncomingOrder } from '../domain/services/intake.js';
import { REQUIRED_FIELDS, type TemplateDefinition, type TemplateField } from './templates.js';
import type { SheetRow } from './types.js';

const PHONE = /^0\d{1,2}-\d{3,4}-\d{4}$|^1\d{3}-\d{4}$/;
const MAX_INT = 2_147_483_647;

const columnLetter = (index: number): string => {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
};

/** "32,000원" → 32000; null when it is not a whole number. */
function wholeNumber(text: string): number | null {
  const cleaned = text.replace(/[,\s원₩]/g, '');
  if (!/^-?\d+(\.0+)?$/.test(cleaned)) return null;
  const n = Number(cleaned);
  return Number.isSafeInteger(n) ? n : null;
}

/** Dates in mall files are Korean time: 2026-11-26 09:30:00, 2026.11.26 09:30, 2026/11/26. */
function koreanDate(text: string): Date | null {
  const m = /^(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?/.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, hh = '0', mm = '0', ss = '0'] = m;
  const date = new Date(
    Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(hh) - 9, Number(mm), Number(ss)),
  );
  return Number.isNaN(date.getTime()) ? null : date;
}

export interface RowMapping {
  template: TemplateDefinition;
  columns: Partial<Record<TemplateField, number>>;
  headerCells: string[];
  channelId: number;
}

/** A mapped column's name as the user sees it: its header text, else its letter. */
export function columnName(m: RowMapping, field: TemplateField): string {
  const index = m.columns[field]!;
  return m.headerCells[index] || columnLetter(index);
}

/** A mapped cell, trimmed; '' when the column is not mapped or the cell is empty. */
function cellOf(m: RowMapping, cells: string[], field: TemplateField): string {
  const index = m.columns[field];
  const raw = index === undefined ? undefined : cells[index];
  return raw === undefined ? '' : raw.trim();
}

/** Collects a row's problems; allocated only when the row has one. */
class Problems {
  list: RowProblem[] | null = null;
  constructor(
    private readonly m: RowMapping,
    private readonly row: number,
  ) {}
  add(field: TemplateField, code: RowProblem['code'], value: string): void {
    this.list ??= [];
    this.list.push({
      row: this.row,
      column: columnName(this.m, field),
      code,
      value: value.slice(0, 60),
    });
  }
}

const CHECKED_LENGTH = ['mallOrderNo', 'mallLineNo', 'mallProductCode', 'recipientName'] as const;

/** One spreadsheet row → an order line, reading each mapped cell once. */
export function orderFromRow(
  m: RowMapping,
  row: SheetRow,
): { ok: true; order: IncomingOrder } | { ok: false; problems: RowProblem[] } {
  const cells = row.cells;
  const problems = new Problems(m, row.row);
  for (const field of REQUIRED_FIELDS) if (!cellOf(m, cells, field)) problems.add(field, 'REQUIRED', '');
  for (const field of CHECKED_LENGTH) {
    const text = cellOf(m, cells, field);
    if (text.length > 100) problems.add(field, 'TOO_LONG', text);
  }
  const quantityText = cellOf(m, cells, 'quantity');
  const quantity = wholeNumber(quantityText);
  if (quantityText && (quantity === null || quantity < 1 || quantity > 100_000))
    problems.add('quantity', 'NUMBER', quantityText);
  const unitPrice = money(m, cells, 'unitPriceKrw', problems);
  const amount = money(m, cells, 'amountKrw', problems);
  const phoneText = cellOf(m, cells, 'recipientPhone');
  const recipientPhone = normalizePhone(phoneText);
  if (phoneText && !PHONE.test(recipientPhone)) problems.add('recipientPhone', 'PHONE', phoneText);
  const zipText = cellOf(m, cells, 'zip');
  const zip = normalizeZip(zipText);
  if (zipText && !/^\d{5}$/.test(zip)) problems.add('zip', 'ZIP', zipText);
  const dateText = cellOf(m, cells, 'orderedAt');
  const orderedAt = dateText ? (koreanDate(dateText) ?? undefined) : undefined;
  if (dateText && !orderedAt) problems.add('orderedAt', 'DATE', dateText);
  if (problems.list) return { ok: false, problems: problems.list };

  const q = quantity!;
  const unitPriceKrw = unitPrice ?? (amount !== undefined ? Math.floor(amount / q) : 0);
  const amountKrw = amount ?? unitPriceKrw * q;
  if (amountKrw > MAX_INT) {
    problems.add('quantity', 'NUMBER', quantityText);
    return { ok: false, problems: problems.list! };
  }
  return {
    ok: true,
    order: {
      channelId: m.channelId,
      mallOrderNo: cellOf(m, cells, 'mallOrderNo'),
      mallLineNo: cellOf(m, cells, 'mallLineNo') || '1',
      mallProductCode: cellOf(m, cells, 'mallProductCode'),
      mallProductName: cellOf(m, cells, 'mallProductName'),
      mallOption: cellOf(m, cells, 'mallOption'),
      quantity: q,
      unitPriceKrw,
      amountKrw,
      ordererName: cellOf(m, cells, 'ordererName'),
      ordererPhone: cellOf(m, cells, 'ordererPhone'),
      recipientName: cellOf(m, cells, 'recipientName'),
      recipientPhone,
      address: cellOf(m, cells, 'address'),
      zip,
      deliveryMessage: cellOf(m, cells, 'deliveryMessage'),
      kind: m.template.kind,
      orderedAt,
    },
  };
}

/** A money column: a whole number of won within the column's range, or undefined when absent. */
function money(
  m: RowMapping,
  cells: string[],
  field: 'unitPriceKrw' | 'amountKrw',
  problems: Problems,
): number | undefined {
  const text = cellOf(m, cells, field);
  if (!text) return undefined;
  const n = wholeNumber(text);
  if (n === null || n < 0 || n > MAX_INT) {
    problems.add(field, 'NUMBER', text);
    return undefined;
  }
  return n;
}
