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

export function orderFromRow(
  m: RowMapping,
  row: SheetRow,
): { ok: true; order: IncomingOrder } | { ok: false; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const columnName = (field: TemplateField) => {
    const index = m.columns[field]!;
    return m.headerCells[index] || columnLetter(index);
  };
  const cell = (field: TemplateField) => {
    const index = m.columns[field];
    return index === undefined ? '' : (row.cells[index] ?? '').trim();
  };
  const problem = (field: TemplateField, code: RowProblem['code']) =>
    problems.push({ row: row.row, column: columnName(field), code, value: cell(field).slice(0, 60) });

  for (const field of REQUIRED_FIELDS) if (!cell(field)) problem(field, 'REQUIRED');
  for (const field of ['mallOrderNo', 'mallLineNo', 'mallProductCode', 'recipientName'] as const) {
    if (cell(field).length > 100) problem(field, 'TOO_LONG');
  }
  const quantity = wholeNumber(cell('quantity'));
  if (cell('quantity') && (quantity === null || quantity < 1 || quantity > 100_000))
    problem('quantity', 'NUMBER');
  const money = (field: 'unitPriceKrw' | 'amountKrw') => {
    if (m.columns[field] === undefined || !cell(field)) return undefined;
    const n = wholeNumber(cell(field));
    if (n === null || n < 0 || n > MAX_INT) {
      problem(field, 'NUMBER');
      return undefined;
    }
    return n;
  };
  const unitPrice = money('unitPriceKrw');
  const amount = money('amountKrw');
  const recipientPhone = normalizePhone(cell('recipientPhone'));
  if (cell('recipientPhone') && !PHONE.test(recipientPhone)) problem('recipientPhone', 'PHONE');
  const zip = normalizeZip(cell('zip'));
  if (cell('zip') && !/^\d{5}$/.test(zip)) problem('zip', 'ZIP');
  let orderedAt: Date | undefined;
  if (cell('orderedAt')) {
    orderedAt = koreanDate(cell('orderedAt')) ?? undefined;
    if (!orderedAt) problem('orderedAt', 'DATE');
  }
  if (problems.length) return { ok: false, problems };

  const q = quantity!;
  const unitPriceKrw = unitPrice ?? (amount !== undefined ? Math.floor(amount / q) : 0);
  const amountKrw = amount ?? unitPriceKrw * q;
  if (amountKrw > MAX_INT) {
    problem('quantity', 'NUMBER');
    return { ok: false, problems };
  }
  return {
    ok: true,
    order: {
      channelId: m.channelId,
      mallOrderNo: cell('mallOrderNo'),
      mallLineNo: cell('mallLineNo') || '1',
      mallProductCode: cell('mallProductCode'),
      mallProductName: cell('mallProductName'),
      mallOption: cell('mallOption'),
      quantity: q,
      unitPriceKrw,
      amountKrw,
      ordererName: cell('ordererName'),
      ordererPhone: cell('ordererPhone'),
      recipientName: cell('recipientName'),
      recipientPhone,
      address: cell('address'),
      zip,
      deliveryMessage: cell('deliveryMessage'),
      kind: m.template.kind,
      orderedAt,
    },
  };
}
