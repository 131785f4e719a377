// Reading uploaded files by content: every file here is made by other software (SheetJS, officecrypto-tool,
// exceljs's writer, iconv-lite, or by hand as raw zip/XML), and every bad file gets its own FileRejected code.
import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import zlib from 'node:zlib';
import cfb from 'cfb';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import officeCrypto from 'officecrypto-tool';
import { beforeAll, describe, expect, it } from 'vitest';
import XLSX from 'xlsx';
import { cellText, HEADER_ALLOWANCE, numberText, readRows, sheetNames, sniff } from '../../src/excel/read.js';
import { FileRejected, type ReadOptions, type SheetRow } from '../../src/excel/types.js';

const OPTIONS: ReadOptions = { maxRows: 1000, timeoutMs: 10_000 };

async function rowsOf(bytes: Buffer, options: Partial<ReadOptions> = {}): Promise<SheetRow[]> {
  const rows: SheetRow[] = [];
  for await (const row of readRows(bytes, { ...OPTIONS, ...options })) rows.push(row);
  return rows;
}

async function rejection(bytes: Buffer, options: Partial<ReadOptions> = {}): Promise<FileRejected> {
  try {
    await rowsOf(bytes, options);
  } catch (error) {
    if (error instanceof FileRejected) return error;
    throw error;
  }
  throw new Error('expected FileRejected');
}

type Cell = string | number | boolean | XLSX.CellObject;

/** An xlsx as SheetJS writes it (compressed, like Excel's; SheetJS puts the sheets before workbook.xml). */
function sheetJs(sheets: Record<string, Cell[][]>, setup?: (wb: XLSX.WorkBook) => void): Buffer {
  const wb = XLSX.utils.book_new();
  for (const [name, aoa] of Object.entries(sheets))
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(aoa), name);
  setup?.(wb);
  return XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
}

/** A minimal zip writer: local headers, central directory, end record. */
function makeZip(entries: { name: string; data: Buffer | string; deflate?: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const raw = Buffer.from(entry.data);
    const data = entry.deflate === false ? raw : zlib.deflateRawSync(raw);
    const name = Buffer.from(entry.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(entry.deflate === false ? 0 : 8, 8);
    local.writeUInt32LE(zlib.crc32(raw), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    local.copy(central, 8, 6, 26);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const RELS_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** An xlsx written by hand, for cells and layouts SheetJS does not produce. */
function handmade(opts: {
  sheetXml: string;
  sharedStrings?: string[];
  date1904?: boolean;
  sheetPart?: string;
  sheetTarget?: string;
}): Buffer {
  const sheetPart = opts.sheetPart ?? 'xl/worksheets/sheet1.xml';
  const entries = [
    {
      name: '_rels/.rels',
      data: `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${RELS_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data:
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        `<Relationship Id="rId1" Type="${RELS_NS}/worksheet" Target="${opts.sheetTarget ?? 'worksheets/sheet1.xml'}"/>` +
        `<Relationship Id="rId2" Type="${RELS_NS}/styles" Target="styles.xml"/>` +
        `<Relationship Id="rId3" Type="${RELS_NS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    },
    {
      name: 'xl/workbook.xml',
      data: `<workbook ${NS} xmlns:r="${RELS_NS}"><workbookPr${opts.date1904 ? ' date1904="true"' : ''}/><sheets><sheet name="주문&amp;배송" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    },
    {
      name: 'xl/styles.xml',
      data:
        `<styleSheet ${NS}><fonts count="1"><font><sz val="11"/><name val="맑은 고딕"/></font></fonts>` +
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>' +
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
        '<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>',
    },
    {
      name: 'xl/sharedStrings.xml',
      data: `<sst ${NS}>${(opts.sharedStrings ?? []).map((s) => `<si>${s}</si>`).join('')}</sst>`,
    },
    { name: sheetPart, data: `<worksheet ${NS}><sheetData>${opts.sheetXml}</sheetData></worksheet>` },
  ];
  return makeZip(entries);
}

/** A SmartStore-style export: banner in row 1, headers in row 2, ids/phones/zip codes as text. */
const SMARTSTORE: Cell[][] = [
  ['상품주문정보 조회 (개인정보가 포함되어 있습니다)'],
  [
    '상품주문번호',
    '주문번호',
    '주문일시',
    '구매자명',
    '수취인명',
    '수취인연락처1',
    '우편번호',
    '통합배송지',
    '옵션정보',
    '수량',
  ],
  [
    '2024030112345678901',
    '2024030198765432',
    { t: 'n', v: 45352.4375, z: 'yyyy-mm-dd hh:mm:ss' },
    '홍길동',
    '김철수',
    '01012345678',
    '06236',
    '서울특별시 강남구 테헤란로 123, 4층 (역삼동)',
    '색상: 빨강 / 사이즈: L',
    2,
  ],
  [
    '2024030112345678902',
    '2024030198765433',
    { t: 'n', v: 45352.5, z: 'yyyy-mm-dd hh:mm:ss' },
    '이영희',
    '이영희',
    '010-9876-5432',
    '48058',
    '부산광역시 해운대구 센텀중앙로 55',
    '',
    1,
  ],
];

const SMARTSTORE_ROWS: SheetRow[] = [
  { row: 1, cells: ['상품주문정보 조회 (개인정보가 포함되어 있습니다)'] },
  {
    row: 2,
    cells: [
      '상품주문번호',
      '주문번호',
      '주문일시',
      '구매자명',
      '수취인명',
      '수취인연락처1',
      '우편번호',
      '통합배송지',
      '옵션정보',
      '수량',
    ],
  },
  {
    row: 3,
    cells: [
      '2024030112345678901',
      '2024030198765432',
      '2024-03-01 10:30:00',
      '홍길동',
      '김철수',
      '01012345678',
      '06236',
      '서울특별시 강남구 테헤란로 123, 4층 (역삼동)',
      '색상: 빨강 / 사이즈: L',
      '2',
    ],
  },
  {
    row: 4,
    cells: [
      '2024030112345678902',
      '2024030198765433',
      '2024-03-01 12:00:00',
      '이영희',
      '이영희',
      '010-9876-5432',
      '48058',
      '부산광역시 해운대구 센텀중앙로 55',
      '',
      '1',
    ],
  },
];

describe('sniff', () => {
  it('tells files apart by their bytes, not their names', () => {
    const xlsx = sheetJs({ S: [['a']] });
    expect(sniff(xlsx)).toBe('xlsx');
    expect(sniff(officeCrypto.encrypt(xlsx, { password: 'pw', type: 'standard' }))).toBe('encrypted');
    expect(sniff(XLSX.write(XLSX.read(xlsx), { type: 'buffer', bookType: 'biff8' }) as Buffer)).toBe('xls');
    expect(sniff(Buffer.from('\ufeff \r\n<html><table><tr><td>1</td></tr></table></html>'))).toBe('html');
    expect(sniff(Buffer.from('\ufeff<html></html>', 'utf16le'))).toBe('html');
    expect(sniff(Buffer.from('주문번호,수량\n1,2\n'))).toBe('csv');
    expect(sniff(Buffer.alloc(0))).toBe('empty');
    expect(sniff(Buffer.from(' \r\n\t \n'))).toBe('empty');
    expect(sniff(Buffer.from('\ufeff\n'))).toBe('empty');
  });

  it('refuses a zip without its end record as TRUNCATED', () => {
    const xlsx = sheetJs({ S: [['a']] });
    expect(() => sniff(xlsx.subarray(0, xlsx.length >> 1))).toThrow(
      expect.objectContaining({ code: 'TRUNCATED' }),
    );
  });
});

describe('readRows: xlsx', () => {
  it('reads an xlsx made by SheetJS: ids, phones and zip codes keep their text, dates are wall-clock', async () => {
    expect(await rowsOf(sheetJs({ 주문: SMARTSTORE }))).toEqual(SMARTSTORE_ROWS);
  });

  it('reads a numeric id without exponent and an integer without ".0"', async () => {
    const file = sheetJs({ S: [[123456789012345680, 3, 0.25, -42, 1.5e21, 1e-7]] });
    expect(await rowsOf(file)).toEqual([
      { row: 1, cells: ['123456789012345680', '3', '0.25', '-42', '1500000000000000000000', '0.0000001'] },
    ]);
  });

  it('reads rich text, escapes, inline strings, booleans, errors, formulas, dates and skips empty rows', async () => {
    const file = handmade({
      sharedStrings: [
        '<r><rPr><b/></rPr><t>홍</t></r><r><t xml:space="preserve">길동 </t></r>',
        '<t>서울_x000D_\n강남</t>',
        '<t>  </t>',
      ],
      sheetXml:
        '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c>' +
        '<c r="C2" t="inlineStr"><is><t>인라인</t></is></c><c r="D2" t="b"><v>1</v></c><c r="E2" t="b"><v>0</v></c>' +
        '<c r="F2" t="e"><v>#N/A</v></c><c r="G2" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="H2"><f>1+2</f><v>3</v></c>' +
        '<c r="I2"><v>1.23456789012345E+17</v></c><c r="J2"><v>7.0</v></c>' +
        '<c r="K2" s="1"><v>45352.5</v></c><c r="L2" s="1"><f>K2+1</f><v>45353.75</v></c>' +
        '<c r="M2"><f>1/0</f><v>#DIV/0!</v></c><c r="N2" s="1"/></row>' +
        '<row r="3"><c r="A3" s="1"/><c r="B3" t="s"><v>2</v></c></row>' +
        '<row r="5"><c r="C5"><v>06236</v></c></row>',
    });
    expect(await rowsOf(file)).toEqual([
      {
        row: 2,
        cells: [
          '홍길동 ',
          '서울\r\n강남',
          '인라인',
          'true',
          'false',
          '#N/A',
          'ab',
          '3',
          '123456789012345000',
          '7',
          '2024-03-01 12:00:00',
          '2024-03-02 18:00:00',
        ],
      },
      // A zip code typed as a number lost its zero in the file itself; padding is the importer's job.
      { row: 5, cells: ['', '', '6236'] },
    ]);
  });

  it('reads 1904-based dates, a sheet part with an unusual name, and an absolute relationship target', async () => {
    const file = handmade({
      date1904: true,
      sheetPart: 'xl/worksheets/orders.xml',
      sheetTarget: '/xl/worksheets/orders.xml',
      sheetXml: '<row r="1"><c r="A1" s="1"><v>43890.25</v></c></row>',
    });
    expect(await rowsOf(file)).toEqual([{ row: 1, cells: ['2024-03-01 06:00:00'] }]);
    expect(await sheetNames(file)).toEqual(['주문&배송']);
  });

  it('reads what exceljs streams out: shared strings, rich text, hyperlinks, data descriptors', async () => {
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: sink,
      useSharedStrings: true,
      useStyles: true,
    });
    const ws = wb.addWorksheet('배송');
    ws.addRow(['상품주문번호', '송장번호', '메모', '링크']).commit();
    const row = ws.addRow([
      '2024030112345678901',
      '600000123456',
      { richText: [{ text: '부재시 ', font: { bold: true } }, { text: '문 앞' }] },
      { text: '스토어', hyperlink: 'https://smartstore.naver.com/' },
      new Date(Date.UTC(2024, 2, 1, 23, 59, 59)),
    ]);
    row.getCell(5).numFmt = 'yyyy-mm-dd hh:mm:ss';
    row.commit();
    ws.commit();
    await wb.commit();
    const rows = await rowsOf(Buffer.concat(chunks));
    expect(rows).toEqual([
      { row: 1, cells: ['상품주문번호', '송장번호', '메모', '링크'] },
      {
        row: 2,
        cells: ['2024030112345678901', '600000123456', '부재시 문 앞', '스토어', '2024-03-01 23:59:59'],
      },
    ]);
  });

  it('reads the first visible sheet by default, or a sheet by name or 1-based index', async () => {
    const file = sheetJs({ 코드표: [['hidden']], 주문: [['first visible']], 반품: [['third']] }, (wb) => {
      wb.Workbook = { Sheets: [{ Hidden: 1 }, { Hidden: 0 }, { Hidden: 0 }] };
    });
    expect(await sheetNames(file)).toEqual(['코드표', '주문', '반품']);
    expect((await rowsOf(file))[0]?.cells).toEqual(['first visible']);
    expect((await rowsOf(file, { sheet: '반품' }))[0]?.cells).toEqual(['third']);
    expect((await rowsOf(file, { sheet: 1 }))[0]?.cells).toEqual(['hidden']);
    const missing = await rejection(file, { sheet: '교환' });
    expect(missing.code).toBe('NO_SHEET');
    expect(missing.params).toEqual({ sheet: '교환', sheets: '코드표, 주문, 반품' });
    expect((await rejection(file, { sheet: 4 })).code).toBe('NO_SHEET');
  });
});

describe('readRows: encrypted xlsx (SmartStore)', () => {
  let encrypted: Buffer;
  beforeAll(() => {
    // Agile encryption, as Excel and SmartStore use; officecrypto-tool takes ~2 s to encrypt.
    encrypted = officeCrypto.encrypt(sheetJs({ 주문조회: SMARTSTORE }), { password: '1234' });
  });

  it('asks for a password, refuses a wrong one, and reads with the right one', async () => {
    expect((await rejection(encrypted)).code).toBe('ENCRYPTED_NEEDS_PASSWORD');
    expect((await rejection(encrypted, { password: 'nope' })).code).toBe('WRONG_PASSWORD');
    expect(await rowsOf(encrypted, { password: '1234' })).toEqual(SMARTSTORE_ROWS);
    expect(await sheetNames(encrypted, '1234')).toEqual(['주문조회']);
  });

  it('reads standard (AES-128) encryption too', async () => {
    const standard = officeCrypto.encrypt(sheetJs({ S: [['a', '01012345678']] }), {
      password: 'pw',
      type: 'standard',
    });
    expect(await rowsOf(standard, { password: 'pw' })).toEqual([{ row: 1, cells: ['a', '01012345678'] }]);
  });
});

describe('readRows: files we refuse', () => {
  it('legacy .xls (BIFF8 from SheetJS) → LEGACY_XLS', async () => {
    const xls = XLSX.write(XLSX.read(sheetJs({ S: [['a']] })), {
      type: 'buffer',
      bookType: 'biff8',
    }) as Buffer;
    expect((await rejection(xls)).code).toBe('LEGACY_XLS');
  });

  it('HTML saved as .xls → HTML', async () => {
    const html = Buffer.from(
      '\ufeff\r\n<html xmlns:x="urn:schemas-microsoft-com:office:excel"><body><table><tr><td>주문번호</td></tr></table></body></html>',
    );
    expect((await rejection(html)).code).toBe('HTML');
  });

  it('an xlsx cut in half → TRUNCATED, at once', async () => {
    const xlsx = sheetJs({ S: Array.from({ length: 2000 }, (_, i) => [`주문${i}`, i]) });
    const started = performance.now();
    expect((await rejection(xlsx.subarray(0, xlsx.length >> 1))).code).toBe('TRUNCATED');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('a zip without a workbook, and an empty zip → NO_WORKBOOK', async () => {
    const docx = makeZip([
      { name: '[Content_Types].xml', data: '<Types/>' },
      { name: 'word/document.xml', data: '<document/>' },
    ]);
    expect((await rejection(docx)).code).toBe('NO_WORKBOOK');
    expect((await rejection(makeZip([]))).code).toBe('NO_WORKBOOK');
    const noWorkbook = makeZip([{ name: 'xl/worksheets/sheet1.xml', data: '<worksheet/>' }]);
    expect((await rejection(noWorkbook)).code).toBe('NO_WORKBOOK');
  });

  it('an empty or blank file → EMPTY', async () => {
    expect((await rejection(Buffer.alloc(0))).code).toBe('EMPTY');
    expect((await rejection(Buffer.from('\r\n  \n'))).code).toBe('EMPTY');
  });

  it('binary that is not a spreadsheet, or an OLE file without a workbook → NOT_A_SPREADSHEET', async () => {
    const binary = Buffer.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
    ]);
    expect((await rejection(binary)).code).toBe('NOT_A_SPREADSHEET');
    const doc = cfb.utils.cfb_new();
    cfb.utils.cfb_add(doc, 'WordDocument', Buffer.from('not a workbook'));
    const ole = Buffer.from(cfb.write(doc, { type: 'buffer' }) as Uint8Array);
    expect(() => sniff(ole)).toThrow(expect.objectContaining({ code: 'NOT_A_SPREADSHEET' }));
    expect((await rejection(ole)).code).toBe('NOT_A_SPREADSHEET');
  });

  it('a corrupt deflate stream inside the sheet → NOT_A_SPREADSHEET, at once (exceljs alone never settles)', async () => {
    const xlsx = sheetJs({ S: Array.from({ length: 2000 }, (_, i) => [`주문${i}`, i, '서울특별시 강남구']) });
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    const local = xlsx.indexOf(name) - 30;
    const data = local + 30 + xlsx.readUInt16LE(local + 26) + xlsx.readUInt16LE(local + 28);
    const broken = Buffer.from(xlsx);
    broken.set([0x00, 0x12, 0x34, 0x00, 0x00], data); // a stored block whose LEN and NLEN disagree
    const started = performance.now();
    const error = await rejection(broken, { timeoutMs: 20_000 });
    expect(error.code).toBe('NOT_A_SPREADSHEET');
    expect(error.params.reason).toMatch(/invalid stored block lengths/);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('more rows than maxRows (+ header allowance) → TOO_MANY_ROWS with the limit', async () => {
    const maxRows = 10;
    const rows = (n: number) => Array.from({ length: n }, (_, i) => [`${i}`]);
    expect(await rowsOf(sheetJs({ S: rows(maxRows + HEADER_ALLOWANCE) }), { maxRows })).toHaveLength(35);
    const error = await rejection(sheetJs({ S: rows(maxRows + HEADER_ALLOWANCE + 1) }), { maxRows });
    expect(error.code).toBe('TOO_MANY_ROWS');
    expect(error.params).toEqual({ max: 10 });
    const csv = Buffer.from(rows(maxRows + HEADER_ALLOWANCE + 1).join('\n'));
    expect((await rejection(csv, { maxRows })).code).toBe('TOO_MANY_ROWS');
  });
});

describe('readRows: time limit', () => {
  let large: Buffer;
  beforeAll(() => {
    large = sheetJs({
      S: Array.from({ length: 20_000 }, (_, i) => [`2024030100000${i}`, '홍길동', '01012345678', i]),
    });
  });

  it('gives up with TIMEOUT when reading takes longer than timeoutMs', async () => {
    const error = await rejection(large, { timeoutMs: 5, maxRows: 100_000 });
    expect(error.code).toBe('TIMEOUT');
    expect(error.params).toEqual({ ms: 5 });
  });

  it('does not count the time the caller spends between rows', async () => {
    const file = sheetJs({ S: [['a'], ['b'], ['c'], ['d']] });
    let n = 0;
    for await (const _ of readRows(file, { maxRows: 10, timeoutMs: 1000 })) {
      n++;
      await new Promise((resolve) => setTimeout(resolve, 350));
    }
    expect(n).toBe(4);
  });

  it('leaves nothing running: a process exits by itself after TIMEOUT, an early stop, and a corrupt file', () => {
    const script = `
      import XLSX from 'xlsx';
      import { readRows } from './src/excel/read.ts';
      const wb = XLSX.utils.book_new();
      const aoa = Array.from({ length: 20000 }, (_, i) => ['2024030100000' + i, '홍길동', i]);
      XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(aoa), 'S');
      const file = XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', compression: true });
      const codes = [];
      try { for await (const _ of readRows(file, { maxRows: 100000, timeoutMs: 5 })) {} } catch (e) { codes.push(e.code); }
      for await (const _ of readRows(file, { maxRows: 100000, timeoutMs: 60000 })) { codes.push('first row'); break; }
      const it = readRows(file, { maxRows: 100000, timeoutMs: 60000 })[Symbol.asyncIterator]();
      await it.next(); // abandoned without return(): its timer must not keep the process alive
      codes.push('abandoned');
      const broken = Buffer.from(file);
      const at = broken.indexOf('xl/worksheets/sheet1.xml') - 30;
      broken.set([0, 0x12, 0x34, 0, 0], at + 30 + broken.readUInt16LE(at + 26) + broken.readUInt16LE(at + 28));
      try { for await (const _ of readRows(broken, { maxRows: 100000, timeoutMs: 60000 })) {} } catch (e) { codes.push(e.code); }
      console.log(JSON.stringify(codes));
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: process.cwd(),
      encoding: 'utf8',
      // Killed (status null) if anything kept it alive; tsx start-up alone takes seconds on a busy machine.
      timeout: 45_000,
    });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual(['TIMEOUT', 'first row', 'abandoned', 'NOT_A_SPREADSHEET']);
  }, 60_000);
});

describe('readRows: CSV and TSV', () => {
  const CSV =
    '상품주문번호,수취인명,수취인연락처1,우편번호,통합배송지,옵션정보,수량\r\n' +
    '2024030112345678901,홍길동,01012345678,06236,"서울특별시 강남구 테헤란로 123, 4층","색상: ""빨강""\r\n사이즈: L",2\r\n' +
    '\r\n' +
    ',,,,,,\r\n' +
    '2024030112345678902,이영희,010-9876-5432,48058,부산광역시 해운대구,,1\r\n';
  const EXPECTED: SheetRow[] = [
    {
      row: 1,
      cells: ['상품주문번호', '수취인명', '수취인연락처1', '우편번호', '통합배송지', '옵션정보', '수량'],
    },
    {
      row: 2,
      cells: [
        '2024030112345678901',
        '홍길동',
        '01012345678',
        '06236',
        '서울특별시 강남구 테헤란로 123, 4층',
        '색상: "빨강"\r\n사이즈: L',
        '2',
      ],
    },
    {
      row: 5,
      cells: ['2024030112345678902', '이영희', '010-9876-5432', '48058', '부산광역시 해운대구', '', '1'],
    },
  ];

  it('reads UTF-8, with and without a BOM', async () => {
    expect(await rowsOf(Buffer.from(CSV, 'utf8'))).toEqual(EXPECTED);
    expect(await rowsOf(Buffer.from(`\ufeff${CSV}`, 'utf8'))).toEqual(EXPECTED);
  });

  it('reads CP949 (EUC-KR), as Korean Excel saves CSV', async () => {
    const cp949 = iconv.encode(CSV, 'cp949');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(cp949)).toThrow();
    expect(await rowsOf(cp949)).toEqual(EXPECTED);
    // 똠 and 햏 are outside EUC-KR's 2,350 syllables: only CP949 has them.
    expect(await rowsOf(iconv.encode('수취인명\n김똠햏\n', 'cp949'))).toEqual([
      { row: 1, cells: ['수취인명'] },
      { row: 2, cells: ['김똠햏'] },
    ]);
  });

  it('reads tab-separated text, also Excel\'s UTF-16 "Unicode text"', async () => {
    const tsv = '주문번호\t수취인명\t주소\n2024030198765432\t홍길동\t서울, 강남구\n';
    const expected = [
      { row: 1, cells: ['주문번호', '수취인명', '주소'] },
      { row: 2, cells: ['2024030198765432', '홍길동', '서울, 강남구'] },
    ];
    expect(await rowsOf(Buffer.from(tsv))).toEqual(expected);
    expect(await rowsOf(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tsv, 'utf16le')]))).toEqual(
      expected,
    );
    expect(await sheetNames(Buffer.from(tsv))).toEqual([]);
  });

  it('refuses a quote that is never closed', async () => {
    const error = await rejection(Buffer.from('a,b\n1,"open\n'));
    expect(error.code).toBe('NOT_A_SPREADSHEET');
    expect(error.params.reason).toBe('CSV_QUOTE_NOT_CLOSED');
  });
});

describe('cell text', () => {
  it('prints numbers without exponent', () => {
    expect(numberText(1.2345678901234568e17)).toBe('123456789012345680');
    expect(numberText(2 ** 53 + 2)).toBe('9007199254740994');
    expect(numberText(1e21)).toBe('1000000000000000000000');
    expect(numberText(-1.25e-7)).toBe('-0.000000125');
    expect(numberText(Number.NaN)).toBe('');
  });

  it('turns exceljs values into text', () => {
    expect(cellText(null, undefined, false)).toBe('');
    expect(cellText(new Date(Date.UTC(2024, 11, 31, 23, 59, 59, 700)), undefined, false)).toBe(
      '2025-01-01 00:00:00',
    );
    expect(cellText({ formula: 'A1', result: { error: '#REF!' } }, undefined, false)).toBe('#REF!');
    expect(cellText({ sharedFormula: 'A1', result: 45352 }, 'yyyy"년" m"월" d"일"', false)).toBe(
      '2024-03-01 00:00:00',
    );
    expect(cellText({ formula: 'A1' }, undefined, false)).toBe('');
    expect(cellText({ text: '링크', hyperlink: 'https://example.com' }, undefined, false)).toBe('링크');
  });
});
