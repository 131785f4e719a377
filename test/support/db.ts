// One migrated database per vitest worker process, shared by every testDatabase() call in it.
//
// PGlite (default): in memory, opened once per process (opening costs seconds and hundreds of MB).
// Postgres (TEST_DATABASE_URL set): each worker slot gets its own database, `<base>_w<pool id>`, dropped
// and recreated on first use, so parallel workers never see each other's rows.
//
// Tests call reset() (typically in beforeEach) to empty every table and restart identities, so
// orders.serial starts at 1001 again. Do not call close(): the worker process exits at the end.
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { beforeAll } from 'vitest';
import { type Database, openPglite, openPostgres, queryRows } from '../../src/storage/db.js';

/** `url`: the worker's Postgres database, for a second connection pool (absent on PGlite). */
export type TestDatabase = Database & { reset(): Promise<void>; url?: string };

export const isPostgres = Boolean(process.env.TEST_DATABASE_URL);

// Kept on globalThis rather than in a module variable, so that it outlives a reset of the module
// registry while the process lives on (it does with `isolate: false`; with vitest 4's default
// `isolate: true` each test file runs in a fresh fork and opens its own database anyway).
const KEY = Symbol.for('ordermate.test.database');
type Holder = { [KEY]?: Promise<TestDatabase> };

// Importing this module from a test file opens the database in a file-level hook, so the cost of
// opening falls under hookTimeout (60 s) rather than the first test's testTimeout (30 s). Under load a
// PGlite open has been seen to take 20 s and more.
beforeAll(async () => {
  await testDatabase();
});

export function testDatabase(): Promise<TestDatabase> {
  const holder = globalThis as Holder;
  let pending = holder[KEY];
  if (!pending) {
    pending = open();
    holder[KEY] = pending;
    // A failed open is not cached: the next call retries and reports its own error.
    pending.catch(() => {
      if (holder[KEY] === pending) delete holder[KEY];
    });
  }
  return pending;
}

async function open(): Promise<TestDatabase> {
  const base = process.env.TEST_DATABASE_URL;
  const url = base ? await createWorkerDatabase(base) : undefined;
  const database = url ? await openPostgres(url, { max: 4 }) : await openPglite();
  let truncate: string | undefined;
  return Object.assign(database, {
    url,
    async reset(): Promise<void> {
      truncate ??= await truncateStatement(database);
      if (truncate) await database.db.execute(sql.raw(truncate));
    },
  });
}

/** Creates `<base>_w<worker>` next to the database of `url` and returns its URL. */
async function createWorkerDatabase(url: string): Promise<string> {
  const parsed = new URL(url);
  const base = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres';
  const worker = process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? '0';
  const name = `${base}_w${worker}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    // FORCE: a previous fork in the same slot may not have closed its connections yet.
    await admin.unsafe(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    await admin.unsafe(`CREATE DATABASE ${quoteIdent(name)}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  parsed.pathname = `/${encodeURIComponent(name)}`;
  return parsed.toString();
}

/** One TRUNCATE over every table of the public schema (drizzle's bookkeeping lives in schema "drizzle"). */
async function truncateStatement(database: Database): Promise<string> {
  const rows = await queryRows<{ tablename: string }>(
    database.db,
    sql`select tablename from pg_tables where schemaname = 'public' order by tablename`,
  );
  if (rows.length === 0) return '';
  const tables = rows.map((row) => `public.${quoteIdent(row.tablename)}`).join(', ');
  return `TRUNCATE TABLE ${tables} RESTART IDENTITY CASCADE`;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
