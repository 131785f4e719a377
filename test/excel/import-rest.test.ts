// R12 through REST: a mall's file (made by another library) → preview → Register; bad files answer
// clearly and save nothing.
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import iconv from 'iconv-lite';
import { describe, expect, it, onTestFinished } from 'vitest';
import * as XLSX from 'xlsx';
import { expireImports } from '../../src/domain/services/imports.js';
import { DEFAULT_UPLOAD_LIMITS } from '../../src/excel/upload.js';
import { buildServer } from '../../src/http/server.js';
import { queryRows } from '../../src/storage/db.js';
import { giftEvent } from '../domain/helpers.js';
import { freshDesk, seedCatalog } from '../support/desk.js';
import { SMARTSTORE_HEADERS, smartstoreXlsx } from '../support/smartstore-xlsx.js';

const TOKEN = 'test-token-0123456789';

/** What the import endpoints answer (a preview, a registration, or an error). */
interface Answer {
  id: string;
  template: string;
  summary: Record<string, number>;
  errors: Record<string, unknown>[];
  error: { code: string; message: string };
  [key: string]: unknown;
}

function smartstoreRow(i: number, over: Partial<Record<string, string>> = {}): string[] {
  const row: Record<string, string> = {
    상품주문번호: `20261126${String(1000000000 + i)}`,
    주문번호: `2026112612345678${String(i).padStart(2, '0')}`,
    주문일시: '2026-11-26 09:30:00',
    구매자명: '김민수',
    구매자연락처: '010-1234-5678',
    수취인명: `이서연${i}`,
    수취인연락처1: '01098765432',
    우편번호: '06236',
    통합배송지: '서울특별시 강남구 테헤란로 152',
    배송메세지: '문 앞',
    상품번호: 'P-1',
    상품명: '현미 5kg',
    옵션정보: 'red',
    수량: '2',
    상품가격: '32,000',
    ...over,
  };
  return SMARTSTORE_HEADERS.map((h) => row[h]!);
}

/** SmartStore's full export, with a banner in row 1 like the real one's. */
const smartstoreExport = (rows: string[][]) =>
  smartstoreXlsx(rows, { banner: '주문 내역 — 개인정보 주의 (스마트스토어)' });

async function server(uploadLimits?: Parameters<typeof buildServer>[0]['uploadLimits']) {
  const { database, desk } = await freshDesk();
  const f = await seedCatalog(desk);
  const app = await buildServer({
    desk,
    db: database.db,
    apiToken: TOKEN,
    defaultLocale: 'ko',
    logLevel: 'silent',
    uploadLimits,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  onTestFinished(() => app.close());
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1`;
  const upload = async (bytes: Buffer, name: string, fields: Record<string, string> = {}, lang = 'ko') => {
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(bytes)]), name);
    for (const [k, v] of Object.entries({ channel: String(f.channelId), ...fields })) form.set(k, v);
    const res = await fetch(`${base}/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'accept-language': lang },
      body: form,
    });
    return { status: res.status, body: (await res.json()) as Answer };
  };
  const post = async (path: string) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    return { status: res.status, body: (await res.json()) as Answer };
  };
  const count = async () =>
    (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from orders`))[0]!.n;
  return { database, desk, f, upload, post, count };
}

describe('Excel import over REST (R12)', () => {
  it('previews a SmartStore file (banner row, suggested template) and saves nothing until Register', async () => {
    const s = await server();
    const file = smartstoreExport([
      smartstoreRow(1),
      smartstoreRow(2, { 상품번호: 'UNKNOWN' }),
      smartstoreRow(3, { 수취인연락처1: 'abc' }),
    ]);
    const preview = await s.upload(file, 'smartstore.xlsx');
    expect(preview.status).toBe(201);
    expect(preview.body.template).toBe('smartstore');
    expect(preview.body.summary).toEqual({ read: 3, matched: 1, unmatched: 1, rejected: 1, duplicates: 0 });
    expect(preview.body.errors).toEqual([
      expect.objectContaining({
        row: 5,
        column: '수취인연락처1',
        code: 'PHONE',
        message: '전화번호 형식이 아닙니다',
      }),
    ]);
    expect(await s.count()).toBe(0);

    const registered = await s.post(`/imports/${preview.body.id}/register`);
    expect(registered.status).toBe(200);
    expect(registered.body).toMatchObject({ created: 2, unmatched: 1, duplicates: 0 });
    const rows = await queryRows<{
      mall_order_no: string;
      mall_line_no: string;
      stage: string;
      zip: string;
      recipient_phone: string;
      unit_price_krw: number;
      badges: string[];
    }>(
      s.database.db,
      sql`select mall_order_no, mall_line_no, stage, zip, recipient_phone, unit_price_krw, badges from orders order by serial`,
    );
    expect(rows).toEqual([
      expect.objectContaining({
        mall_order_no: '202611261234567801',
        mall_line_no: '202611261000000001',
        stage: 'intake',
        zip: '06236',
        recipient_phone: '010-9876-5432',
        unit_price_krw: 32000,
        badges: ['excel'],
      }),
      expect.objectContaining({ stage: 'unmatched' }),
    ]);

    // Register runs once: a second click is told so and adds nothing.
    const again = await s.post(`/imports/${preview.body.id}/register`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('PREVIEW_NOT_OPEN');
    expect(await s.count()).toBe(2);

    // The same file again: everything is already in OrderMate.
    const second = await s.upload(file, 'smartstore.xlsx');
    expect(second.body.summary).toMatchObject({ duplicates: 2, matched: 0, unmatched: 0 });
  });

  it('a file of several thousand rows: repeats reported on their own row, bundles split, gifts made, staging emptied', async () => {
    const s = await server();
    // P-2 is a bundle: one mall option → two products (R1); buying P-1 earns a gift (R18).
    const second = await s.desk.store.transaction((tx) =>
      tx.catalog.createProduct({ code: 'A-002', name: '귀리 1kg', priceKrw: 9000 }),
    );
    await s.desk.store.transaction((tx) =>
      tx.catalog.saveMatch(
        { channelId: s.f.channelId, mallProductCode: 'P-2', mallOption: 'red' },
        [
          { productId: s.f.productId, quantity: 1 },
          { productId: second, quantity: 2 },
        ],
        'test',
      ),
    );
    await giftEvent(s.desk, s.f, { minQuantity: 1 });
    const rows = Array.from({ length: 4500 }, (_, i) =>
      smartstoreRow(i + 1, { 상품번호: i === 10 ? 'P-2' : i % 100 === 0 ? 'UNKNOWN' : 'P-1' }),
    );
    // Row 4000 of the data repeats data row 3 (a copy-paste mistake), two chunks later.
    rows[3999] = smartstoreRow(3);
    const preview = await s.upload(smartstoreExport(rows), 'big.xlsx');
    expect(preview.status).toBe(201);
    expect(preview.body.summary).toEqual({
      read: 4500,
      matched: 4454,
      unmatched: 45,
      rejected: 1,
      duplicates: 0,
    });
    // Banner and headers take rows 1–2: data row 4000 is spreadsheet row 4002.
    expect(preview.body.errors).toEqual([
      expect.objectContaining({ row: 4002, column: '주문번호', code: 'DUPLICATE_IN_FILE' }),
    ]);

    const registered = await s.post(`/imports/${preview.body.id}/register`);
    expect(registered.status).toBe(200);
    // 4499 distinct lines + the bundle's second product; gift orders for the matched P-1/P-2 lines.
    expect(registered.body).toMatchObject({ created: 4500, unmatched: 45, duplicates: 0 });
    expect(Number(registered.body.gifts)).toBeGreaterThan(0);
    const bundle = await queryRows<{
      mall_line_no: string;
      product_id: number;
      quantity: number;
      amount_krw: number;
    }>(
      s.database.db,
      sql`select mall_line_no, product_id, quantity, amount_krw from orders
          where mall_product_code = 'P-2' and source = 'excel' order by serial`,
    );
    expect(bundle).toEqual([
      { mall_line_no: '202611261000000011', product_id: s.f.productId, quantity: 2, amount_krw: 64000 },
      { mall_line_no: '202611261000000011/2', product_id: second, quantity: 4, amount_krw: 0 },
    ]);
    const staged = async () =>
      (await queryRows<{ n: number }>(s.database.db, sql`select count(*)::int as n from import_chunks`))[0]!
        .n;
    expect(await staged()).toBe(0);

    // An open preview past its time keeps nothing staged once expired.
    const open = await s.upload(smartstoreExport(rows.slice(0, 10)), 'small.xlsx');
    expect(await staged()).toBe(1);
    const later = { ...s.desk, now: () => new Date(Date.now() + 2 * 3600_000) };
    expect(await expireImports(later)).toEqual([open.body.id]);
    expect(await staged()).toBe(0);
  });

  it('a file refused after some rows were staged (over UPLOAD_MAX_ROWS) leaves no preview and nothing staged', async () => {
    const s = await server({ ...DEFAULT_UPLOAD_LIMITS, maxRows: 2500 });
    const rows = Array.from({ length: 3000 }, (_, i) => smartstoreRow(i + 1));
    const res = await s.upload(smartstoreExport(rows), 'many.xlsx');
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('TOO_MANY_ROWS');
    const left = await queryRows<{ previews: number; chunks: number }>(
      s.database.db,
      sql`select (select count(*)::int from import_previews) as previews,
                 (select count(*)::int from import_chunks) as chunks`,
    );
    expect(left).toEqual([{ previews: 0, chunks: 0 }]);
    expect(await s.count()).toBe(0);
  });

  it('Cancel saves nothing, so the fixed file can be uploaded again', async () => {
    const s = await server();
    const preview = await s.upload(smartstoreExport([smartstoreRow(1)]), 'a.xlsx');
    expect((await s.post(`/imports/${preview.body.id}/cancel`)).status).toBe(200);
    expect((await s.post(`/imports/${preview.body.id}/register`)).status).toBe(409);
    expect(await s.count()).toBe(0);
  });

  it('reads a CP949 CSV with the OrderMate template, keeping leading zeros', async () => {
    const s = await server();
    const csv = [
      '주문번호,수량,수취인,수취인 연락처,주소,우편번호,쇼핑몰 상품코드,옵션',
      '000123,1,박지훈,01012345678,"부산광역시 해운대구, 센텀 1",4811,P-1,red',
    ].join('\r\n');
    const preview = await s.upload(iconv.encode(csv, 'cp949'), 'orders.csv', { template: 'ordermate' });
    expect(preview.status).toBe(201);
    expect(preview.body.summary).toMatchObject({ read: 1, matched: 1, rejected: 0 });
    await s.post(`/imports/${preview.body.id}/register`);
    const [row] = await queryRows<{ mall_order_no: string; zip: string; address: string }>(
      s.database.db,
      sql`select mall_order_no, zip, address from orders`,
    );
    expect(row).toEqual({ mall_order_no: '000123', zip: '04811', address: '부산광역시 해운대구, 센텀 1' });
  });

  it.each([
    ['an empty file', Buffer.alloc(0), 400, 'EMPTY', '빈 파일'],
    [
      'HTML saved as .xls',
      Buffer.from('<html><body><table><tr><td>주문번호</td></tr></table></body></html>'),
      415,
      'HTML',
      '.xlsx로 저장',
    ],
    ['a truncated xlsx', null, 422, 'TRUNCATED', '잘렸습니다'],
  ])('refuses %s with a clear message and saves nothing', async (_name, bytes, status, code, text) => {
    const s = await server();
    const full = smartstoreExport([smartstoreRow(1), smartstoreRow(2)]);
    const body = bytes ?? full.subarray(0, Math.floor(full.length / 2));
    const res = await s.upload(body, 'orders.xls');
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toContain(text);
    expect(await s.count()).toBe(0);
  });

  it('an unknown template or a file no template fits is a 4xx naming the template', async () => {
    const s = await server();
    const unknown = await s.upload(smartstoreExport([smartstoreRow(1)]), 'a.xlsx', { template: 'nope' });
    expect(unknown.status).toBe(404);
    const sheet = XLSX.utils.aoa_to_sheet([
      ['a', 'b'],
      ['1', '2'],
    ]);
    const book = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(book, sheet, 'S');
    const odd = await s.upload(
      XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer,
      'odd.xlsx',
      {},
      'en',
    );
    expect(odd.status).toBe(400);
    expect(odd.body.error.message).toContain('template');
    expect(await s.count()).toBe(0);
  });
});
