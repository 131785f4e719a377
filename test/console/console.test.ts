// The console: the same commands as Slack, typed in a terminal; forms become questions.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import * as XLSX from 'xlsx';
import { runConsole } from '../../src/bot/console/console.js';
import { CollectionRunner } from '../../src/collect/runner.js';
import { defaultConnectors } from '../../src/connectors/registry.js';
import type { Locale } from '../../src/i18n/catalog.js';
import { queryRows } from '../../src/storage/db.js';
import { addLines, demoAccount, freshDesk, line, seedCatalog, stageOf } from '../support/desk.js';

/** Types the lines into a console session and returns all it printed. */
async function session(
  desk: Parameters<typeof runConsole>[0]['desk'],
  lines: string[],
  locale: Locale = 'ko',
) {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk) => {
    printed += String(chunk);
  });
  const done = runConsole({ desk, locale, input, output });
  for (const l of lines) input.write(`${l}\n`);
  input.end();
  await done;
  return printed;
}

describe('console', () => {
  it('/orders hold asks for the reason, holds, and shows which were held and which refused', async () => {
    const { desk } = await freshDesk({ adminUsers: ['console'] });
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId), line(f.channelId)]);
    const [a, b] = created as [number, number];
    const printed = await session(desk, [`/orders hold ${a} 99999`, '주소 확인 필요', 'exit']);
    expect(printed).toContain('보류 사유');
    expect(printed).toContain(`출고보류 1건: ${a}`);
    expect(printed).toContain('99999 — 주문서를 찾을 수 없습니다');
    const held = await stageOf(desk, a);
    expect(held?.stage).toBe('held');
    expect(held?.holdReason).toBe('주소 확인 필요');
    expect((await stageOf(desk, b))?.stage).toBe('intake');
  });

  it('a required answer left empty is asked again; cancel leaves the form and changes nothing', async () => {
    const { desk } = await freshDesk({ adminUsers: ['console'] });
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const printed = await session(desk, [`/orders delete ${created[0]}`, '', 'cancel', 'exit'], 'en');
    expect(printed).toContain('required');
    expect(printed).toContain('Cancelled.');
    expect((await stageOf(desk, created[0]!))?.deletedAt).toBeNull();
  });

  it('lists orders masked, in English for an English console, with the commands the buttons stand for', async () => {
    const { desk } = await freshDesk({ adminUsers: ['console'] });
    const f = await seedCatalog(desk);
    await addLines(desk, [line(f.channelId, { recipientName: '김민수', recipientPhone: '010-1234-5678' })]);
    const printed = await session(desk, ['/orders list intake', 'exit'], 'en');
    expect(printed).toContain('Orders — intake');
    expect(printed).toContain('김*수 010-****-5678');
    expect(printed).not.toContain('010-1234-5678');
    expect(printed).toContain('/orders next|hold|claim|delete <serials>');
  });

  it('a delete under the approval policy becomes a request that another approver decides by command', async () => {
    const { desk } = await freshDesk({ approvalRequired: ['delete'], adminUsers: ['console'] });
    const f = await seedCatalog(desk);
    const { created } = await addLines(desk, [line(f.channelId)]);
    const printed = await session(desk, [
      `/orders delete ${created[0]}`,
      '중복 주문',
      '/orders approvals',
      '/orders approve 1',
      'exit',
    ]);
    expect(printed).toContain('승인 요청 #1');
    expect(printed).toContain('본인이 요청한 건은 승인할 수 없습니다');
    expect((await stageOf(desk, created[0]!))?.deletedAt).toBeNull();
  });

  it('upload reads a file path, offers the full list of rejected rows as a file, and registers on yes', async () => {
    const { database, desk } = await freshDesk({ adminUsers: ['console'] });
    await seedCatalog(desk);
    const dir = await mkdtemp(join(tmpdir(), 'ordermate-console-'));
    const bad = Array.from(
      { length: 12 },
      (_, i) => `B${i},1,박지훈,not a phone,부산광역시 해운대구 1,48110,P-1,red`,
    );
    const csv = [
      '주문번호,수량,수취인,수취인 연락처,주소,우편번호,쇼핑몰 상품코드,옵션',
      'G1,2,이서연,01098765432,서울특별시 강남구 테헤란로 152,06236,P-1,red',
      ...bad,
    ].join('\n');
    const file = join(dir, 'orders.csv');
    await writeFile(file, csv);
    const list = join(dir, 'problems.xlsx');
    const printed = await session(desk, [
      `upload ${file} ordermate`,
      'nope',
      'smartstore',
      list,
      'y',
      'exit',
    ]);
    expect(printed).toContain('판매채널 — 1) smartstore 스마트스토어  2) coupang 쿠팡');
    expect(printed).toContain('오류 12');
    expect(printed).toContain(`오류 목록을 ${list}에 저장했습니다`);
    const book = XLSX.read(await readFile(list));
    const rows = XLSX.utils.sheet_to_json<unknown[]>(book.Sheets[book.SheetNames[0]!]!, { header: 1 });
    expect(rows).toHaveLength(13);
    expect(rows[12]).toEqual([14, '수취인 연락처', '전화번호 형식이 아닙니다', 'not a phone']);
    const saved = await queryRows<{ mall_order_no: string }>(
      database.db,
      sql`select mall_order_no from orders`,
    );
    expect(saved).toEqual([{ mall_order_no: 'G1' }]);
  });
});

describe('console: collection and matching', () => {
  it('collects from the demo mall, prints the result, lists the unmatched and matches one by serial', async () => {
    const { database, desk } = await freshDesk(
      { adminUsers: ['console'] },
      () => new Date('2026-11-26T01:00:00Z'),
    );
    const f = await seedCatalog(desk);
    await demoAccount(desk, f.channelId);
    const collector = new CollectionRunner(desk, defaultConnectors());
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk) => {
      printed += String(chunk);
    });
    const done = runConsole({ desk, locale: 'ko', input, output, collector });
    // Both dates default to yesterday; the accounts default to every eligible one.
    for (const l of ['/orders collect', '', '', '']) input.write(`${l}\n`);
    await collector.idle();
    await vi.waitFor(() => expect(printed).toContain('주문수집 #1 완료 · 2026-11-25~2026-11-25'));
    expect(printed).toContain('✅ 데모 스토어 (데모) — 수집 8 · 신규 0 · 중복 0 · 비매칭 8 · 클레임 1');
    input.write('/orders unmatched\n');
    await vi.waitFor(() => expect(printed).toContain('/orders match'));
    const serial = /\/orders match (\d+)/.exec(printed)![1]!;
    // Product (searched, then picked by number), quantity, and no second or third bundle product.
    for (const l of [`/orders match ${serial}`, 'A-001', '1', '1', '', '', '', '', 'exit'])
      input.write(`${l}\n`);
    input.end();
    await done;
    expect(printed).toContain('매칭을 저장했습니다 (상품 1개)');
    const [row] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from orders where product_id = ${f.productId} and stage = 'intake'`,
    );
    expect(row!.n).toBeGreaterThan(0);
  });
});
