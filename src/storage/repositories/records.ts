// Claims, notes, gift events, audit, identities, approvals, column settings and collection runs.
import { and, arrayContains, asc, desc, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import type {
  ApprovalRecord,
  ApprovalsPort,
  AuditPort,
  ClaimRecord,
  ClaimsPort,
  CollectionRunRecord,
  CollectionsPort,
  ColumnSetting,
  ColumnsPort,
  GiftsPort,
  IdentitiesPort,
  NotesPort,
  TemplatesPort,
} from '../../domain/ports.js';
import { type Db, pgArray, prepared, queryRows } from '../db.js';
import {
  approvalRequests,
  auditLog,
  chatIdentities,
  claims,
  collectionRunAccounts,
  collectionRuns,
  columnSettings,
  csNotes,
  giftEvents,
  mallAccounts,
  orderMessages,
  orderTemplates,
} from '../schema.js';

type NewClaim = Parameters<ClaimsPort['insert']>[0][number];

/** The claim columns the insert unnests: column, SQL type, and the row's value. */
const CLAIM_COLUMNS: [string, string, (r: NewClaim) => string | number | null][] = [
  ['order_serial', 'int', (r) => r.orderSerial],
  ['type', 'text', (r) => r.type],
  ['reason', 'text', (r) => r.reason],
  ['source', 'text', (r) => r.source],
  ['status', 'text', (r) => r.status],
  ['new_product_id', 'int', (r) => r.newProductId ?? null],
  ['mall_claim_id', 'text', (r) => r.mallClaimId ?? null],
];
const CLAIM_NAMES = CLAIM_COLUMNS.map(([column]) => column).join(', ');
const CLAIM_VALUES = CLAIM_COLUMNS.map(([column]) => `u.${column}`).join(', ');

export function claimsRepository(db: Db): ClaimsPort {
  return {
    async insert(rows, actor) {
      if (rows.length === 0) return 0;
      const arrays = CLAIM_COLUMNS.map(([, type, value]) => pgArray(rows.map(value), type));
      // One text however many rows (kept prepared: a collection inserts claims batch after batch).
      const inserted = await queryRows<{ id: number }>(
        db,
        prepared(sql`
          insert into claims (${sql.raw(CLAIM_NAMES)}, created_by, completed_at)
          select ${sql.raw(CLAIM_VALUES)},
            ${actor}::text, case when u.status = 'completed' then now() end
          from unnest(${sql.join(arrays, sql`, `)}) as u(${sql.raw(CLAIM_NAMES)})
          on conflict do nothing
          returning id`),
      );
      return inserted.length;
    },
    async of(serial) {
      const rows = await db
        .select()
        .from(claims)
        .where(eq(claims.orderSerial, serial))
        .orderBy(asc(claims.id));
      return rows.map(({ mallClaimId: _m, ...r }) => r) as ClaimRecord[];
    },
  };
}

export function notesRepository(db: Db): NotesPort {
  const table = (kind: 'message' | 'cs') => (kind === 'cs' ? csNotes : orderMessages);
  return {
    async add(kind, serial, author, body) {
      const [row] = await db.insert(table(kind)).values({ orderSerial: serial, author, body }).returning();
      return row!;
    },
    of: (kind, serial) =>
      db
        .select()
        .from(table(kind))
        .where(eq(table(kind).orderSerial, serial))
        .orderBy(asc(table(kind).id)),
  };
}

export function giftsRepository(db: Db): GiftsPort {
  return {
    async create(input, actor) {
      const [row] = await db
        .insert(giftEvents)
        .values({ ...input, createdBy: actor })
        .returning({ id: giftEvents.id });
      return row!.id;
    },
    list: (channelId) =>
      db
        .select({
          id: giftEvents.id,
          channelId: giftEvents.channelId,
          name: giftEvents.name,
          productIds: giftEvents.productIds,
          startsOn: giftEvents.startsOn,
          endsOn: giftEvents.endsOn,
          minQuantity: giftEvents.minQuantity,
          minAmountKrw: giftEvents.minAmountKrw,
          giftProductId: giftEvents.giftProductId,
          giftQuantity: giftEvents.giftQuantity,
          active: giftEvents.active,
        })
        .from(giftEvents)
        .where(channelId === undefined ? undefined : eq(giftEvents.channelId, channelId))
        .orderBy(asc(giftEvents.id)),
    async activeFor(channelIds) {
      if (channelIds.length === 0) return [];
      const rows = await this.list();
      // The period is checked per parent (its order day); here only channel and the flag.
      return rows.filter((e) => e.active && channelIds.includes(e.channelId));
    },
  };
}

export function auditRepository(db: Db): AuditPort {
  return {
    async append(entry) {
      await db
        .insert(auditLog)
        .values({
          actor: entry.actor,
          source: entry.source,
          action: entry.action,
          reason: entry.reason ?? null,
          serials: entry.serials ?? [],
          detail: entry.detail ? JSON.parse(JSON.stringify(entry.detail)) : null,
        })
        .prepare('audit_append')
        .execute();
    },
    async list(filter) {
      const rows = await db
        .select()
        .from(auditLog)
        .where(
          and(
            filter.serial !== undefined ? arrayContains(auditLog.serials, [filter.serial]) : undefined,
            filter.actor ? eq(auditLog.actor, filter.actor) : undefined,
            filter.action ? eq(auditLog.action, filter.action) : undefined,
            filter.beforeId !== undefined ? lt(auditLog.id, filter.beforeId) : undefined,
          ),
        )
        .orderBy(desc(auditLog.id))
        .limit(filter.limit);
      return rows.map((r) => ({
        ...r,
        reason: r.reason ?? null,
        source: r.source as never,
        detail: (r.detail ?? null) as Record<string, unknown> | null,
      }));
    },
  };
}

export function identitiesRepository(db: Db): IdentitiesPort {
  return {
    async get(id) {
      const [row] = await db.select().from(chatIdentities).where(eq(chatIdentities.id, id));
      return row ? { id: row.id, role: row.role, locale: row.locale, displayName: row.displayName } : null;
    },
    async setRole(id, role) {
      await db
        .insert(chatIdentities)
        .values({ id, role })
        .onConflictDoUpdate({ target: chatIdentities.id, set: { role, updatedAt: sql`now()` } });
    },
    async setProfile(id, profile) {
      await db
        .insert(chatIdentities)
        .values({ id, ...profile })
        .onConflictDoUpdate({ target: chatIdentities.id, set: { ...profile, updatedAt: sql`now()` } });
    },
    async withRole(roles) {
      const rows = await db
        .select({ id: chatIdentities.id })
        .from(chatIdentities)
        .where(inArray(chatIdentities.role, roles));
      return rows.map((r) => r.id);
    },
  };
}

const asApproval = (row: typeof approvalRequests.$inferSelect): ApprovalRecord => ({
  ...row,
  params: row.params as Record<string, unknown>,
});

export function approvalsRepository(db: Db): ApprovalsPort {
  return {
    async create(input) {
      const [row] = await db
        .insert(approvalRequests)
        .values({ ...input, status: 'pending' })
        .returning();
      return asApproval(row!);
    },
    async get(id) {
      const [row] = await db.select().from(approvalRequests).where(eq(approvalRequests.id, id));
      return row ? asApproval(row) : null;
    },
    async lock(id) {
      const [row] = await db.select().from(approvalRequests).where(eq(approvalRequests.id, id)).for('update');
      return row ? asApproval(row) : null;
    },
    async decide(id, d) {
      const [row] = await db
        .update(approvalRequests)
        .set({
          status: d.status,
          decidedBy: d.decidedBy,
          decisionReason: d.reason,
          decidedAt: sql`coalesce(${approvalRequests.decidedAt}, now())`,
          result: d.result === null ? null : JSON.parse(JSON.stringify(d.result)),
        })
        .where(eq(approvalRequests.id, id))
        .returning();
      return asApproval(row!);
    },
    async list(status) {
      const rows = await db
        .select()
        .from(approvalRequests)
        .where(status ? eq(approvalRequests.status, status) : undefined)
        .orderBy(desc(approvalRequests.id))
        .limit(200);
      return rows.map(asApproval);
    },
    async expire(now) {
      const rows = await db
        .update(approvalRequests)
        .set({ status: 'expired', decidedAt: sql`now()` })
        .where(and(eq(approvalRequests.status, 'pending'), lte(approvalRequests.expiresAt, now)))
        .returning();
      return rows.map(asApproval);
    },
  };
}

export function columnsRepository(db: Db): ColumnsPort {
  return {
    async get(identity) {
      const [row] = await db.select().from(columnSettings).where(eq(columnSettings.identity, identity));
      return row ? (row.columns as ColumnSetting[]) : null;
    },
    async set(identity, columns) {
      await db
        .insert(columnSettings)
        .values({ identity, columns })
        .onConflictDoUpdate({ target: columnSettings.identity, set: { columns, updatedAt: sql`now()` } });
    },
  };
}

/** A moment `ms` before now by the database's clock (instances' clocks may differ; the database's is one). */
const olderThan = (ms: number) => sql`now() - ${ms} * interval '1 millisecond'`;

export function collectionsRepository(db: Db): CollectionsPort {
  async function withAccounts(runs: (typeof collectionRuns.$inferSelect)[]): Promise<CollectionRunRecord[]> {
    if (runs.length === 0) return [];
    const accounts = await db
      .select()
      .from(collectionRunAccounts)
      .where(
        inArray(
          collectionRunAccounts.runId,
          runs.map((r) => r.id),
        ),
      )
      .orderBy(asc(collectionRunAccounts.accountId));
    return runs.map((run) => ({
      ...run,
      accounts: accounts.filter((a) => a.runId === run.id).map(({ runId: _r, ...a }) => a),
    }));
  }
  return {
    async createRun(input) {
      const [run] = await db
        .insert(collectionRuns)
        .values({
          startedBy: input.startedBy,
          source: input.source,
          periodFrom: input.periodFrom,
          periodTo: input.periodTo,
          status: 'running',
        })
        .returning({ id: collectionRuns.id });
      await db
        .insert(collectionRunAccounts)
        .values(input.accountIds.map((accountId) => ({ runId: run!.id, accountId })));
      return run!.id;
    },
    async recordPage(runId, accountId, c, cursor) {
      const [row] = await db
        .update(collectionRunAccounts)
        .set({
          fetched: sql`${collectionRunAccounts.fetched} + ${c.fetched}`,
          created: sql`${collectionRunAccounts.created} + ${c.created}`,
          duplicates: sql`${collectionRunAccounts.duplicates} + ${c.duplicates}`,
          unmatched: sql`${collectionRunAccounts.unmatched} + ${c.unmatched}`,
          claims: sql`${collectionRunAccounts.claims} + ${c.claims}`,
          cursor,
        })
        .where(and(eq(collectionRunAccounts.runId, runId), eq(collectionRunAccounts.accountId, accountId)))
        .returning()
        .prepare('collections_record_page')
        .execute();
      const { runId: _r, ...tally } = row!;
      return tally;
    },
    async finishAccount(runId, accountId, status, error) {
      await db
        .update(collectionRunAccounts)
        .set({ status, error })
        .where(and(eq(collectionRunAccounts.runId, runId), eq(collectionRunAccounts.accountId, accountId)));
    },
    async finishRun(runId, status) {
      await db
        .update(collectionRuns)
        .set({ status, finishedAt: sql`now()` })
        .where(eq(collectionRuns.id, runId));
    },
    async get(runId) {
      const runs = await db.select().from(collectionRuns).where(eq(collectionRuns.id, runId));
      return (await withAccounts(runs))[0] ?? null;
    },
    async list(limit) {
      return withAccounts(
        await db.select().from(collectionRuns).orderBy(desc(collectionRuns.id)).limit(limit),
      );
    },
    async interruptRuns(staleAfterMs) {
      const rows = await db
        .update(collectionRuns)
        .set({ status: 'interrupted', finishedAt: sql`now()` })
        .where(
          and(
            eq(collectionRuns.status, 'running'),
            staleAfterMs ? lt(collectionRuns.heartbeatAt, olderThan(staleAfterMs)) : undefined,
          ),
        )
        .returning({ id: collectionRuns.id });
      return rows.map((r) => r.id).sort((a, b) => a - b);
    },
    async busyAccounts(accountIds, staleAfterMs) {
      if (accountIds.length === 0) return [];
      await db
        .select({ id: mallAccounts.id })
        .from(mallAccounts)
        .where(inArray(mallAccounts.id, accountIds))
        .orderBy(asc(mallAccounts.id))
        // Two starts wait for each other; the collector's inserts (their foreign-key checks share the key)
        // do not wait for a start.
        .for('no key update');
      return db
        .select({ accountId: collectionRunAccounts.accountId, runId: collectionRuns.id })
        .from(collectionRunAccounts)
        .innerJoin(collectionRuns, eq(collectionRuns.id, collectionRunAccounts.runId))
        .where(
          and(
            inArray(collectionRunAccounts.accountId, accountIds),
            eq(collectionRunAccounts.status, 'running'),
            eq(collectionRuns.status, 'running'),
            gte(collectionRuns.heartbeatAt, olderThan(staleAfterMs)),
          ),
        )
        .orderBy(asc(collectionRunAccounts.accountId), asc(collectionRuns.id));
    },
    async touch(runId) {
      await db
        .update(collectionRuns)
        .set({ heartbeatAt: sql`now()` })
        .where(and(eq(collectionRuns.id, runId), eq(collectionRuns.status, 'running')));
    },
  };
}

export function templatesRepository(db: Db): TemplatesPort {
  return {
    list: () =>
      db
        .select({
          name: orderTemplates.name,
          channelId: orderTemplates.channelId,
          definition: orderTemplates.definition,
          builtin: orderTemplates.builtin,
        })
        .from(orderTemplates)
        .orderBy(asc(orderTemplates.name)),
    async save(t) {
      await db
        .insert(orderTemplates)
        .values({ name: t.name, channelId: t.channelId, definition: t.definition })
        .onConflictDoUpdate({
          target: orderTemplates.name,
          set: { channelId: t.channelId, definition: t.definition },
        });
    },
  };
}
