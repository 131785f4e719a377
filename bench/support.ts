// Shared by the benchmarks: a fresh Postgres database from BENCH_DATABASE_URL, timing and medians.
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import type { Desk } from '../src/domain/context.js';
import type { NewOrder } from '../src/domain/ports.js';
import { packingKey } from '../src/domain/rules/packing.js';
import { type Database, openPostgres } from '../src/storage/db.js';
import { deskStore } from '../src/storage/desk-store.js';
import { ordersRepository } from '../src/storage/repositories/orders.js';

export function benchUrl(name: string): string {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) {
    console.error(
      `bench ${name}: set BENCH_DATABASE_URL to a Postgres URL, e.g. postgres://postgres@127.0.0.1:5432/postgres`,
    );
    process.exit(2);
  }
  return url;
}

/** Drops and creates `<base>_bench_<name>` beside the given database, migrated. */
export async function freshBenchDatabase(url: string, name: string): Promise<Database> {
  const parsed = new URL(url);
  const db = `${decodeURIComponent(parsed.pathname.slice(1)) || 'postgres'}_bench_${name.replace(/\W/g, '_')}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${db}" with (force)`);
    await admin.unsafe(`create database "${db}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  parsed.pathname = `/${db}`;
  return openPostgres(parsed.toString(), { max: 10 });
}

export function benchDesk(database: Database): Desk {
  return {
    store: deskStore(database.db),
    policy: { approvalRequired: [], approvalTtlHours: 24, adminUsers: [], defaultRole: 'operator' },
    now: () => new Date(),
    secrets: null,
  };
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * `rows` intake orders spread over `channels` channels; one mall order in `unmatchedEvery` also gets an
 * unmatched line (R1 siblings). Inserted through the orders repository (unnest), untimed.
 */
export async function seedOrders(
  database: Database,
  options: { rows: number; channels: number; unmatchedEvery: number },
): Promise<{ channelIds: number[]; rows: NewOrder[]; ms: number }> {
  const { db } = database;
  const channelIds: number[] = [];
  for (let c = 0; c < options.channels; c++) {
    const [row] = (await db.execute(
      sql`insert into sales_channels (code, name) values (${`mall-${c}`}, ${`Mall ${c}`}) returning id`,
    )) as unknown as { id: number }[];
    channelIds.push(Number(row!.id));
  }
  const [product] = (await db.execute(
    sql`insert into products (code, name, price_krw) values ('B-1', 'Bench product', 1000) returning id`,
  )) as unknown as { id: number }[];
  const rows: NewOrder[] = [];
  const orderedAt = new Date();
  for (let i = 0; i < options.rows; i++) {
    const fields = {
      channelId: channelIds[i % options.channels]!,
      recipientName: `수령인${i % 5000}`,
      recipientPhone: `010-${String(1000 + (i % 9000)).padStart(4, '0')}-${String(i % 10000).padStart(4, '0')}`,
      address: `서울특별시 강남구 테헤란로 ${i % 3000}`,
      zip: '06236',
    };
    const base: NewOrder = {
      ...fields,
      mallOrderNo: `2026${String(i).padStart(12, '0')}`,
      mallLineNo: '1',
      mallProductCode: 'P-1',
      mallOption: '',
      mallProductName: '벤치 상품',
      productId: Number(product!.id),
      quantity: 1,
      unitPriceKrw: 1000,
      amountKrw: 1000,
      ordererName: '김민수',
      ordererPhone: '010-1234-5678',
      deliveryMessage: '',
      stage: 'intake',
      source: 'api',
      badges: ['collected'],
      kind: 'B2C',
      packingKey: packingKey(fields),
      orderedAt,
    };
    rows.push(base);
    if (i % options.unmatchedEvery === 0) {
      rows.push({
        ...base,
        mallLineNo: '2',
        mallProductCode: 'UNKNOWN',
        productId: null,
        stage: 'unmatched',
      });
    }
  }
  const seeded = await timed(() =>
    db.transaction(async (tx) => ordersRepository(tx as never).insert(rows, 'bench-seed')),
  );
  await db.execute(sql`vacuum analyze`);
  return { channelIds, rows, ms: seeded.ms };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
