// R13/R14 exports through the real `exportOrders` generator, read back with another library (SheetJS) and
// a CSV parser: headers in the user's language and column settings, personal data in full, ids, phones
// and zips as text, formula-looking text neutralised, numbers kept as numbers, the audit entry.
import { randomBytes } from 'node:crypto';
import { PassThrough, Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import type { ColumnSetting, OrderRow } from '../../src/domain/ports.js';
import { exportOrders, saveColumnSettings } from '../../src/domain/services/queries.js';
import { kstText, neutralise, writeOrdersCsv, writeOrdersXlsx } from '../../src/excel/export.js';
import type { Locale } from '../../src/i18n/catalog.js';
import { auditOf, fixedClock, openTestDatabase } from '../domain/helpers.js';
import { actor, addLines, freshDesk, line, seedCatalog } from '../support/desk.js';

beforeAll(openTestDatabase);

const me = actor('operator', 'slack:T1:UEXPORT');

/** Everything written to a stream, once it finishes. */
function collector() {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  return { out, bytes: () => Buffer.concat(chunks) };
}

/** The first sheet as rows of raw SheetJS cells (type and value), header first. */
function sheetOf(bytes: Buffer) {
  const book = XLSX.read(bytes, { type: 'buffer', cellStyles: true });
  const sheet = book.Sheets[book.SheetNames[0]!]!;
  const range = XLSX.utils.decode_range(sheet['!ref']!);
  const rows: { t: string; v: unknown }[][] = [];
  for (let r = range.s.r; r <= range.e.r; r++) {
    const row: { t: string; v: unknown }[] = [];
    for (let c = range.s.c; c <= range.e.c; c++) {
      const cell = sheet[XLSX.utils.encode_cell({ r, c })] as XLSX.CellObject | undefined;
      row.push(cell ? { t: cell.t, v: cell.v } : { t: 'z', v: undefined });
    }
    rows.push(row);
  }
  return { book, sheet, rows, values: rows.map((row) => row.map((cell) => cell.v ?? '')) };
}

const MY_COLUMNS: ColumnSetting[] = [
  { key: 'recipientName', width: 22, visible: true },
  { key: 'mallOrderNo', width: 24, visible: true },
  { key: 'zip', width: 8, visible: true },
  { key: 'recipientPhone', width: 16, visible: true },
  { key: 'address', width: 40, visible: true },
  { key: 'deliveryMessage', width: 30, visible: true },
  { key: 'ordererName', width: 12, visible: true },
  { key: 'amountKrw', width: 12, visible: true },
  { key: 'quantity', width: 6, visible: true },
  { key: 'serial', width: 10, visible: true },
  { key: 'channel', width: 14, visible: true },
  { key: 'productCode', width: 12, visible: true },
  { key: 'productName', width: 30, visible: true },
  { key: 'badges', width: 14, visible: true },
  { key: 'stage', width: 14, visible: true },
  { key: 'orderedAt', width: 20, visible: true },
];
const HIDDEN = [
  'mallLineNo',
  'mallProductName',
  'mallOption',
  'unitPriceKrw',
  'ordererPhone',
  'kind',
  'source',
  'holdReason',
];
const SETTINGS: ColumnSetting[] = [
  ...MY_COLUMNS,
  ...HIDDEN.map((key) => ({ key, width: 10, visible: false })),
];

const HEADERS: Record<Locale, string[]> = {
  ko: [
    '수취인명',
    '쇼핑몰 주문번호',
    '우편번호',
    '수취인 연락처',
    '주소',
    '배송메시지',
    '주문자명',
    '금액 (원)',
    '수량',
    '주문일련번호',
    '판매채널',
    '상품코드',
    '상품명',
    '이슈',
    '단계',
    '주문일시',
  ],
  en: [
    'Recipient name',
    'Mall order no.',
    'Zip code',
    'Recipient phone',
    'Address',
    'Delivery message',
    'Orderer name',
    'Amount (KRW)',
    'Quantity',
    'Serial',
    'Sales channel',
    'Product code',
    'Product name',
    'Badges',
    'Stage',
    'Ordered at',
  ],
};

const MESSAGE = '문 앞에, "부재 시" 경비실\n맡겨 주세요';

/** Four orders with awkward text, exported by `me` with MY_COLUMNS saved. */
async function scenario() {
  const { desk } = await freshDesk({}, fixedClock);
  const f = await seedCatalog(desk);
  await saveColumnSettings(desk, me, SETTINGS);
  const { created } = await addLines(desk, [
    line(f.channelId, {
      mallOrderNo: '202611260012345678',
      recipientName: '=HYPERLINK("http://evil.example","x")',
      recipientPhone: '01098765432',
      address: '서울특별시 강남구 테헤란로 1, 101동 202호',
      zip: '06236',
      deliveryMessage: MESSAGE,
      quantity: 2,
      unitPriceKrw: 32000,
    }),
    line(f.channelId, { mallOrderNo: '202611260012345679', recipientName: '+82', ordererName: '@SUM(A1)' }),
    line(f.otherChannelId, { mallOrderNo: '9223372036854775807', recipientName: '-1' }),
    line(f.channelId, { mallOrderNo: '202611260012345681', recipientName: '@SUM' }),
  ]);
  return { desk, f, serials: created as [number, number, number, number] };
}

function exportOf(desk: Awaited<ReturnType<typeof scenario>>['desk'], format: 'xlsx' | 'csv', pageSize = 2) {
  return exportOrders(desk, me, { filter: {}, reason: '택배사 송장 등록', format }, pageSize);
}

describe('R13 xlsx export', () => {
  it.each(['ko', 'en'] as const)(
    'writes the header in %s, the saved columns in order and width, full personal data, text as text',
    async (locale) => {
      const { desk, serials } = await scenario();
      const { out, bytes } = collector();

      const result = await writeOrdersXlsx(exportOf(desk, 'xlsx'), out, locale);

      expect(result).toEqual({ rows: 4 });
      const { sheet, rows, values } = sheetOf(bytes());
      expect(values[0]).toEqual(HEADERS[locale]);
      expect((sheet['!cols'] ?? []).map((c) => c.width)).toEqual(MY_COLUMNS.map((c) => c.width));
      expect(values).toHaveLength(5);
      // newest serial first, as exportOrders yields them
      expect(values.slice(1).map((r) => r[9])).toEqual([...serials].reverse());
      const first = rows[4]!;
      const col = (key: string) => first[MY_COLUMNS.findIndex((c) => c.key === key)]!;
      expect(col('recipientName')).toEqual({ t: 's', v: `'=HYPERLINK("http://evil.example","x")` });
      expect(col('mallOrderNo')).toEqual({ t: 's', v: '202611260012345678' });
      expect(col('zip')).toEqual({ t: 's', v: '06236' });
      expect(col('recipientPhone')).toEqual({ t: 's', v: '010-9876-5432' });
      expect(col('address')).toEqual({ t: 's', v: '서울특별시 강남구 테헤란로 1, 101동 202호' });
      expect(col('deliveryMessage')).toEqual({ t: 's', v: MESSAGE });
      expect(col('ordererName')).toEqual({ t: 's', v: '김민수' });
      expect(col('amountKrw')).toEqual({ t: 'n', v: 64000 });
      expect(col('quantity')).toEqual({ t: 'n', v: 2 });
      expect(col('serial')).toEqual({ t: 'n', v: serials[0] });
      expect(col('channel')).toEqual({ t: 's', v: '스마트스토어' });
      expect(col('productCode')).toEqual({ t: 's', v: 'A-001' });
      expect(col('productName')).toEqual({ t: 's', v: '유기농 현미 5kg' });
      expect(col('badges')).toEqual({ t: 's', v: 'excel' });
      expect(col('stage')).toEqual({ t: 's', v: locale === 'ko' ? '주문(발주)관리' : 'intake' });
      expect(col('orderedAt')).toEqual({ t: 's', v: '2026-11-26 12:00:00' });

      const names = values.slice(1).map((r) => r[0]);
      expect(names).toEqual(["'@SUM", "'-1", "'+82", `'=HYPERLINK("http://evil.example","x")`]);
      expect(values[2]![1]).toBe('9223372036854775807');
      expect(values[3]![6]).toBe("'@SUM(A1)");
      // hidden columns are not exported at all
      const hiddenLabels = [
        '옵션',
        'Option',
        '판매가 (원)',
        'Unit price (KRW)',
        '주문자 연락처',
        'Orderer phone',
      ];
      for (const label of hiddenLabels) expect(values[0]).not.toContain(label);
    },
  );

  it('records the export with its reason and row count, once', async () => {
    const { desk } = await scenario();
    const { out } = collector();

    await writeOrdersXlsx(exportOf(desk, 'xlsx'), out, 'ko');

    const entries = await auditOf(desk, { action: 'export' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: me.id,
      reason: '택배사 송장 등록',
      detail: { filter: {}, rows: 4, format: 'xlsx' },
    });
  });

  it('an export with no orders still has the header when the columns are given', async () => {
    const { desk } = await freshDesk({}, fixedClock);
    await saveColumnSettings(desk, me, SETTINGS);
    const { out, bytes } = collector();

    const result = await writeOrdersXlsx(exportOf(desk, 'xlsx'), out, 'en', { columns: SETTINGS });

    expect(result).toEqual({ rows: 0 });
    expect(sheetOf(bytes()).values).toEqual([HEADERS.en]);
    expect((await auditOf(desk, { action: 'export' }))[0]!.detail).toMatchObject({ rows: 0 });
  });

  it('an export with no orders has the header from the saved settings without being told the columns', async () => {
    const { desk } = await freshDesk({}, fixedClock);
    await saveColumnSettings(desk, me, SETTINGS);
    const { out, bytes } = collector();

    const result = await writeOrdersXlsx(exportOf(desk, 'xlsx'), out, 'en');

    expect(result).toEqual({ rows: 0 });
    expect(sheetOf(bytes()).values).toEqual([HEADERS.en]);
  });
});

describe('R13 CSV export', () => {
  it('starts with the UTF-8 BOM, quotes commas, quotes and newlines, neutralises formulas', async () => {
    const { desk, serials } = await scenario();
    const { out, bytes } = collector();

    const result = await writeOrdersCsv(exportOf(desk, 'csv'), out, 'ko');

    expect(result).toEqual({ rows: 4 });
    const raw = bytes();
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = raw.subarray(3).toString('utf8');
    expect(text).toContain('"문 앞에, ""부재 시"" 경비실\n맡겨 주세요"');
    expect(text).toContain('"서울특별시 강남구 테헤란로 1, 101동 202호"');
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(text.split('\r\n')[0]).toBe(HEADERS.ko.join(','));
    expect(text.endsWith('\r\n')).toBe(true);

    const records = parse(text, { bom: true, relax_column_count: false }) as string[][];
    expect(records[0]).toEqual(HEADERS.ko);
    expect(records).toHaveLength(5);
    const last = records[4]!;
    expect(last.slice(0, 10)).toEqual([
      `'=HYPERLINK("http://evil.example","x")`,
      '202611260012345678',
      '06236',
      '010-9876-5432',
      '서울특별시 강남구 테헤란로 1, 101동 202호',
      MESSAGE,
      '김민수',
      '64000',
      '2',
      String(serials[0]),
    ]);
    expect(records.slice(1).map((r) => r[0])).toEqual([
      "'@SUM",
      "'-1",
      "'+82",
      `'=HYPERLINK("http://evil.example","x")`,
    ]);
    expect(records[2]![1]).toBe('9223372036854775807');
    expect(records[3]![6]).toBe("'@SUM(A1)");

    const [entry] = await auditOf(desk, { action: 'export' });
    expect(entry).toMatchObject({ reason: '택배사 송장 등록', detail: { rows: 4, format: 'csv' } });
  });
});

/** One synthetic order (for values intake would refuse or trim: negative amounts, leading tabs). */
function order(over: Partial<OrderRow>): OrderRow {
  return {
    serial: 1001,
    channelId: 1,
    channelName: '스마트스토어',
    mallOrderNo: '202611260000000001',
    mallLineNo: '1',
    mallProductCode: 'P-1',
    mallOption: '',
    mallProductName: '현미',
    productId: 1,
    productCode: 'A-001',
    productName: '현미',
    quantity: 1,
    unitPriceKrw: 1000,
    amountKrw: 1000,
    ordererName: '김민수',
    ordererPhone: '010-1234-5678',
    recipientName: '이영희',
    recipientPhone: '010-1234-5678',
    address: '서울',
    zip: '06236',
    deliveryMessage: '',
    stage: 'closed',
    closedStatus: 'cancelled',
    source: 'api',
    badges: ['collected', 'cancel'],
    kind: 'B2C',
    giftParentSerial: null,
    holdReason: null,
    deleteReason: null,
    deletedAt: null,
    locallyEdited: false,
    wmsRegisteredAt: null,
    orderedAt: new Date('2026-12-31T15:30:05Z'),
    csCount: 0,
    version: 1,
    updatedBy: 'test',
    updatedAt: new Date(),
    isDemo: false,
    ...over,
  };
}

const COLUMNS: ColumnSetting[] = [
  { key: 'recipientName', width: 10, visible: true },
  { key: 'deliveryMessage', width: 10, visible: true },
  { key: 'amountKrw', width: 10, visible: true },
  { key: 'badges', width: 10, visible: true },
  { key: 'stage', width: 10, visible: true },
  { key: 'orderedAt', width: 10, visible: true },
];

async function* batchesOf(...rows: OrderRow[][]) {
  for (const r of rows) yield { columns: COLUMNS, rows: r };
}

describe('export cells', () => {
  it('neutralises text starting with = + - @ tab or CR, and only those', () => {
    expect(['=1+1', '+1', '-1', '@A', '\tx', '\rx', 'a=1', '0-1', '', ' =1'].map(neutralise)).toEqual([
      "'=1+1",
      "'+1",
      "'-1",
      "'@A",
      "'\tx",
      "'\rx",
      'a=1',
      '0-1',
      '',
      ' =1',
    ]);
  });

  it('writes dates in Korean time', () => {
    expect(kstText(new Date('2026-12-31T15:30:05Z'))).toBe('2027-01-01 00:30:05');
  });

  it('keeps a negative amount a number and neutralises tab- and CR-led text (xlsx and CSV)', async () => {
    const rows = [
      order({ amountKrw: -1000, recipientName: '\t=cmd', deliveryMessage: '\r=1' }),
      order({ serial: 1002, amountKrw: 0, recipientName: '-', deliveryMessage: '-3000' }),
    ];
    const xlsx = collector();
    await writeOrdersXlsx(batchesOf(rows), xlsx.out, 'en');
    const { rows: cells } = sheetOf(xlsx.bytes());
    expect(cells[1]!.slice(0, 3)).toEqual([
      { t: 's', v: "'\t=cmd" },
      { t: 's', v: "'\r=1" },
      { t: 'n', v: -1000 },
    ]);
    expect(cells[1]!.slice(3).map((c) => c.v)).toEqual([
      'collected, cancel',
      'closed (cancelled)',
      '2027-01-01 00:30:05',
    ]);
    expect(cells[2]!.slice(0, 3)).toEqual([
      { t: 's', v: "'-" },
      { t: 's', v: "'-3000" },
      { t: 'n', v: 0 },
    ]);

    const csv = collector();
    await writeOrdersCsv(batchesOf(rows), csv.out, 'ko');
    const text = csv.bytes().toString('utf8');
    expect(text.split('\r\n').slice(1, 2)).toEqual([
      `'\t=cmd,"'\r=1",-1000,"collected, cancel",종결 (취소),2027-01-01 00:30:05`,
    ]);
    expect(parse(text, { bom: true })[2]).toEqual([
      "'-",
      "'-3000",
      '0',
      'collected, cancel',
      '종결 (취소)',
      '2027-01-01 00:30:05',
    ]);
  });

  it('waits for a slow output and still writes every row', async () => {
    const many = Array.from({ length: 3000 }, (_, i) => order({ serial: 5000 - i }));
    let pulled = 0;
    async function* counted() {
      for (let i = 0; i < many.length; i += 500) {
        pulled++;
        yield { columns: COLUMNS, rows: many.slice(i, i + 500) };
      }
    }
    for (const write of [writeOrdersXlsx, writeOrdersCsv]) {
      pulled = 0;
      const chunks: Buffer[] = [];
      let maxBuffered = 0;
      const out = new Writable({
        highWaterMark: 1024,
        write(chunk: Buffer, _encoding, callback) {
          chunks.push(Buffer.from(chunk));
          maxBuffered = Math.max(maxBuffered, out.writableLength);
          setTimeout(callback, 1);
        },
      });
      const result = await write(counted(), out, 'ko');
      expect(result).toEqual({ rows: 3000 });
      expect(pulled).toBe(6);
      // the writer never piles more than about one chunk into the output
      expect(maxBuffered).toBeLessThan(1.5 * 2 ** 20);
      const bytes = Buffer.concat(chunks);
      const count =
        write === writeOrdersXlsx ? sheetOf(bytes).values.length : parse(bytes, { bom: true }).length;
      expect(count).toBe(3001);
    }
  });

  it('a stalled output stalls the export: orders are not read ahead into memory', async () => {
    for (const write of [writeOrdersXlsx, writeOrdersCsv]) {
      let pulled = 0;
      async function* many() {
        for (let i = 0; i < 24; i++) {
          pulled++;
          yield {
            columns: COLUMNS,
            rows: Array.from({ length: 1000 }, (_, j) =>
              // hardly compressible, so the zip's buffers do not hide the backlog
              order({ serial: i * 1000 + j, deliveryMessage: randomBytes(300).toString('base64') }),
            ),
          };
        }
      }
      const chunks: Buffer[] = [];
      let stalled: (() => void) | null = null;
      let stall = true;
      const out = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          chunks.push(Buffer.from(chunk));
          if (stall) stalled = callback;
          else callback();
        },
      });

      const done = write(many(), out, 'ko');
      let seen = -1;
      for (let i = 0; i < 30 && pulled !== seen; i++) {
        seen = pulled;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      // It stopped reading: xlsx holds up to 1 MB of sheet XML before the zip (whose own buffers take
      // about 2 MB compressed), CSV one 1 MB chunk.
      expect(pulled).toBe(seen);
      expect(pulled).toBeLessThan(write === writeOrdersXlsx ? 16 : 3);

      stall = false;
      (stalled as (() => void) | null)?.();
      expect(await done).toEqual({ rows: 24_000 });
      expect(pulled).toBe(24);
      const bytes = Buffer.concat(chunks);
      const count =
        write === writeOrdersXlsx ? sheetOf(bytes).values.length : parse(bytes, { bom: true }).length;
      expect(count).toBe(24_001);
    }
  });

  it('a failing output rejects the export and stops reading orders', async () => {
    for (const write of [writeOrdersXlsx, writeOrdersCsv]) {
      let pulled = 0;
      let closed = false;
      async function* endless() {
        try {
          for (let i = 0; ; i++) {
            pulled++;
            yield {
              columns: COLUMNS,
              rows: Array.from({ length: 200 }, (_, j) => order({ serial: i * 200 + j })),
            };
          }
        } finally {
          closed = true;
        }
      }
      let written = 0;
      const out = new PassThrough();
      out.on('data', (chunk: Buffer) => {
        written += chunk.length;
        if (written > 5_000) out.destroy(new Error('client went away'));
      });

      await expect(write(endless(), out, 'ko')).rejects.toThrow('client went away');
      expect(closed).toBe(true);
      expect(pulled).toBeLessThan(50);
      expect(out.destroyed).toBe(true);
    }
  });

  it('a failing source rejects the export and leaves no complete-looking file', async () => {
    for (const write of [writeOrdersXlsx, writeOrdersCsv]) {
      async function* broken() {
        yield { columns: COLUMNS, rows: [order({})] };
        throw new Error('database went away');
      }
      const { out } = collector();
      await expect(write(broken(), out, 'ko')).rejects.toThrow('database went away');
      expect(out.destroyed).toBe(true);
      expect(out.writableFinished).toBe(false);
    }
  });
});
