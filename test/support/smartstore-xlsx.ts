// SmartStore's order export as tests and benches build it: a banner in row 1, the headers in row 2, every
// cell text, on SmartStore's sheet. The template is found by its headers below the banner, so each caller
// keeps its own banner and may use fewer columns (the chat tests need only what an order line needs).
//
//   smartstoreXlsx([smartstoreChatRow(1)], SMARTSTORE_CHAT_LAYOUT)
//   await writeSmartstoreXlsx(path, rows(), { banner: '주문 내역 (벤치마크)' })   // streamed, for 100k rows
import { createWriteStream } from 'node:fs';
import ExcelJS from 'exceljs';
import * as XLSX from 'xlsx';

export const SMARTSTORE_SHEET = '발주발송관리';

/** The columns of SmartStore's full export. */
export const SMARTSTORE_HEADERS = [
  '상품주문번호',
  '주문번호',
  '주문일시',
  '구매자명',
  '구매자연락처',
  '수취인명',
  '수취인연락처1',
  '우편번호',
  '통합배송지',
  '배송메세지',
  '상품번호',
  '상품명',
  '옵션정보',
  '수량',
  '상품가격',
];

/** The shorter export the chat upload tests send: the columns an order line needs. */
export const SMARTSTORE_CHAT_HEADERS = [
  '상품주문번호',
  '주문번호',
  '수취인명',
  '수취인연락처1',
  '우편번호',
  '통합배송지',
  '상품번호',
  '옵션정보',
  '수량',
  '상품가격',
];

export interface SmartstoreLayout {
  /** Row 1 (SmartStore puts a title there; the reader must skip it). */
  banner: string;
  /** Row 2; the full export unless given. */
  headers?: readonly string[];
}

/** The file a user drops into Slack or Discord in the chat upload tests. */
export const SMARTSTORE_CHAT_LAYOUT: SmartstoreLayout = {
  banner: '주문 내역 (스마트스토어)',
  headers: SMARTSTORE_CHAT_HEADERS,
};

/** A valid order line in SMARTSTORE_CHAT_HEADERS order; `over` replaces cells by header. */
export function smartstoreChatRow(i: number, over: Partial<Record<string, string>> = {}): string[] {
  const row: Record<string, string> = {
    상품주문번호: `P${i}`,
    주문번호: `O${i}`,
    수취인명: `이서연${i}`,
    수취인연락처1: '01098765432',
    우편번호: '06236',
    통합배송지: '서울특별시 강남구 테헤란로 152',
    상품번호: 'P-1',
    옵션정보: 'red',
    수량: '1',
    상품가격: '32000',
    ...over,
  };
  return SMARTSTORE_CHAT_HEADERS.map((h) => row[h]!);
}

/** The file in memory (SheetJS), for tests. */
export function smartstoreXlsx(rows: string[][], layout: SmartstoreLayout): Buffer {
  const sheet = XLSX.utils.aoa_to_sheet([
    [layout.banner],
    [...(layout.headers ?? SMARTSTORE_HEADERS)],
    ...rows,
  ]);
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, sheet, SMARTSTORE_SHEET);
  return XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
}

/**
 * The file streamed to disk row by row (exceljs, no shared strings or styles), for benches: a 100k-row file
 * is written as its rows are made instead of being built in memory first.
 */
export async function writeSmartstoreXlsx(
  path: string,
  rows: Iterable<string[]>,
  layout: SmartstoreLayout,
): Promise<void> {
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: createWriteStream(path),
    useSharedStrings: false,
    useStyles: false,
  });
  const sheet = writer.addWorksheet(SMARTSTORE_SHEET);
  sheet.addRow([layout.banner]).commit();
  sheet.addRow([...(layout.headers ?? SMARTSTORE_HEADERS)]).commit();
  for (const row of rows) sheet.addRow(row).commit();
  sheet.commit();
  await writer.commit();
}
