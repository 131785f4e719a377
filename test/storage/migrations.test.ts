// The migrated schema and the test database helper itself: tables exist, reset() empties them and
// restarts identities, and the audit log is append-only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getTableName, is, sql } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrationsFolder, queryRows } from '../../src/storage/db.js';
import * as schema from '../../src/storage/schema.js';
import { auditLog, orders, salesChannels } from '../../src/storage/schema.js';
import { isPostgres, type TestDatabase, testDatabase } from '../support/db.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await testDatabase();
});

beforeEach(async () => {
  await database.reset();
});

/** The message of an error and of every cause under it (drizzle wraps driver errors). */
function messages(error: unknown): string {
  const parts: string[] = [];
  for (let current = error; current instanceof Error; current = current.cause) parts.push(current.message);
  return parts.join(' | ');
}

async function expectRejection(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected the statement to fail').toBeInstanceOf(Error);
  expect(messages(error)).toMatch(pattern);
}

async function insertOrder(channelId: number, mallOrderNo: string): Promise<number> {
  const [row] = await database.db
    .insert(orders)
    .values({
      channelId,
      mallOrderNo,
      quantity: 1,
      recipientName: '홍길동',
      recipientPhone: '010-0000-0000',
      address: '서울특별시 중구 세종대로 110',
      zip: '04524',
      stage: 'intake',
      source: 'manual',
      packingKey: mallOrderNo,
      updatedBy: 'test',
    })
    .returning({ serial: orders.serial });
  return row!.serial;
}

async function insertChannel(): Promise<number> {
  const [row] = await database.db
    .insert(salesChannels)
    .values({ code: 'test-mall', name: 'Test mall' })
    .returning({ id: salesChannels.id });
  return row!.id;
}

describe('migrations', () => {
  it(`runs on ${isPostgres ? 'Postgres' : 'PGlite'}`, () => {
    expect(database.kind).toBe(isPostgres ? 'postgres' : 'pglite');
  });

  it('creates every table of the schema in public', async () => {
    const rows = await queryRows<{ tablename: string }>(
      database.db,
      sql`select tablename from pg_tables where schemaname = 'public'`,
    );
    const present = rows.map((row) => row.tablename).sort();
    const expected = Object.values(schema)
      .flatMap((value) => (is(value, PgTable) ? [getTableName(value)] : []))
      .sort();
    expect(expected).toEqual(expect.arrayContaining(['orders', 'audit_log', 'approval_requests']));
    expect(present).toEqual(expected);
  });

  it('records every migration in drizzle.__drizzle_migrations', async () => {
    const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
      entries: unknown[];
    };
    const [row] = await queryRows<{ count: number | string }>(
      database.db,
      sql`select count(*)::int as count from drizzle.__drizzle_migrations`,
    );
    expect(Number(row!.count)).toBe(journal.entries.length);
  });
});

describe('reset()', () => {
  it('empties the tables and restarts orders.serial at 1001', async () => {
    const channel = await insertChannel();
    expect(channel).toBe(1);
    expect(await insertOrder(channel, 'A-1')).toBe(1001);
    expect(await insertOrder(channel, 'A-2')).toBe(1002);
    await database.db.insert(auditLog).values({ actor: 'test', source: 'test', action: 'seed' });

    await database.reset();

    expect(await database.db.select().from(orders)).toEqual([]);
    expect(await database.db.select().from(salesChannels)).toEqual([]);
    // TRUNCATE does not fire the row-level append-only trigger.
    expect(await database.db.select().from(auditLog)).toEqual([]);

    const again = await insertChannel();
    expect(again).toBe(1);
    expect(await insertOrder(again, 'A-1')).toBe(1001);
  });

  it('keeps the migrations bookkeeping', async () => {
    await database.reset();
    const [row] = await queryRows<{ count: number | string }>(
      database.db,
      sql`select count(*)::int as count from drizzle.__drizzle_migrations`,
    );
    expect(Number(row!.count)).toBeGreaterThan(0);
  });
});

describe('audit_log', () => {
  it('refuses UPDATE and DELETE', async () => {
    await database.db
      .insert(auditLog)
      .values({ actor: 'test', source: 'test', action: 'view', serials: [1001] });

    await expectRejection(
      database.db.update(auditLog).set({ reason: 'rewritten' }).where(sql`true`),
      /append-only/,
    );
    await expectRejection(database.db.delete(auditLog).where(sql`true`), /append-only/);

    const rows = await database.db.select().from(auditLog);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.reason).toBeNull();
  });
});
