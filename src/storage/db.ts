// Opens the database: Postgres through postgres.js when a URL is given, else PGlite in a directory
// (or in memory). Both get the same schema and migrations.
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { type SQL, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** A database handle or a transaction: every repository function takes one. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Database> {
  const client = postgres(url, { max: options.max ?? 10, onnotice: () => {} });
  const db = drizzlePostgres(keepingPrepared(client), { schema }) as unknown as Db;
  await migratePostgres(db as never, { migrationsFolder });
  return { db, kind: 'postgres', close: () => client.end({ timeout: 5 }) };
}

/** `dataDir` undefined → in memory. */
export async function openPglite(dataDir?: string): Promise<Database & { client: PGlite }> {
  const client = dataDir ? new PGlite(dataDir) : new PGlite();
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  await migratePglite(db as never, { migrationsFolder });
  return { db, client, kind: 'pglite', close: () => client.close() };
}

/** Rows of a raw statement, whichever driver ran it. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** Rows a raw write touched: `.count` on postgres.js, `.affectedRows` on PGlite. */
export async function execute(db: Db, query: SQL): Promise<number> {
  const result = (await db.execute(query)) as unknown as { count?: number; affectedRows?: number };
  return Number(result.count ?? result.affectedRows ?? 0);
}

/**
 * One bind parameter holding a whole array, as a Postgres array literal cast to `type[]`. Both drivers
 * take a text parameter the same way, where JS arrays would be expanded into a row by drizzle.
 */
export function pgArray(values: readonly (string | number | boolean | null)[], type: string): SQL {
  return sql`${arrayLiteral(values)}::${sql.raw(type)}[]`;
}

/** Escapes JSON has beyond \" and \\ (\n, \t, \u0001 …): they mean something else in an array literal. */
const JSON_ONLY_ESCAPE = /\\[^"\\]/;

/**
 * `{"a","b\"c",1,NULL}`. JSON writes strings, numbers, true, false and null as an array literal does,
 * natively (about half the time of element by element at thousands of rows): its text is used unless
 * it holds an escape of its own or a number JSON cannot spell (NaN, Infinity).
 */
export function arrayLiteral(values: readonly (string | number | boolean | null)[]): string {
  const json = JSON.stringify(values);
  // NaN and Infinity come out as null: without a null in the text there was none.
  const finite = !json.includes('null') || values.every((v) => typeof v !== 'number' || Number.isFinite(v));
  if (finite && !JSON_ONLY_ESCAPE.test(json)) return `{${json.slice(1, -1)}}`;
  return `{${values.map(arrayElement).join(',')}}`;
}

function arrayElement(value: string | number | boolean | null): string {
  if (value === null) return 'NULL';
  if (typeof value !== 'string') return String(value);
  if (!value.includes('\\') && !value.includes('"')) return `"${value}"`;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * postgres.js describes every statement drizzle sends with parameters before it runs it: two round trips.
 * Statements marked by `prepared` (raw SQL whose text never changes: a collection's per-batch statements)
 * are kept prepared on their connection instead, one round trip after the first. Builder statements get
 * the same from drizzle's `.prepare(name)`. PGlite, in process, needs neither.
 */
const PREPARED = '/* prepared */ ';

export function prepared(query: SQL): SQL {
  return sql`${sql.raw(PREPARED)}${query}`;
}

type Unsafe = (query: string, params?: unknown[], options?: { prepare?: boolean }) => unknown;

/** The client drizzle gets: `unsafe` prepares marked statements, in transactions too. */
function keepingPrepared<T extends object>(client: T): T {
  return new Proxy(client, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      if (property === 'unsafe') {
        return (query: string, params?: unknown[], options?: { prepare?: boolean }) =>
          (value as Unsafe).call(
            target,
            query,
            params,
            query.startsWith(PREPARED) ? { ...options, prepare: true } : options,
          );
      }
      if (property === 'begin' || property === 'savepoint') {
        return (...args: unknown[]) => {
          const fn = args.at(-1) as (tx: object) => unknown;
          return (value as (...a: unknown[]) => unknown).apply(target, [
            ...args.slice(0, -1),
            (tx: object) => fn(keepingPrepared(tx)),
          ]);
        };
      }
      return value.bind(target);
    },
  });
}
