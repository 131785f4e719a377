// Shared by the benchmarks: a fresh Postgres database from BENCH_DATABASE_URL, timing and medians.
import postgres from 'postgres';
import type { Desk } from '../src/domain/context.js';
import { type Database, openPostgres } from '../src/storage/db.js';
import { deskStore } from '../src/storage/desk-store.js';

export function benchUrl(name: string): string {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) {
    console.error(`bench ${name}: set BENCH_DATABASE_URL to a Postgres URL, e.g. postgres://postgres@127.0.0.1:5432/postgres`);
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
  return openPostgres(parsed.toString(), { max: 4 });
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
