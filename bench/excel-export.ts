// bench excel-export: 100k orders (plus the unmatched R1 siblings seedOrders adds) exported to xlsx.
//
// ours: the R13 export as the desk runs it — `exportOrders` (role check, count and audit entry, pages
//   of the orders list query) → `writeOrdersXlsx` (user's columns, Korean headers, text neutralised,
//   backpressure) → a file in os.tmpdir().
// raw: what a hand-written export would do — one plain SQL query for the same rows and the same 19
//   columns (dates and badges formatted by Postgres), then exceljs's streaming writer (same options)
//   committing each row → a file. It holds all rows at once and has no backpressure; its RSS is
//   printed for reference only.
//
// Both sides are timed from the first query to the file being closed (fetch + write): ours cannot be
// split, so raw is timed the same way. Raw's fetch and write are also printed apart.
// Each side runs in its own child process so its peak RSS is its own (process.resourceUsage().maxRSS,
// the figure /usr/bin/time -v reports, plus rss sampled every 20 ms). After one untimed warm-up run of
// each side, rounds alternate which side goes first; the medians of ROUNDS rounds are compared.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import postgres from 'postgres';
import { exportOrders } from '../src/domain/services/queries.js';
import type { Actor } from '../src/domain/types.js';
import { EXPORT_PAGE_SIZE, writeOrdersXlsx } from '../src/excel/export.js';
import { openPostgres } from '../src/storage/db.js';
import { benchDesk, benchUrl, freshBenchDatabase, median, seedOrders } from './support.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Orders per page of `exportOrders` (its own default is 2000). */
const PAGE_SIZE = Number(process.env.BENCH_PAGE_SIZE ?? EXPORT_PAGE_SIZE);
const NAME = 'excel-export';

const actor: Actor = { id: 'bench', role: 'operator', source: 'api' };

type Side = 'ours' | 'raw';
interface SideResult {
  side: Side;
  ms: number;
  /** CPU time of the whole child (user + system, all threads: zlib, GC) during the timed part. */
  cpuMs: number;
  /** Main-thread pauses for garbage collection during the timed part. */
  gcMs: number;
  fetchMs?: number;
  rows: number;
  bytes: number;
  peakRssMb: number;
  sampledPeakRssMb: number;
  startRssMb: number;
}

const mb = (bytes: number) => bytes / 2 ** 20;

/** The URL freshBenchDatabase gives the database it creates (`<base>_bench_<name>`). */
function benchDatabaseUrl(url: string): string {
  const parsed = new URL(url);
  const base = decodeURIComponent(parsed.pathname.slice(1)) || 'postgres';
  parsed.pathname = `/${base}_bench_${NAME.replace(/\W/g, '_')}`;
  return parsed.toString();
}

// --- the two sides, each in a child process ----------------------------------------------------------

async function ours(
  url: string,
  file: string,
): Promise<Omit<SideResult, 'side' | 'cpuMs' | 'gcMs' | keyof Rss>> {
  const database = await openPostgres(url, { max: 4 });
  const desk = benchDesk(database);
  try {
    const start = process.hrtime.bigint();
    const out = createWriteStream(file);
    const closed = once(out, 'close');
    const { rows } = await writeOrdersXlsx(
      exportOrders(desk, actor, { filter: {}, reason: 'bench', format: 'xlsx' }, PAGE_SIZE),
      out,
      'ko',
    );
    await closed;
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return { ms, rows, bytes: (await stat(file)).size };
  } finally {
    await database.close();
  }
}

/** The same 19 columns a user with default settings exports, as plain SQL. */
const RAW_QUERY = `
  select o.serial, c.name as channel, o.mall_order_no, o.stage,
         array_to_string(o.badges, ', ') as badges, p.code as product_code, p.name as product_name,
         o.mall_option, o.quantity, o.amount_krw, o.orderer_name, o.orderer_phone, o.recipient_name,
         o.recipient_phone, o.address, o.zip, o.delivery_message, o.hold_reason,
         to_char(o.ordered_at at time zone 'Asia/Seoul', 'YYYY-MM-DD HH24:MI:SS') as ordered_at
  from orders o
  join sales_channels c on c.id = o.channel_id
  left join products p on p.id = o.product_id
  where o.deleted_at is null
  order by o.serial desc`;

async function raw(
  url: string,
  file: string,
): Promise<Omit<SideResult, 'side' | 'cpuMs' | 'gcMs' | keyof Rss>> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const start = process.hrtime.bigint();
    const rows = await sql.unsafe(RAW_QUERY);
    const fetchMs = Number(process.hrtime.bigint() - start) / 1e6;
    const out = createWriteStream(file);
    const closed = once(out, 'close');
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: out,
      useSharedStrings: false,
      useStyles: false,
    });
    const sheet = workbook.addWorksheet('orders');
    const keys = rows.columns.map((c) => c.name);
    sheet.addRow(keys).commit();
    for (const row of rows) {
      sheet.addRow(keys.map((k) => row[k])).commit();
    }
    sheet.commit();
    await workbook.commit();
    await closed;
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return { ms, fetchMs, rows: rows.length, bytes: (await stat(file)).size };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

interface Rss {
  peakRssMb: number;
  sampledPeakRssMb: number;
  startRssMb: number;
}

async function child(side: Side, url: string, file: string): Promise<void> {
  const startRss = process.memoryUsage().rss;
  let sampled = startRss;
  const cpuStart = process.cpuUsage();
  let gcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  gc.observe({ entryTypes: ['gc'] });
  const sampler = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage().rss);
  }, 20);
  try {
    const result = await (side === 'ours' ? ours(url, file) : raw(url, file));
    sampled = Math.max(sampled, process.memoryUsage().rss);
    const cpu = process.cpuUsage(cpuStart);
    const out: SideResult = {
      side,
      ...result,
      cpuMs: (cpu.user + cpu.system) / 1000,
      gcMs,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      sampledPeakRssMb: mb(sampled),
      startRssMb: mb(startRss),
    };
    console.log(JSON.stringify(out));
  } finally {
    clearInterval(sampler);
    gc.disconnect();
    await rm(file, { force: true });
  }
}

function runChild(side: Side, url: string): Promise<SideResult> {
  const file = path.join(os.tmpdir(), `ordermate-bench-${side}-${process.pid}.xlsx`);
  const script = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', script, 'child', side, url, file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    proc.on('error', reject);
    proc.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${side} exited with ${code}: ${stdout}`));
      try {
        resolve(JSON.parse(last) as SideResult);
      } catch {
        reject(new Error(`${side} printed no result: ${stdout}`));
      }
    });
  });
}

// --- the parent: seed once, alternate the sides --------------------------------------------------------

async function main() {
  const url = benchUrl(NAME);
  const database = await freshBenchDatabase(url, NAME);
  const { rows, ms } = await seedOrders(database, { rows: ROWS, channels: 10, unmatchedEvery: 200 });
  await database.close();
  console.log(`seeded ${rows.length} orders in ${ms.toFixed(0)} ms; page size ${PAGE_SIZE}`);
  const dbUrl = benchDatabaseUrl(url);

  // One untimed run of each side first: the freshly seeded table, Postgres's buffers and the page cache
  // of node_modules warm up on it rather than on round 1.
  for (const side of ['raw', 'ours'] as const) await runChild(side, dbUrl);
  const results: Record<Side, SideResult[]> = { ours: [], raw: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order: Side[] = round % 2 === 0 ? ['raw', 'ours'] : ['ours', 'raw'];
    const line: string[] = [];
    for (const side of order) {
      const r = await runChild(side, dbUrl);
      if (r.rows !== rows.length) throw new Error(`${side} wrote ${r.rows} rows, expected ${rows.length}`);
      results[side].push(r);
      line.push(
        `${side} ${r.ms.toFixed(0)} ms${r.fetchMs !== undefined ? ` (fetch ${r.fetchMs.toFixed(0)})` : ''}, ` +
          `cpu ${r.cpuMs.toFixed(0)} ms, gc ${r.gcMs.toFixed(0)} ms, ` +
          `${mb(r.bytes).toFixed(1)} MB file, peak rss ${r.peakRssMb.toFixed(0)} MB ` +
          `(sampled ${r.sampledPeakRssMb.toFixed(0)}, at start ${r.startRssMb.toFixed(0)})`,
      );
    }
    console.log(`round ${round + 1}: ${line.join('; ')}`);
  }
  const oursMs = median(results.ours.map((r) => r.ms));
  const rawMs = median(results.raw.map((r) => r.ms));
  const peak = Math.max(...results.ours.map((r) => r.peakRssMb));
  console.log(
    `bench excel-export: ratio=${(oursMs / rawMs).toFixed(2)} ours_ms=${oursMs.toFixed(0)} raw_ms=${rawMs.toFixed(0)} peak_rss_mb=${peak.toFixed(0)}`,
  );
}

const [mode, side, url, file] = process.argv.slice(2);
(mode === 'child' ? child(side as Side, url!, file!) : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});
