// R13 exports as xlsx or CSV, streamed from `exportOrders`: one page of orders in memory at a time, the
// output's backpressure respected, so memory stays flat however many rows there are. Columns are the user's
// visible ones in their order and widths (R14), headed in the user's language. Personal data is
// written in full: `exportOrders` has already checked the role and recorded the reason.
//
// Every text cell that a spreadsheet could take for a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a
// leading `'` (OWASP "CSV injection"); numbers stay numbers, so a negative amount is still -1000.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import type { ColumnSetting, OrderRow } from '../domain/ports.js';
import type { OrderColumn } from '../domain/rules/columns.js';
import type { ExportBatch } from '../domain/services/queries.js';
import { type Locale, stageName } from '../i18n/catalog.js';
import { type MessageKey, t } from '../i18n/messages.js';

/**
 * A good `pageSize` for `exportOrders` feeding these writers. Measured on 100k orders (bench
 * excel-export, Postgres): pages of 1000 take ~20 % longer and 2000 ~5–10 % (per-page queries), 5000
 * adds 30–40 MB of peak memory (a page's rows outlive several young-generation collections).
 */
export const EXPORT_PAGE_SIZE = 3000;

export interface ExportOptions {
  /**
   * The header when no batch arrives at all: `exportOrders` yields nothing for an empty result, so
   * without these an empty export is a sheet with no header (CSV: the BOM only).
   */
  columns?: ColumnSetting[];
}

export interface ExportResult {
  /** Data rows written, header excluded. */
  rows: number;
}

type Cell = string | number;

/** What each column shows. Text here is raw; `neutralise` runs over every string on the way out. */
const CELLS: Record<OrderColumn, (o: OrderRow, locale: Locale) => Cell> = {
  // Our own serial is a plain integer (≤ 2^31): a number, so it sorts and filters as one.
  serial: (o) => o.serial,
  channel: (o) => o.channelName,
  // Mall order numbers run to 18–19 digits (beyond a double's 15): always text.
  mallOrderNo: (o) => o.mallOrderNo,
  mallLineNo: (o) => o.mallLineNo,
  stage: (o, locale) =>
    o.closedStatus
      ? `${stageName(o.stage, locale)} (${t(locale, `detail.closed.${o.closedStatus}`)})`
      : stageName(o.stage, locale),
  badges: (o) => o.badges.join(', '),
  productCode: (o) => o.productCode ?? '',
  productName: (o) => o.productName ?? '',
  mallProductName: (o) => o.mallProductName,
  mallOption: (o) => o.mallOption,
  quantity: (o) => o.quantity,
  unitPriceKrw: (o) => o.unitPriceKrw,
  amountKrw: (o) => o.amountKrw,
  ordererName: (o) => o.ordererName,
  // Phones and zips keep their leading zeros: text.
  ordererPhone: (o) => o.ordererPhone,
  recipientName: (o) => o.recipientName,
  recipientPhone: (o) => o.recipientPhone,
  address: (o) => o.address,
  zip: (o) => o.zip,
  deliveryMessage: (o) => o.deliveryMessage,
  kind: (o) => o.kind,
  source: (o) => o.source,
  holdReason: (o) => o.holdReason ?? '',
  orderedAt: (o) => kstText(o.orderedAt),
};

const HEADERS: Record<OrderColumn, MessageKey> = {
  serial: 'column.serial',
  channel: 'column.channel',
  mallOrderNo: 'column.mallOrderNo',
  mallLineNo: 'column.mallLineNo',
  stage: 'column.stage',
  badges: 'column.badges',
  productCode: 'column.productCode',
  productName: 'column.productName',
  mallProductName: 'column.mallProductName',
  mallOption: 'column.mallOption',
  quantity: 'column.quantity',
  unitPriceKrw: 'column.unitPriceKrw',
  amountKrw: 'column.amountKrw',
  ordererName: 'column.ordererName',
  ordererPhone: 'column.ordererPhone',
  recipientName: 'column.recipientName',
  recipientPhone: 'column.recipientPhone',
  address: 'column.address',
  zip: 'column.zip',
  deliveryMessage: 'column.deliveryMessage',
  kind: 'column.kind',
  source: 'column.source',
  holdReason: 'column.holdReason',
  orderedAt: 'column.orderedAt',
};

const isColumn = (key: string): key is OrderColumn => Object.hasOwn(CELLS, key);

let lastAt = Number.NaN;
let lastText = '';
/** `2026-11-26 12:00:00`, Korean time (no daylight saving: UTC+9 all year). */
export function kstText(at: Date | string): string {
  const ms = at instanceof Date ? at.getTime() : Date.parse(at);
  if (!Number.isFinite(ms)) return '';
  // Orders of one collection run share their timestamp: the last one is remembered.
  if (ms !== lastAt) {
    const iso = new Date(ms + 9 * 3600_000).toISOString();
    lastAt = ms;
    lastText = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  }
  return lastText;
}

/** A leading `'` on text a spreadsheet would evaluate: `=`, `+`, `-`, `@`, tab, CR (OWASP). */
export function neutralise(text: string): string {
  switch (text.charCodeAt(0)) {
    case 0x3d: // =
    case 0x2b: // +
    case 0x2d: // -
    case 0x40: // @
    case 0x09: // tab
    case 0x0d: // CR
      return `'${text}`;
    default:
      return text;
  }
}

interface Layout {
  headers: string[];
  widths: number[];
  /** One row's cells, text already neutralised; empty text is `undefined` (no cell at all in xlsx). */
  cells(o: OrderRow): (Cell | undefined)[];
}

/** Excel refuses a cell of more than 32,767 characters. */
const XLSX_MAX_TEXT = 32_767;

function layout(columns: ColumnSetting[], locale: Locale, maxText = Number.POSITIVE_INFINITY): Layout {
  const shown = columns.filter((c) => c.visible && isColumn(c.key)) as (ColumnSetting & {
    key: OrderColumn;
  })[];
  const getters = shown.map((c) => CELLS[c.key]);
  return {
    headers: shown.map((c) => neutralise(t(locale, HEADERS[c.key]))),
    widths: shown.map((c) => c.width),
    cells(o) {
      const out: (Cell | undefined)[] = new Array(getters.length);
      for (let i = 0; i < getters.length; i++) {
        const value = getters[i]!(o, locale);
        out[i] =
          typeof value !== 'string'
            ? value
            : value === ''
              ? undefined
              : neutralise(value.length > maxText ? value.slice(0, maxText - 1) : value);
      }
      return out;
    },
  };
}

/**
 * Watches the output while we write: an error or an early close fails the export at the next wait
 * instead of leaving it waiting for a drain that never comes.
 */
function watchOutput(out: Writable) {
  const abort = new AbortController();
  let failure: Error | null = null;
  const fail = (error: Error) => {
    failure ??= error;
    if (!abort.signal.aborted) abort.abort(failure);
  };
  const onError = (error: Error) => fail(error);
  const onClose = () => {
    if (!out.writableFinished) fail(new Error('the output closed before the export was complete'));
  };
  out.on('error', onError);
  out.on('close', onClose);
  const failed = new Promise<never>((_, reject) => {
    abort.signal.addEventListener('abort', () => reject(failure), { once: true });
  });
  failed.catch(() => {});
  return {
    failed,
    check() {
      if (failure) throw failure;
    },
    /** Resolves when `stream` has emptied its write buffer; rejects when the output fails first. */
    async drain(stream: Writable): Promise<void> {
      this.check();
      try {
        await once(stream, 'drain', { signal: abort.signal });
      } catch (error) {
        throw failure ?? error;
      }
    },
    /** Writes and waits for the drain when the output's buffer is full. */
    async write(chunk: string): Promise<void> {
      this.check();
      if (!out.write(chunk)) await this.drain(out);
    },
    dispose() {
      out.off('error', onError);
      out.off('close', onClose);
    },
  };
}

/** A failed export must not look like a complete file: the output is destroyed (without an error event). */
function abandon(out: Writable): void {
  if (!out.destroyed) out.destroy();
}

// --- xlsx ------------------------------------------------------------------------------------------

/** exceljs internals we rely on for backpressure and for abandoning a failed workbook (4.4). */
interface WriterInternals {
  zip?: { unpipe(destination: Writable): void; abort(): void };
}
interface SheetInternals {
  /**
   * The sheet's StreamBuf. Once the zip reaches the sheet's entry, `pipes[0]` is the PassThrough
   * (readable-stream 2, no `writableLength`) that archiver pipes into the entry's deflate stream.
   */
  stream?: { pipes?: (Writable & { _writableState?: { length: number } })[] };
}

/** Bytes of sheet XML the zip has not compressed yet before we wait for it. */
const XLSX_BACKLOG = 1 << 20;
/**
 * Rows between two looks at the backlog, each with a turn of the event loop. The sheet's XML reaches
 * the deflate stream only a buffer or so per turn: at 256 rows a turn the backlog outgrew 1 MB about
 * every 3000 rows and the export stood waiting for it (~250 ms per 100k rows); at 64 it never did.
 */
const SETTLE_EVERY = 64;

/**
 * Writes the batches as one worksheet with exceljs's streaming writer (inline strings, no styles):
 * each row is committed as it is built, never the whole sheet. Ends `out` on success; destroys it on
 * failure and rejects.
 */
export async function writeOrdersXlsx(
  batches: AsyncIterable<ExportBatch>,
  out: Writable,
  locale: Locale,
  options: ExportOptions = {},
): Promise<ExportResult> {
  const output = watchOutput(out);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useSharedStrings: false,
    useStyles: false,
  });
  const sheet = workbook.addWorksheet(t(locale, 'export.sheet'), {
    views: [{ state: 'frozen', ySplit: 1 }],
    // exceljs leaves out columns of width 9, its default; say so, or Excel draws them 8.43 wide.
    properties: { defaultColWidth: 9 },
  });
  const sheetStream = (sheet as unknown as SheetInternals).stream;
  // exceljs pushes the sheet's XML towards the zip without heeding write()'s result, so the backlog
  // is measured where it piles up: the stream between the sheet and the zip entry's deflate. A slow
  // `out` backs up through the zip (about 2 MB of its own buffers) to there, so this covers `out` too.
  // Otherwise a turn of the event loop: the zip compresses, the output reports errors, and the rest
  // of the service is not held up by a long page.
  const settle = async () => {
    const into = sheetStream?.pipes?.[0];
    const queued = into ? (into._writableState?.length ?? into.writableLength ?? 0) : 0;
    if (into && queued > XLSX_BACKLOG) await output.drain(into);
    else if (!sheetStream && out.writableNeedDrain) await output.drain(out);
    else await nextTurn();
    output.check();
  };

  let shape: Layout | null = null;
  const start = (columns: ColumnSetting[]) => {
    const next = layout(columns, locale, XLSX_MAX_TEXT);
    sheet.columns = next.widths.map((width) => ({ width }));
    sheet.addRow(next.headers).commit();
    return next;
  };
  let rows = 0;
  try {
    for await (const batch of batches) {
      shape ??= start(batch.columns);
      for (const order of batch.rows) {
        sheet.addRow(shape.cells(order)).commit();
        if (++rows % SETTLE_EVERY === 0) await settle();
      }
      await settle();
    }
    if (!shape && options.columns) shape = start(options.columns);
    sheet.commit();
    await Promise.race([workbook.commit(), output.failed]);
    return { rows };
  } catch (error) {
    const internals = workbook as unknown as WriterInternals;
    internals.zip?.unpipe(out);
    internals.zip?.abort();
    abandon(out);
    throw error;
  } finally {
    output.dispose();
  }
}

// --- CSV -------------------------------------------------------------------------------------------

const NEEDS_QUOTES = /[",\r\n]/;
const csvField = (cell: Cell | undefined): string => {
  if (cell === undefined) return '';
  if (typeof cell === 'number') return String(cell);
  return NEEDS_QUOTES.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
};
const csvLine = (cells: (Cell | undefined)[]): string => `${cells.map(csvField).join(',')}\r\n`;

/** Characters of CSV gathered before one write. */
const CSV_CHUNK = 1 << 20;

/**
 * RFC 4180 CSV (CRLF, fields with `"`, `,`, CR or LF quoted, quotes doubled), UTF-8 with a BOM so Excel
 * reads Korean correctly. Ends `out` on success; destroys it on failure and rejects.
 */
export async function writeOrdersCsv(
  batches: AsyncIterable<ExportBatch>,
  out: Writable,
  locale: Locale,
  options: ExportOptions = {},
): Promise<ExportResult> {
  const output = watchOutput(out);
  let shape: Layout | null = null;
  let rows = 0;
  try {
    await output.write('\uFEFF');
    let chunk = '';
    for await (const batch of batches) {
      if (!shape) {
        shape = layout(batch.columns, locale);
        chunk += csvLine(shape.headers);
      }
      for (const order of batch.rows) {
        chunk += csvLine(shape.cells(order));
        rows++;
        if (chunk.length >= CSV_CHUNK) {
          await output.write(chunk);
          chunk = '';
        }
      }
      if (chunk) await output.write(chunk);
      chunk = '';
      // A turn of the event loop per batch, so an output error surfaces even when nothing waited.
      await nextTurn();
      output.check();
    }
    if (!shape && options.columns) await output.write(csvLine(layout(options.columns, locale).headers));
    output.check();
    out.end();
    await Promise.race([once(out, 'finish'), output.failed]);
    return { rows };
  } catch (error) {
    abandon(out);
    throw error;
  } finally {
    output.dispose();
  }
}

/** The writer for a format: xlsx or CSV (UTF-8 with BOM). */
export function writeOrders(
  format: 'xlsx' | 'csv',
  batches: AsyncIterable<ExportBatch>,
  out: Writable,
  locale: Locale,
): Promise<ExportResult> {
  return format === 'csv' ? writeOrdersCsv(batches, out, locale) : writeOrdersXlsx(batches, out, locale);
}
