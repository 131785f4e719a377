// Reading an uploaded spreadsheet by its content (not its name) into rows of text cells, refusing what we
// cannot read with a FileRejected code the user can act on.
//
// xlsx: we read the zip's central directory ourselves (the whole file is in memory anyway), find the workbook,
// its sheets and the chosen sheet's part, and hand exceljs's STREAMING reader a small re-packed zip holding
// only what it needs, in the order it needs it (workbook, styles, shared strings, then the one sheet). That
// keeps exceljs off its temp-file path (it spills sheets that come before sharedStrings.xml to disk, as SheetJS
// writes them) and lets us answer NO_WORKBOOK / NO_SHEET / TRUNCATED before streaming anything. The streaming
// read still runs under a deadline: a corrupt deflate stream makes exceljs wait forever.
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import cfb from 'cfb';
import { parse as parseCsv } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import officeCrypto from 'officecrypto-tool';
import { FileRejected, type ReadOptions, type SheetRow } from './types.js';

export type FileKind = 'xlsx' | 'encrypted' | 'xls' | 'html' | 'csv' | 'empty';

/** Rows yielded beyond `maxRows` before TOO_MANY_ROWS: banners and header rows above the data. */
export const HEADER_ALLOWANCE = 25;

// ---------------------------------------------------------------------------------------------------------
// Sniffing

const ZIP_LOCAL = 0x04034b50;
const ZIP_CENTRAL = 0x02014b50;
const ZIP_END = 0x06054b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
/** The end-of-central-directory record (22 bytes) plus the longest zip comment (65,535). */
const EOCD_SEARCH = 22 + 0xffff;
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/**
 * What a file is, by its bytes. Throws FileRejected('TRUNCATED') for a zip whose end record is missing and
 * FileRejected('NOT_A_SPREADSHEET') for an OLE file that is neither an encrypted workbook nor a legacy .xls.
 */
export function sniff(bytes: Buffer): FileKind {
  if (bytes.length === 0) return 'empty';
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b) {
    const sig = bytes.readUInt32LE(0);
    // An empty zip is only an end record; it is a zip without a workbook.
    if (sig === ZIP_LOCAL || sig === ZIP_END) {
      if (findEndRecord(bytes) < 0) throw new FileRejected('TRUNCATED');
      return 'xlsx';
    }
  }
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(OLE_MAGIC)) return sniffOle(bytes);
  const first = firstText(bytes);
  if (first === '') return 'empty';
  if (first === '<') return 'html';
  return 'csv';
}

function sniffOle(bytes: Buffer): FileKind {
  let names: Set<string>;
  try {
    const container = cfb.read(bytes, { type: 'buffer' });
    names = new Set(container.FileIndex.filter((e) => e.type === 2).map((e) => e.name));
  } catch (error) {
    throw new FileRejected('NOT_A_SPREADSHEET', { reason: `broken OLE file: ${messageOf(error)}` });
  }
  if (names.has('EncryptionInfo')) return 'encrypted';
  if (names.has('Workbook') || names.has('Book')) return 'xls';
  throw new FileRejected('NOT_A_SPREADSHEET', { reason: 'OLE file without a workbook' });
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);

/** The first character that is not a BOM or whitespace ('' when there is none), for the encodings we take. */
function firstText(bytes: Buffer): string {
  const utf16 = utf16Of(bytes);
  if (utf16) {
    const head = iconv.decode(bytes.subarray(2, 8194), utf16).trimStart();
    if (head !== '' || bytes.length <= 8194) return head.slice(0, 1);
    return iconv.decode(bytes.subarray(2), utf16).trimStart().slice(0, 1);
  }
  const start = hasUtf8Bom(bytes) ? 3 : 0;
  for (let i = start; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (!WHITESPACE.has(b)) return String.fromCharCode(b);
  }
  return '';
}

function hasUtf8Bom(bytes: Buffer): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** Excel's "Unicode text" export is UTF-16LE with a BOM. */
function utf16Of(bytes: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Reading rows

/**
 * Rows of text cells of the chosen sheet (default: the first visible worksheet), fully empty rows skipped,
 * trailing empty cells trimmed. Cell text: ids and other text exactly as stored; integers as plain digits (never
 * an exponent or ".0"); dates as `YYYY-MM-DD HH:mm:ss` (the wall-clock time in the file, which for our sellers
 * is Asia/Seoul time — it is not shifted); rich text as its plain text; formulas as their cached result;
 * booleans 'true'/'false'.
 *
 * Refuses with FileRejected: EMPTY, HTML, LEGACY_XLS, TRUNCATED, NO_WORKBOOK, NO_SHEET (with the sheet names),
 * ENCRYPTED_NEEDS_PASSWORD, WRONG_PASSWORD, NOT_A_SPREADSHEET, TOO_MANY_ROWS (once more than `maxRows` +
 * HEADER_ALLOWANCE rows would be yielded) and TIMEOUT (`timeoutMs` counts the time spent inside the reader,
 * not the time the caller spends between rows).
 */
export async function* readRows(bytes: Buffer, options: ReadOptions): AsyncGenerator<SheetRow> {
  const deadline = new Deadline(options.timeoutMs);
  const limit = options.maxRows + HEADER_ALLOWANCE;
  let count = 0;
  try {
    for await (const row of rowsOf(bytes, options, deadline)) {
      count++;
      if (count > limit) throw new FileRejected('TOO_MANY_ROWS', { max: options.maxRows });
      yield row;
    }
  } finally {
    deadline.dispose();
  }
}

/** The workbook's sheet names in tab order (hidden ones included); [] for CSV. */
export async function sheetNames(bytes: Buffer, password?: string): Promise<string[]> {
  const kind = sniff(bytes);
  if (kind === 'csv') return [];
  const zipBytes = kind === 'encrypted' ? await decrypt(bytes, password) : bytes;
  if (kind !== 'xlsx' && kind !== 'encrypted') refuse(kind);
  return openBook(openZip(zipBytes)).sheets.map((s) => s.name);
}

async function* rowsOf(bytes: Buffer, options: ReadOptions, deadline: Deadline): AsyncGenerator<SheetRow> {
  const kind = sniff(bytes);
  switch (kind) {
    case 'xlsx':
      yield* xlsxRows(bytes, options, deadline);
      return;
    case 'encrypted': {
      const plain = await deadline.wait(decrypt(bytes, options.password));
      yield* xlsxRows(plain, options, deadline);
      return;
    }
    case 'csv':
      yield* csvRows(bytes, deadline);
      return;
    default:
      refuse(kind);
  }
}

function refuse(kind: 'xls' | 'html' | 'empty'): never {
  switch (kind) {
    case 'xls':
      throw new FileRejected('LEGACY_XLS');
    case 'html':
      throw new FileRejected('HTML');
    case 'empty':
      throw new FileRejected('EMPTY');
  }
}

async function decrypt(bytes: Buffer, password: string | undefined): Promise<Buffer> {
  if (!password) throw new FileRejected('ENCRYPTED_NEEDS_PASSWORD');
  let plain: Buffer;
  try {
    plain = await officeCrypto.decrypt(bytes, { password });
  } catch (error) {
    if (/password is incorrect/i.test(messageOf(error))) throw new FileRejected('WRONG_PASSWORD');
    throw new FileRejected('NOT_A_SPREADSHEET', { reason: `cannot decrypt: ${messageOf(error)}` });
  }
  if (plain.length < 4 || plain.readUInt32LE(0) !== ZIP_LOCAL) {
    throw new FileRejected('NOT_A_SPREADSHEET', { reason: 'the decrypted file is not an xlsx' });
  }
  return plain;
}

// ---------------------------------------------------------------------------------------------------------
// Deadline: races each step of the reader; a hung stream becomes FileRejected('TIMEOUT').

class Deadline {
  private spent = 0;
  private waitingSince: number | undefined;
  private abort: ((error: Error) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private expired = false;
  private failure: Error | undefined;

  constructor(private readonly limitMs: number) {}

  /** Waits for one step of the reader, failing with TIMEOUT once the reader's time is used up. */
  async wait<T>(step: Promise<T>): Promise<T> {
    if (this.failure || this.expired || this.spent >= this.limitMs) {
      step.catch(() => {});
      throw this.failure ?? this.error();
    }
    // One timer for many steps, holding the process open only while a step is under way: a generator the
    // caller abandons between rows keeps nothing alive (ref/unref is ~20x cheaper than a timer per row).
    if (this.timer === undefined) this.arm(this.limitMs - this.spent);
    else this.timer.ref();
    const since = performance.now();
    this.waitingSince = since;
    try {
      return await new Promise<T>((resolve, reject) => {
        this.abort = reject;
        step.then(resolve, reject);
      });
    } finally {
      this.spent += performance.now() - since;
      this.waitingSince = undefined;
      this.abort = undefined;
      this.timer?.unref();
    }
  }

  /** Fails the step under way (or the next one) with this error. */
  fail(error: Error): void {
    if (this.abort) this.abort(error);
    else this.failure ??= error;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => this.check(), Math.max(1, ms));
  }

  private check(): void {
    this.timer = undefined;
    if (this.waitingSince === undefined) return;
    const used = this.spent + (performance.now() - this.waitingSince);
    if (used >= this.limitMs) {
      this.expired = true;
      this.abort?.(this.error());
    } else {
      this.arm(this.limitMs - used);
    }
  }

  private error(): FileRejected {
    return new FileRejected('TIMEOUT', { ms: this.limitMs });
  }
}

// ---------------------------------------------------------------------------------------------------------
// xlsx

async function* xlsxRows(bytes: Buffer, options: ReadOptions, deadline: Deadline): AsyncGenerator<SheetRow> {
  const zip = openZip(bytes);
  const book = openBook(zip);
  const sheet = pickSheet(book, options.sheet);
  // exceljs pipes this into its unzipper, whose errors (a corrupt deflate stream) nobody awaits: the reader
  // would hang. We listen for them ourselves and fail at once instead of waiting for the deadline.
  const source = new Feed(repack(zip, book, sheet), (error) => deadline.fail(unreadableError(error)));
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(source, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    // Needed to tell a date from a number: exceljs turns numbers with a date format into Dates.
    styles: 'cache',
    worksheets: 'emit',
    entries: 'ignore',
  });
  const sheets = reader[Symbol.asyncIterator]();
  let rowNumber = 0;
  try {
    const first = await deadline.wait(sheets.next()).catch(unreadable);
    if (first.done)
      throw new FileRejected('NOT_A_SPREADSHEET', { reason: 'the worksheet could not be read' });
    const rows = first.value[Symbol.asyncIterator]();
    for (;;) {
      const next = await deadline.wait(rows.next()).catch(unreadable);
      if (next.done) break;
      const row = next.value;
      rowNumber = Number.isFinite(row.number) && row.number > 0 ? row.number : rowNumber + 1;
      const cells = rowCells(row, book.date1904);
      if (cells) yield { row: rowNumber, cells };
    }
  } finally {
    // Never awaited: after a TIMEOUT the reader's generators are stuck mid-step and would never answer.
    source.destroy();
    sheets.return(undefined).catch(() => {});
  }
}

function unreadable(error: unknown): never {
  throw unreadableError(error);
}

function unreadableError(error: unknown): FileRejected {
  if (error instanceof FileRejected) return error;
  return new FileRejected('NOT_A_SPREADSHEET', { reason: messageOf(error) });
}

/** The re-packed zip in 64 KiB chunks; reports errors of the stream it is piped into. */
class Feed extends Readable {
  private part = 0;
  private offset = 0;

  constructor(
    private readonly parts: Buffer[],
    private readonly onSinkError: (error: unknown) => void,
  ) {
    super();
  }

  override _read(): void {
    let part = this.parts[this.part];
    while (part?.length === 0) part = this.parts[++this.part];
    if (!part) {
      this.push(null);
      return;
    }
    const end = Math.min(part.length, this.offset + 64 * 1024);
    const chunk = part.subarray(this.offset, end);
    this.offset = end;
    if (end >= part.length) {
      this.part++;
      this.offset = 0;
    }
    this.push(chunk);
  }

  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    destination.on('error', this.onSinkError);
    return super.pipe(destination, options);
  }
}

function rowCells(row: ExcelJS.Row, date1904: boolean): string[] | null {
  const cells: string[] = [];
  let filled = false;
  row.eachCell({ includeEmpty: false }, (cell, col) => {
    const text = cellText(cell.value, cell.numFmt, date1904);
    if (text === '') return;
    while (cells.length < col - 1) cells.push('');
    cells[col - 1] = text;
    if (text.trim() !== '') filled = true;
  });
  return filled ? cells : null;
}

/** One cell as text. Exported for tests. */
export function cellText(value: unknown, numFmt: string | undefined, date1904: boolean): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return unescapeOoxml(value);
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return dateText(value);
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) {
      return unescapeOoxml(
        v.richText.map((run: { text?: unknown }) => (typeof run.text === 'string' ? run.text : '')).join(''),
      );
    }
    if ('formula' in v || 'sharedFormula' in v) {
      const result = v.result;
      // exceljs leaves formula results with a date format as serial numbers.
      if (typeof result === 'number' && isDateFormat(numFmt)) return dateText(serialToDate(result, date1904));
      if (result !== null && typeof result === 'object' && 'error' in result) return String(result.error);
      return cellText(result, numFmt, date1904);
    }
    if ('error' in v) return String(v.error);
    if ('text' in v) return cellText(v.text, numFmt, date1904);
  }
  return String(value);
}

/** Integers as digits without exponent or ".0". The shortest round-trip digits are what the file holds. */
export function numberText(n: number): string {
  if (!Number.isFinite(n)) return '';
  const s = String(n);
  if (!s.includes('e')) return s;
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = m;
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function serialToDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}

/** exceljs builds Dates from the serial as if it were UTC: the UTC fields are the wall-clock time in the file. */
function dateText(date: Date): string {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) return '';
  const d = new Date(Math.round(ms / 1000) * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return (
    `${String(d.getUTCFullYear()).padStart(4, '0')}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`
  );
}

/** exceljs's own test (utils.isDateFmt). */
function isDateFormat(fmt: string | undefined): boolean {
  if (!fmt) return false;
  return /[ymdhMsb]/.test(fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

/** OOXML escapes characters XML cannot hold as `_xHHHH_` (Excel writes line breaks in cells as `_x000D_`). */
function unescapeOoxml(s: string): string {
  if (!s.includes('_x')) return s;
  return s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

// ---------------------------------------------------------------------------------------------------------
// The zip, the workbook and its sheets

interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  time: number;
  date: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  dataStart: number;
}

interface Zip {
  bytes: Buffer;
  /** By lower-cased name: part names are case-insensitive. */
  entries: Map<string, ZipEntry>;
}

function findEndRecord(bytes: Buffer): number {
  const stop = Math.max(0, bytes.length - EOCD_SEARCH);
  for (let i = bytes.length - 22; i >= stop; i--) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes.readUInt32LE(i) === ZIP_END) return i;
  }
  return -1;
}

function openZip(bytes: Buffer): Zip {
  const end = findEndRecord(bytes);
  if (end < 0) throw new FileRejected('TRUNCATED');
  let count = bytes.readUInt16LE(end + 10);
  let cdSize = bytes.readUInt32LE(end + 12);
  let cdOffset = bytes.readUInt32LE(end + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locator = end - 20;
    if (locator < 0 || bytes.readUInt32LE(locator) !== ZIP64_LOCATOR) throw new FileRejected('TRUNCATED');
    const record = Number(bytes.readBigUInt64LE(locator + 8));
    if (record + 56 > bytes.length || bytes.readUInt32LE(record) !== ZIP64_END)
      throw new FileRejected('TRUNCATED');
    count = Number(bytes.readBigUInt64LE(record + 32));
    cdSize = Number(bytes.readBigUInt64LE(record + 40));
    cdOffset = Number(bytes.readBigUInt64LE(record + 48));
  }
  if (cdOffset + cdSize > bytes.length) throw new FileRejected('TRUNCATED');
  const entries = new Map<string, ZipEntry>();
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > bytes.length || bytes.readUInt32LE(p) !== ZIP_CENTRAL) throw new FileRejected('TRUNCATED');
    const nameLength = bytes.readUInt16LE(p + 28);
    const extraLength = bytes.readUInt16LE(p + 30);
    const commentLength = bytes.readUInt16LE(p + 32);
    let compressedSize = bytes.readUInt32LE(p + 20);
    let uncompressedSize = bytes.readUInt32LE(p + 24);
    let localOffset = bytes.readUInt32LE(p + 42);
    const name = bytes.toString('utf8', p + 46, p + 46 + nameLength).replace(/\\/g, '/');
    if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || localOffset === 0xffffffff) {
      const zip64 = zip64Extra(bytes.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength));
      if (uncompressedSize === 0xffffffff) uncompressedSize = zip64.shift() ?? uncompressedSize;
      if (compressedSize === 0xffffffff) compressedSize = zip64.shift() ?? compressedSize;
      if (localOffset === 0xffffffff) localOffset = zip64.shift() ?? localOffset;
    }
    if (localOffset + 30 > bytes.length || bytes.readUInt32LE(localOffset) !== ZIP_LOCAL) {
      throw new FileRejected('TRUNCATED');
    }
    const dataStart =
      localOffset + 30 + bytes.readUInt16LE(localOffset + 26) + bytes.readUInt16LE(localOffset + 28);
    if (dataStart + compressedSize > bytes.length) throw new FileRejected('TRUNCATED');
    entries.set(name.toLowerCase(), {
      name,
      flags: bytes.readUInt16LE(p + 8),
      method: bytes.readUInt16LE(p + 10),
      time: bytes.readUInt16LE(p + 12),
      date: bytes.readUInt16LE(p + 14),
      crc: bytes.readUInt32LE(p + 16),
      compressedSize,
      uncompressedSize,
      dataStart,
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return { bytes, entries };
}

function zip64Extra(extra: Buffer): number[] {
  for (let i = 0; i + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(i);
    const size = extra.readUInt16LE(i + 2);
    if (id === 0x0001) {
      const values: number[] = [];
      for (let j = i + 4; j + 8 <= i + 4 + size && j + 8 <= extra.length; j += 8) {
        values.push(Number(extra.readBigUInt64LE(j)));
      }
      return values;
    }
    i += 4 + size;
  }
  return [];
}

/** The inflated content of a small part (workbook, relationships). */
function partText(zip: Zip, entry: ZipEntry): string {
  const data = zip.bytes.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
  try {
    if (entry.method === 0) return data.toString('utf8');
    if (entry.method === 8)
      return zlib.inflateRawSync(data, { maxOutputLength: 32 * 1024 * 1024 }).toString('utf8');
  } catch (error) {
    throw new FileRejected('NOT_A_SPREADSHEET', { reason: `${entry.name}: ${messageOf(error)}` });
  }
  throw new FileRejected('NOT_A_SPREADSHEET', {
    reason: `${entry.name}: compression method ${entry.method}`,
  });
}

interface SheetInfo {
  name: string;
  hidden: boolean;
  worksheet: boolean;
  part: string | undefined;
}

interface Book {
  sheets: SheetInfo[];
  date1904: boolean;
  sharedStrings: ZipEntry | undefined;
  styles: ZipEntry | undefined;
}

function openBook(zip: Zip): Book {
  const rootRels = zip.entries.get('_rels/.rels');
  const officeDocument = rootRels
    ? relationships(partText(zip, rootRels), '').find((r) => r.type.endsWith('/officeDocument'))?.target
    : undefined;
  const workbookPath = [officeDocument, 'xl/workbook.xml'].find((p) => p && zip.entries.has(p.toLowerCase()));
  if (!workbookPath) throw new FileRejected('NO_WORKBOOK');
  const workbookXml = partText(zip, zip.entries.get(workbookPath.toLowerCase())!);
  const dir = workbookPath.slice(0, workbookPath.lastIndexOf('/') + 1);
  const relsEntry = zip.entries.get(`${dir}_rels/${workbookPath.slice(dir.length)}.rels`.toLowerCase());
  const rels = relsEntry ? relationships(partText(zip, relsEntry), dir) : [];
  const relById = new Map(rels.map((r) => [r.id, r]));

  const sheets = xmlElements(workbookXml, 'sheet').map((attrs, i): SheetInfo => {
    const idKey = Object.keys(attrs).find((k) => k === 'id' || k.endsWith(':id'));
    const rel = idKey ? relById.get(attrs[idKey]!) : undefined;
    return {
      name: attrs.name ?? `Sheet${i + 1}`,
      hidden: attrs.state === 'hidden' || attrs.state === 'veryHidden',
      worksheet: rel ? rel.type.endsWith('/worksheet') : true,
      part: rel ? rel.target : relsEntry ? undefined : `${dir}worksheets/sheet${i + 1}.xml`,
    };
  });
  if (sheets.length === 0) throw new FileRejected('NO_WORKBOOK');
  const workbookPr = xmlElements(workbookXml, 'workbookPr')[0];
  const partOf = (type: string, fallback: string) => {
    const target = rels.find((r) => r.type.endsWith(type))?.target ?? (relsEntry ? undefined : fallback);
    return target === undefined ? undefined : zip.entries.get(target.toLowerCase());
  };
  return {
    sheets,
    date1904: workbookPr?.date1904 === '1' || workbookPr?.date1904 === 'true',
    sharedStrings: partOf('/sharedStrings', `${dir}sharedStrings.xml`),
    styles: partOf('/styles', `${dir}styles.xml`),
  };
}

function pickSheet(book: Book, wanted: string | number | undefined): SheetInfo {
  const { sheets } = book;
  let sheet: SheetInfo | undefined;
  if (wanted === undefined) {
    sheet = sheets.find((s) => s.worksheet && !s.hidden) ?? sheets.find((s) => s.worksheet) ?? sheets[0];
  } else if (typeof wanted === 'number') {
    sheet = Number.isInteger(wanted) ? sheets[wanted - 1] : undefined;
  } else {
    const loose = (s: string) => s.normalize('NFC').trim().toLowerCase();
    sheet = sheets.find((s) => s.name === wanted) ?? sheets.find((s) => loose(s.name) === loose(wanted));
  }
  if (!sheet) {
    throw new FileRejected('NO_SHEET', { sheet: wanted ?? '', sheets: sheets.map((s) => s.name).join(', ') });
  }
  return sheet;
}

interface Relationship {
  id: string;
  type: string;
  /** The part's name in the zip, resolved against the source part's folder. */
  target: string;
}

function relationships(xml: string, dir: string): Relationship[] {
  return xmlElements(xml, 'Relationship')
    .filter((a) => a.TargetMode !== 'External' && a.Id !== undefined && a.Target !== undefined)
    .map((a) => ({ id: a.Id!, type: a.Type ?? '', target: resolvePart(dir, a.Target!) }));
}

function resolvePart(dir: string, target: string): string {
  const path = target.startsWith('/') ? target.slice(1) : dir + target;
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '..') out.pop();
    else if (segment !== '.' && segment !== '') out.push(segment);
  }
  return out.join('/');
}

/** Attributes of every `<name …>` element, with or without a namespace prefix. Enough for these small parts. */
function xmlElements(xml: string, name: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  const element = new RegExp(`<(?:[\\w.-]+:)?${name}(?=[\\s/>])([^>]*)>`, 'g');
  for (const m of xml.matchAll(element)) {
    const attrs: Record<string, string> = {};
    for (const a of (m[1] ?? '').matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      attrs[a[1]!] = xmlDecode(a[2] ?? a[3] ?? '');
    }
    found.push(attrs);
  }
  return found;
}

function xmlDecode(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_, e: string) => {
    if (e[0] === '#')
      return String.fromCodePoint(
        Number.parseInt(e[1] === 'x' ? e.slice(2) : e.slice(1), e[1] === 'x' ? 16 : 10),
      );
    return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[e] ?? _;
  });
}

// Re-packing: exceljs's reader parses what arrives in the zip's order, and only `xl/workbook.xml`,
// `xl/sharedStrings.xml`, `xl/styles.xml` and `xl/worksheets/sheetN.xml` by those names.

const SYNTHETIC_RELS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" ' +
  'Target="worksheets/sheet1.xml"/></Relationships>';

function syntheticWorkbook(date1904: boolean): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
    `<workbookPr${date1904 ? ' date1904="1"' : ''}/>` +
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
  );
}

const EMPTY_SHARED_STRINGS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>';

function repack(zip: Zip, book: Book, sheet: SheetInfo): Buffer[] {
  const part = sheet.part === undefined ? undefined : zip.entries.get(sheet.part.toLowerCase());
  if (!part)
    throw new FileRejected('NOT_A_SPREADSHEET', { reason: `the part of sheet "${sheet.name}" is missing` });
  const parts: Buffer[] = [
    ...storedEntry('xl/_rels/workbook.xml.rels', SYNTHETIC_RELS),
    ...storedEntry('xl/workbook.xml', syntheticWorkbook(book.date1904)),
  ];
  if (book.styles) parts.push(...copiedEntry(zip, book.styles, 'xl/styles.xml'));
  // Without shared strings exceljs would spill the sheet to a temp file and parse it at the end.
  parts.push(
    ...(book.sharedStrings
      ? copiedEntry(zip, book.sharedStrings, 'xl/sharedStrings.xml')
      : storedEntry('xl/sharedStrings.xml', EMPTY_SHARED_STRINGS)),
  );
  parts.push(...copiedEntry(zip, part, 'xl/worksheets/sheet1.xml'));
  // An end record with no central directory: exceljs's unzipper reads local entries and stops here.
  const end = Buffer.alloc(22);
  end.writeUInt32LE(ZIP_END, 0);
  parts.push(end);
  return parts;
}

function localHeader(name: string, e: Omit<ZipEntry, 'name' | 'dataStart' | 'flags'>): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const h = Buffer.alloc(30);
  h.writeUInt32LE(ZIP_LOCAL, 0);
  h.writeUInt16LE(20, 4);
  // No data descriptor (bit 3), no encryption: sizes and CRC are in this header.
  h.writeUInt16LE(0, 6);
  h.writeUInt16LE(e.method, 8);
  h.writeUInt16LE(e.time, 10);
  h.writeUInt16LE(e.date, 12);
  h.writeUInt32LE(e.crc >>> 0, 14);
  h.writeUInt32LE(e.compressedSize, 18);
  h.writeUInt32LE(e.uncompressedSize, 22);
  h.writeUInt16LE(nameBytes.length, 26);
  h.writeUInt16LE(0, 28);
  return Buffer.concat([h, nameBytes]);
}

function copiedEntry(zip: Zip, entry: ZipEntry, name: string): Buffer[] {
  if (entry.flags & 0x1)
    throw new FileRejected('NOT_A_SPREADSHEET', { reason: `${entry.name} is zip-encrypted` });
  if (entry.compressedSize > 0xffffffff || entry.uncompressedSize > 0xffffffff) {
    throw new FileRejected('NOT_A_SPREADSHEET', { reason: `${entry.name} is too large` });
  }
  const data = zip.bytes.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
  return [localHeader(name, entry), data];
}

function storedEntry(name: string, text: string): Buffer[] {
  const data = Buffer.from(text, 'utf8');
  const size = data.length;
  return [
    localHeader(name, {
      method: 0,
      time: 0,
      date: 0x21,
      crc: crc32(data),
      compressedSize: size,
      uncompressedSize: size,
    }),
    data,
  ];
}

let crcTable: Uint32Array | undefined;

function crc32(data: Buffer): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of data) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// ---------------------------------------------------------------------------------------------------------
// CSV / TSV

async function* csvRows(bytes: Buffer, deadline: Deadline): AsyncGenerator<SheetRow> {
  const text = decodeText(bytes);
  if (text.slice(0, 65536).includes('\u0000')) {
    throw new FileRejected('NOT_A_SPREADSHEET', { reason: 'binary content' });
  }
  const firstLine = text.slice(0, text.search(/\r|\n|$/));
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  const parser = Readable.from(textChunks(text)).pipe(
    parseCsv({
      delimiter,
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: false,
    }),
  );
  const records = parser[Symbol.asyncIterator]() as AsyncIterator<string[]>;
  let row = 0;
  try {
    for (;;) {
      const next = await deadline.wait(records.next()).catch(csvError);
      if (next.done) break;
      row++;
      const cells = next.value;
      while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
      if (cells.some((c) => c.trim() !== '')) yield { row, cells };
    }
  } finally {
    parser.destroy();
  }
}

function csvError(error: unknown): never {
  if (error instanceof FileRejected) throw error;
  const e = error as { code?: unknown; lines?: unknown };
  throw new FileRejected('NOT_A_SPREADSHEET', {
    reason: typeof e.code === 'string' ? e.code : messageOf(error),
    ...(typeof e.lines === 'number' ? { line: e.lines } : {}),
  });
}

function* textChunks(text: string): Generator<string> {
  const size = 64 * 1024;
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

/** UTF-16 with a BOM; UTF-8 with or without a BOM; otherwise CP949 (a superset of EUC-KR). */
function decodeText(bytes: Buffer): string {
  const utf16 = utf16Of(bytes);
  if (utf16) return iconv.decode(bytes.subarray(2), utf16);
  if (hasUtf8Bom(bytes)) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return iconv.decode(bytes, 'cp949');
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
