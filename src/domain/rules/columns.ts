// R14: the columns a user can order, size and hide, for lists and exports.
import type { ColumnSetting } from '../ports.js';

export const ORDER_COLUMNS = [
  'serial',
  'channel',
  'mallOrderNo',
  'mallLineNo',
  'stage',
  'badges',
  'productCode',
  'productName',
  'mallProductName',
  'mallOption',
  'quantity',
  'unitPriceKrw',
  'amountKrw',
  'ordererName',
  'ordererPhone',
  'recipientName',
  'recipientPhone',
  'address',
  'zip',
  'deliveryMessage',
  'kind',
  'source',
  'holdReason',
  'orderedAt',
] as const;
export type OrderColumn = (typeof ORDER_COLUMNS)[number];

const HIDDEN_BY_DEFAULT: readonly OrderColumn[] = [
  'mallLineNo',
  'mallProductName',
  'unitPriceKrw',
  'kind',
  'source',
];
const WIDE: readonly OrderColumn[] = [
  'address',
  'productName',
  'mallProductName',
  'deliveryMessage',
  'mallOption',
];

export function defaultColumns(): ColumnSetting[] {
  return ORDER_COLUMNS.map((key) => ({
    key,
    width: WIDE.includes(key) ? 30 : 14,
    visible: !HIDDEN_BY_DEFAULT.includes(key),
  }));
}

/**
 * A user's settings, completed: unknown keys dropped, columns added since the user saved appended with
 * their defaults, so an old setting never hides a new column by accident.
 */
export function completeColumns(saved: ColumnSetting[] | null): ColumnSetting[] {
  const defaults = defaultColumns();
  if (!saved) return defaults;
  const known = new Set<string>(ORDER_COLUMNS);
  const kept = saved.filter((c) => known.has(c.key));
  const seen = new Set(kept.map((c) => c.key));
  return [...kept, ...defaults.filter((c) => !seen.has(c.key))];
}

/** Checks a new setting: known columns, each once, widths 4–100, at least one visible. */
export function validateColumns(columns: ColumnSetting[]): string | null {
  const known = new Set<string>(ORDER_COLUMNS);
  const seen = new Set<string>();
  for (const c of columns) {
    if (!known.has(c.key)) return `unknown column ${c.key}`;
    if (seen.has(c.key)) return `column ${c.key} twice`;
    seen.add(c.key);
    if (!Number.isInteger(c.width) || c.width < 4 || c.width > 100) return `width of ${c.key}`;
  }
  if (!columns.some((c) => c.visible)) return 'no visible column';
  return null;
}
