// bench excel-import: a 100k-row SmartStore-style xlsx → preview (read, validate, match) → Register, vs
// exceljs streaming read of the same file + COPY of the same rows into orders, same run. Each side runs
// in its own child process on its own fresh database, so peak RSS is per side.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import postgres from 'postgres';
import { packingKey } from '../src/domain/rules/packing.js';
import { registerImport } from '../src/domain/services/imports.js';
import type { Actor } from '../src/domain/types.js';
import { previewUpload } from '../src/excel/upload.js';
import { writeSmartstoreXlsx } from '../test/support/smartstore-xlsx.js';
import { benchDesk, benchUrl, freshBenchDatabase, median } from './support.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const actor: Actor = { id: 'bench', role: 'operator', source: 'api' };

function rowOf(i: number): string[] {
  return [
    `2026112${String(i).padStart(11, '0')}`,
    `2026${String(Math.floor(i / 2)).padStart(12, '0')}`,
    '2026-11-26 09:30:00',
    '김민수',
    '010-1234-5678',
    `수령인${i % 5000}`,
    `010${String(10000000 + (i % 90000000)).slice(0, 8)}`,
    '06236',
    `서울특별시 강남구 테헤란로 ${i % 3000}`,
    i % 3 ? '' : '문 앞에 놓아주세요',
    i % 50 === 0 ? 'UNKNOWN' : 'P-1',
    '유기농 현미 5kg',
    '5kg',
    String((i % 4) + 1),
    '32000',
  ];
}

function* rows() {
  for (let i = 0; i < ROWS; i++) yield rowOf(i);
}

/** Samples RSS every 20 ms while fn runs. */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const value = await fn();
    return { value, peakMb: Math.round(Math.max(peak, process.memoryUsage().rss) / 1024 / 1024) };
  } finally {
    clearInterval(timer);
  }
}

async function prepare(name: string) {
  const database = await freshBenchDatabase(benchUrl('excel-import'), name);
  const [channel] = (await database.db.execute(
    sql`insert into sales_channels (code, name) values ('smartstore', 'SmartStore') returning id`,
  )) as unknown as { id: number }[];
  const [product] = (await database.db.execute(
    sql`insert into products (code, name) values ('A-1', '현미') returning id`,
  )) as unknown as { id: number }[];
  await database.db.execute(
    sql`insert into product_matches (channel_id, mall_product_code, mall_option, product_id, created_by) values (${channel!.id}, 'P-1', '5kg', ${product!.id}, 'bench')`,
  );
  return { database, channelId: Number(channel!.id) };
}

/** Ours: the real upload path — read, map, validate, match, preview — then Register. */
async function ours(file: string) {
  const { database, channelId } = await prepare('ours');
  const desk = benchDesk(database);
  const bytes = readFileSync(file);
  const start = performance.now();
  const measured = await withPeakRss(async () => {
    const preview = await previewUpload(
      desk,
      actor,
      { bytes, fileName: 'bench.xlsx', channelId },
      { maxBytes: 200 * 1024 * 1024, maxRows: 1_000_000, timeoutMs: 600_000, previewTtlMs: 3600_000 },
    );
    return registerImport(desk, actor, preview.id);
  });
  const ms = performance.now() - start;
  await database.close();
  return { ms, rows: measured.value.created.length, peakMb: measured.peakMb };
}

/** Raw: exceljs streaming read of the same file, COPY of the same rows (no validation, no matching). */
async function raw(file: string) {
  const { database, channelId } = await prepare('raw');
  await database.close();
  const url = new URL(benchUrl('excel-import'));
  url.pathname = `/${decodeURIComponent(url.pathname.slice(1)) || 'postgres'}_bench_raw`;
  const client = postgres(url.toString(), { max: 1, onnotice: () => {} });
  const start = performance.now();
  const measured = await withPeakRss(async () => {
    const lines: string[] = [];
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(createReadStreamOf(file), {
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'ignore',
      worksheets: 'emit',
    });
    const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
    for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        if (row.number <= 2) continue;
        const v = (row.values as unknown[]).slice(1).map((c) => String(c ?? ''));
        const fields = { channelId, recipientName: v[5]!, recipientPhone: v[6]!, address: v[8]!, zip: v[7]! };
        lines.push(
          [
            channelId,
            v[1],
            v[0],
            v[10],
            v[12],
            v[11],
            v[13],
            v[14],
            v[3],
            v[4],
            v[5],
            v[6],
            v[8],
            v[7],
            v[9],
            'intake',
            'excel',
            packingKey(fields),
            'bench',
          ]
            .map((c) => esc(String(c)))
            .join('\t'),
        );
      }
    }
    const copy =
      await client`copy orders (channel_id, mall_order_no, mall_line_no, mall_product_code, mall_option, mall_product_name, quantity, unit_price_krw, orderer_name, orderer_phone, recipient_name, recipient_phone, address, zip, delivery_message, stage, source, packing_key, updated_by) from stdin`.writable();
    await pipeline(Readable.from(lines.map((l) => `${l}\n`)), copy);
    return lines.length;
  });
  const ms = performance.now() - start;
  await client.end();
  return { ms, rows: measured.value, peakMb: measured.peakMb };
}

function createReadStreamOf(file: string) {
  return Readable.from(readFileSync(file));
}

async function main() {
  const side = process.argv[2];
  const file = join(tmpdir(), `ordermate-bench-${ROWS}.xlsx`);
  if (side === 'ours' || side === 'raw') {
    const result = side === 'ours' ? await ours(file) : await raw(file);
    console.log(JSON.stringify(result));
    return;
  }
  benchUrl('excel-import');
  if (!existsSync(file)) {
    mkdirSync(tmpdir(), { recursive: true });
    await writeSmartstoreXlsx(file, rows(), { banner: '주문 내역 (벤치마크)' });
  }
  const run = (which: string) =>
    JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, which], {
        encoding: 'utf8',
        env: process.env,
        maxBuffer: 1 << 20,
      })
        .trim()
        .split('\n')
        .pop()!,
    ) as { ms: number; rows: number; peakMb: number };
  const oursRuns: { ms: number; rows: number; peakMb: number }[] = [];
  const rawRuns: { ms: number; rows: number; peakMb: number }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    rawRuns.push(run('raw'));
    oursRuns.push(run('ours'));
    console.log(
      `round ${i + 1}: raw ${rawRuns[i]!.ms.toFixed(0)} ms (${rawRuns[i]!.rows} rows, ${rawRuns[i]!.peakMb} MB), ours ${oursRuns[i]!.ms.toFixed(0)} ms (${oursRuns[i]!.rows} rows, ${oursRuns[i]!.peakMb} MB)`,
    );
  }
  const oursMs = median(oursRuns.map((r) => r.ms));
  const rawMs = median(rawRuns.map((r) => r.ms));
  const peak = Math.max(...oursRuns.map((r) => r.peakMb));
  console.log(
    `bench excel-import: ratio=${(oursMs / rawMs).toFixed(2)} ours_ms=${oursMs.toFixed(0)} raw_ms=${rawMs.toFixed(0)} peak_rss_mb=${peak}`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
