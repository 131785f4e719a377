// Orders: set-based statements over arrays of serials. Every write bumps `version` and `updated_by`.
import { and, desc, eq, inArray, isNotNull, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import type {
  DeliveryFields,
  MatchItem,
  NewOrder,
  OrderFilter,
  OrderRow,
  OrdersPort,
} from '../../domain/ports.js';
import type { GiftParent } from '../../domain/rules/gifts.js';
import type { OrderState, Stage } from '../../domain/types.js';
import { type Db, pgArray, prepared, queryRows } from '../db.js';
import { orders, products, salesChannels } from '../schema.js';

const stateColumns = {
  serial: orders.serial,
  channelId: orders.channelId,
  mallOrderNo: orders.mallOrderNo,
  mallLineNo: orders.mallLineNo,
  stage: orders.stage,
  closedStatus: orders.closedStatus,
  kind: orders.kind,
  source: orders.source,
  badges: orders.badges,
  giftParentSerial: orders.giftParentSerial,
  packingKey: orders.packingKey,
  deletedAt: orders.deletedAt,
  wmsRegisteredAt: orders.wmsRegisteredAt,
  version: orders.version,
  updatedBy: orders.updatedBy,
  updatedAt: orders.updatedAt,
};

const touch = (actor: string) => ({
  version: sql`${orders.version} + 1`,
  updatedBy: actor,
  updatedAt: sql`now()`,
});

type Cell = string | number | boolean | null;

/**
 * Columns in the order of the unnest insert below: column, SQL type, and the row's value (each read by a
 * function of its own, so that every property read stays monomorphic at ten thousand rows).
 */
const INSERT_COLUMNS: [string, string, (r: NewOrder) => Cell][] = [
  ['channel_id', 'int', (r) => r.channelId],
  ['account_id', 'int', (r) => r.accountId ?? null],
  ['mall_order_no', 'text', (r) => r.mallOrderNo],
  ['mall_line_no', 'text', (r) => r.mallLineNo],
  ['mall_product_code', 'text', (r) => r.mallProductCode],
  ['mall_option', 'text', (r) => r.mallOption],
  ['mall_product_name', 'text', (r) => r.mallProductName],
  ['product_id', 'int', (r) => r.productId ?? null],
  ['quantity', 'int', (r) => r.quantity],
  ['unit_price_krw', 'int', (r) => r.unitPriceKrw],
  ['amount_krw', 'int', (r) => r.amountKrw],
  ['orderer_name', 'text', (r) => r.ordererName],
  ['orderer_phone', 'text', (r) => r.ordererPhone],
  ['recipient_name', 'text', (r) => r.recipientName],
  ['recipient_phone', 'text', (r) => r.recipientPhone],
  ['address', 'text', (r) => r.address],
  ['zip', 'text', (r) => r.zip],
  ['delivery_message', 'text', (r) => r.deliveryMessage],
  ['stage', 'text', (r) => r.stage],
  ['source', 'text', (r) => r.source],
  ['kind', 'text', (r) => r.kind],
  ['gift_parent_serial', 'int', (r) => r.giftParentSerial ?? null],
  ['gift_event_id', 'int', (r) => r.giftEventId ?? null],
  ['packing_key', 'text', (r) => r.packingKey],
  // Epoch milliseconds: a number for the array, a time again in the statement.
  ['ordered_at', 'bigint', (r) => r.orderedAt.getTime()],
  ['collection_run_id', 'int', (r) => r.collectionRunId ?? null],
  ['import_id', 'text', (r) => r.importId ?? null],
  ['is_demo', 'bool', (r) => r.isDemo ?? false],
  // Badges are text[] per row: one text[] of array literals, cast back.
  ['badges', 'text', (r) => `{${r.badges.map((b) => `"${b}"`).join(',')}}`],
];

const INSERT_NAMES = INSERT_COLUMNS.map(([column]) => column);
const INSERT_VALUES = INSERT_NAMES.map((column) =>
  column === 'badges'
    ? 'badges::text[]'
    : column === 'ordered_at'
      ? `'epoch'::timestamptz + ordered_at * interval '1 millisecond'`
      : column,
);

/**
 * The insert around its parameters (one array per column and the badges, then the actor): the rows are
 * numbered as given and inserted in that order (a CTE is scanned in the order it was written, so the
 * first of two rows with one key wins, as with single inserts); each inserted serial comes back with its
 * row's number rather than its key.
 */
const INSERT_SQL = [
  `with input as (
     select * from unnest(`,
  `) with ordinality as u(${INSERT_NAMES.join(', ')}, n)
   ), stored as (
     insert into orders (${INSERT_NAMES.join(', ')}, updated_by)
     select ${INSERT_VALUES.join(', ')}, `,
  `::text from input
     on conflict (channel_id, mall_order_no, mall_line_no) do nothing
     returning serial, channel_id, mall_order_no, mall_line_no
   )
   select stored.serial, min(input.n)::int as n
   from stored join input using (channel_id, mall_order_no, mall_line_no)
   group by stored.serial`,
].map((text) => sql.raw(text));

/** Rows per insert statement: one parameter per column whatever the row count, but keep memory flat. */
const INSERT_CHUNK = 20_000;

export function ordersRepository(db: Db): OrdersPort {
  const bySerials = (serials: number[]) => sql`${orders.serial} = any(${pgArray(serials, 'int')})`;

  async function insertChunk(rows: NewOrder[], actor: string) {
    const arrays = INSERT_COLUMNS.map(([, type, value]) => pgArray(rows.map(value), type));
    const [head, middle, tail] = INSERT_SQL as [SQL, SQL, SQL];
    return queryRows<{ serial: number; n: number }>(
      db,
      prepared(sql`${head}${sql.join(arrays, sql`, `)}${middle}${actor}${tail}`),
    );
  }

  function filterWhere(filter: OrderFilter): SQL | undefined {
    const parts: (SQL | undefined)[] = [];
    if (!filter.includeDeleted) parts.push(isNull(orders.deletedAt));
    if (filter.stage) parts.push(eq(orders.stage, filter.stage));
    if (filter.channelId !== undefined) parts.push(eq(orders.channelId, filter.channelId));
    if (filter.serials) parts.push(bySerials(filter.serials));
    if (filter.cs) parts.push(sql`exists (select 1 from cs_notes n where n.order_serial = ${orders.serial})`);
    if (filter.q?.trim()) {
      const q = filter.q.trim();
      const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      parts.push(
        or(
          /^\d+$/.test(q) && Number(q) < 2 ** 31 ? eq(orders.serial, Number(q)) : undefined,
          eq(orders.mallOrderNo, q),
          sql`${orders.mallProductName} ilike ${like}`,
          sql`${orders.recipientName} ilike ${like}`,
          sql`${products.name} ilike ${like}`,
          sql`${products.code} = ${q}`,
        ),
      );
    }
    return and(...parts);
  }

  const rowColumns = {
    serial: orders.serial,
    channelId: orders.channelId,
    channelName: salesChannels.name,
    mallOrderNo: orders.mallOrderNo,
    mallLineNo: orders.mallLineNo,
    mallProductCode: orders.mallProductCode,
    mallOption: orders.mallOption,
    mallProductName: orders.mallProductName,
    productId: orders.productId,
    productCode: products.code,
    productName: products.name,
    quantity: orders.quantity,
    unitPriceKrw: orders.unitPriceKrw,
    amountKrw: orders.amountKrw,
    ordererName: orders.ordererName,
    ordererPhone: orders.ordererPhone,
    recipientName: orders.recipientName,
    recipientPhone: orders.recipientPhone,
    address: orders.address,
    zip: orders.zip,
    deliveryMessage: orders.deliveryMessage,
    stage: orders.stage,
    closedStatus: orders.closedStatus,
    source: orders.source,
    badges: orders.badges,
    kind: orders.kind,
    giftParentSerial: orders.giftParentSerial,
    holdReason: orders.holdReason,
    deleteReason: orders.deleteReason,
    deletedAt: orders.deletedAt,
    locallyEdited: orders.locallyEdited,
    wmsRegisteredAt: orders.wmsRegisteredAt,
    orderedAt: orders.orderedAt,
    csCount: sql<number>`(select count(*)::int from cs_notes n where n.order_serial = ${orders.serial})`,
    version: orders.version,
    updatedBy: orders.updatedBy,
    updatedAt: orders.updatedAt,
    isDemo: orders.isDemo,
  };

  const selectRows = () =>
    db
      .select(rowColumns)
      .from(orders)
      .innerJoin(salesChannels, eq(salesChannels.id, orders.channelId))
      .leftJoin(products, eq(products.id, orders.productId));

  return {
    async lock(serials) {
      if (serials.length === 0) return [];
      const rows = await db
        .select(stateColumns)
        .from(orders)
        .where(bySerials(serials))
        .orderBy(orders.serial)
        .for('update');
      return rows as OrderState[];
    },

    async packingGroupOf(serials, stages) {
      if (serials.length === 0) return [];
      const rows = await db
        .select({ serial: orders.serial })
        .from(orders)
        .where(
          and(
            isNull(orders.deletedAt),
            inArray(orders.stage, stages),
            sql`(${orders.channelId}, ${orders.packingKey}) in (select channel_id, packing_key from orders where serial = any(${pgArray(serials, 'int')}))`,
          ),
        )
        .orderBy(orders.serial);
      return rows.map((r) => r.serial);
    },

    async giftsOf(parents) {
      if (parents.length === 0) return [];
      const rows = await db
        .select({ serial: orders.serial })
        .from(orders)
        .where(
          and(sql`${orders.giftParentSerial} = any(${pgArray(parents, 'int')})`, isNull(orders.deletedAt)),
        )
        .orderBy(orders.serial)
        .prepare('orders_gifts_of')
        .execute();
      return rows.map((r) => r.serial);
    },

    async deletedGiftsOf(parents, reason) {
      if (parents.length === 0) return [];
      const rows = await db
        .select({ serial: orders.serial })
        .from(orders)
        .where(
          and(
            sql`${orders.giftParentSerial} = any(${pgArray(parents, 'int')})`,
            isNotNull(orders.deletedAt),
            eq(orders.deleteReason, reason),
          ),
        )
        .orderBy(orders.serial);
      return rows.map((r) => r.serial);
    },

    async setStage(serials, stage, actor, fields = {}) {
      if (serials.length === 0) return;
      await db
        .update(orders)
        .set({ stage, ...('holdReason' in fields ? { holdReason: fields.holdReason } : {}), ...touch(actor) })
        .where(bySerials(serials));
    },

    async softDelete(serials, reason, actor) {
      if (serials.length === 0) return;
      await db
        .update(orders)
        .set({ deletedAt: sql`now()`, deleteReason: reason, ...touch(actor) })
        .where(bySerials(serials));
    },

    async restore(serials, actor) {
      if (serials.length === 0) return;
      await db
        .update(orders)
        .set({ deletedAt: null, deleteReason: null, ...touch(actor) })
        .where(bySerials(serials));
    },

    async closeCancelled(serials, actor) {
      if (serials.length === 0) return;
      await db
        .update(orders)
        .set({
          stage: 'closed',
          closedStatus: 'cancelled',
          holdReason: null,
          badges: sql`case when 'cancel' = any(${orders.badges}) then ${orders.badges} else array_append(${orders.badges}, 'cancel') end`,
          ...touch(actor),
        })
        .where(bySerials(serials))
        .prepare('orders_close_cancelled')
        .execute();
    },

    async addBadge(serials, badge, actor) {
      if (serials.length === 0) return;
      await db
        .update(orders)
        .set({ badges: sql`array_append(${orders.badges}, ${badge})`, ...touch(actor) })
        .where(and(bySerials(serials), sql`not (${badge} = any(${orders.badges}))`))
        .prepare('orders_add_badge')
        .execute();
    },

    async editDelivery(serial, fields: DeliveryFields, packingKey, actor) {
      await db
        .update(orders)
        .set({ ...fields, packingKey, locallyEdited: true, ...touch(actor) })
        .where(eq(orders.serial, serial));
    },

    async moveToProcessing(scope, actor) {
      const inScope =
        'serials' in scope
          ? sql`o.serial = any(${pgArray(scope.serials, 'int')})`
          : sql`o.channel_id = any(${pgArray(scope.channelIds, 'int')})`;
      if ('serials' in scope && scope.serials.length === 0) return { moved: [], blocked: [] };
      // R1 in one statement: siblings are unmatched orders of the same channel and mall order number.
      const rows = await queryRows<{ serial: number; moved: boolean }>(
        db,
        sql`
        with scoped as (
          select o.serial,
                 exists (select 1 from orders u
                         where u.stage = 'unmatched' and u.deleted_at is null
                           and u.channel_id = o.channel_id and u.mall_order_no = o.mall_order_no) as blocked
          from orders o
          where ${inScope} and o.stage = 'intake' and o.deleted_at is null
        ),
        moved as (
          update orders o set stage = 'processing', version = o.version + 1, updated_by = ${actor}, updated_at = now()
          from scoped s where o.serial = s.serial and not s.blocked
            -- Re-checked on the row's latest version when a concurrent hold or delete made this wait.
            and o.stage = 'intake' and o.deleted_at is null
          returning o.serial
        )
        select serial, true as moved from moved
        union all
        select serial, false as moved from scoped where blocked`,
      );
      const moved: number[] = [];
      const blocked: number[] = [];
      for (const r of rows) (r.moved ? moved : blocked).push(Number(r.serial));
      moved.sort((a, b) => a - b);
      blocked.sort((a, b) => a - b);
      return { moved, blocked };
    },

    async insert(rows, actor) {
      const inserted: { serial: number; index: number }[] = [];
      for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
        const result = await insertChunk(rows.slice(start, start + INSERT_CHUNK), actor);
        for (const r of result) inserted.push({ serial: Number(r.serial), index: start + Number(r.n) - 1 });
      }
      inserted.sort((a, b) => a.index - b.index);
      return { inserted, duplicates: rows.length - inserted.length };
    },

    async matchWaiting(key, items: MatchItem[], actor) {
      const [first, ...rest] = items;
      if (!first) return [];
      const updated = await queryRows<{ serial: number }>(
        db,
        sql`
        update orders set stage = 'intake', product_id = ${first.productId}, quantity = quantity * ${first.quantity},
               version = version + 1, updated_by = ${actor}, updated_at = now()
        where stage = 'unmatched' and deleted_at is null and channel_id = ${key.channelId}
          and mall_product_code = ${key.mallProductCode} and mall_option = ${key.mallOption}
        returning serial`,
      );
      const serials = updated.map((r) => Number(r.serial));
      for (const [i, item] of rest.entries()) {
        if (serials.length === 0) break;
        const added = await queryRows<{ serial: number }>(
          db,
          sql`
          insert into orders (channel_id, account_id, mall_order_no, mall_line_no, mall_product_code, mall_option,
            mall_product_name, product_id, quantity, unit_price_krw, amount_krw, orderer_name, orderer_phone,
            recipient_name, recipient_phone, address, zip, delivery_message, stage, source, badges, kind,
            packing_key, ordered_at, collection_run_id, import_id, is_demo, updated_by)
          select channel_id, account_id, mall_order_no, mall_line_no || '/' || ${i + 2}, mall_product_code, mall_option,
            mall_product_name, ${item.productId}, (quantity / ${first.quantity}) * ${item.quantity}, 0, 0, orderer_name,
            orderer_phone, recipient_name, recipient_phone, address, zip, delivery_message, 'intake', source, badges,
            kind, packing_key, ordered_at, collection_run_id, import_id, is_demo, ${actor}
          from orders where serial = any(${pgArray(serials, 'int')})
          on conflict (channel_id, mall_order_no, mall_line_no) do nothing
          returning serial`,
        );
        serials.push(...added.map((r) => Number(r.serial)));
      }
      return serials.sort((a, b) => a - b);
    },

    async giftParents(serials): Promise<GiftParent[]> {
      if (serials.length === 0) return [];
      return db
        .select({
          serial: orders.serial,
          channelId: orders.channelId,
          mallOrderNo: orders.mallOrderNo,
          mallLineNo: orders.mallLineNo,
          productId: orders.productId,
          quantity: orders.quantity,
          amountKrw: orders.amountKrw,
          orderedAt: orders.orderedAt,
          ordererName: orders.ordererName,
          ordererPhone: orders.ordererPhone,
          recipientName: orders.recipientName,
          recipientPhone: orders.recipientPhone,
          address: orders.address,
          zip: orders.zip,
          deliveryMessage: orders.deliveryMessage,
          kind: orders.kind,
          packingKey: orders.packingKey,
          source: orders.source,
          isDemo: orders.isDemo,
        })
        .from(orders)
        .where(and(bySerials(serials), eq(orders.stage, 'intake'), isNull(orders.deletedAt)));
    },

    async lockByMallKeys(keys) {
      if (keys.length === 0) return [];
      const channelIds = keys.map((k) => k.channelId);
      const orderNos = keys.map((k) => k.mallOrderNo);
      const rows = await db
        .select(stateColumns)
        .from(orders)
        .where(
          sql`(${orders.channelId}, ${orders.mallOrderNo}) in (select * from unnest(${pgArray(channelIds, 'int')}, ${pgArray(orderNos, 'text')}))`,
        )
        .orderBy(orders.serial)
        .for('update')
        .prepare('orders_lock_by_mall_keys')
        .execute();
      return rows as OrderState[];
    },

    async existingKeys(keys) {
      if (keys.length === 0) return new Set<string>();
      const rows = await queryRows<{ channel_id: number; mall_order_no: string; mall_line_no: string }>(
        db,
        sql`select o.channel_id, o.mall_order_no, o.mall_line_no from orders o
            join unnest(${pgArray(
              keys.map((k) => k.channelId),
              'int',
            )}, ${pgArray(
              keys.map((k) => k.mallOrderNo),
              'text',
            )}, ${pgArray(
              keys.map((k) => k.mallLineNo),
              'text',
            )}) as k(channel_id, no, line)
              on o.channel_id = k.channel_id and o.mall_order_no = k.no and o.mall_line_no = k.line`,
      );
      return new Set(rows.map((r) => `${r.channel_id}\u0000${r.mall_order_no}\u0000${r.mall_line_no}`));
    },

    async markWms(serials, event, actor) {
      if (serials.length === 0) return [];
      const updated =
        event === 'registered'
          ? await db
              .update(orders)
              .set({ stage: 'shipping', wmsRegisteredAt: sql`now()`, ...touch(actor) })
              .where(
                and(
                  bySerials(serials),
                  inArray(orders.stage, ['processing', 'ready']),
                  isNull(orders.deletedAt),
                ),
              )
              .returning({ serial: orders.serial })
          : await db
              .update(orders)
              .set({ stage: 'closed', closedStatus: 'delivered', deliveredAt: sql`now()`, ...touch(actor) })
              .where(and(bySerials(serials), eq(orders.stage, 'shipping'), isNull(orders.deletedAt)))
              .returning({ serial: orders.serial });
      return updated.map((r) => r.serial).sort((a, b) => a - b);
    },

    async list(filter, page) {
      const where = and(
        filterWhere(filter),
        page.afterSerial !== undefined ? lt(orders.serial, page.afterSerial) : undefined,
      );
      const rows = await selectRows().where(where).orderBy(desc(orders.serial)).limit(page.limit);
      return rows as OrderRow[];
    },

    async count(filter) {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(orders)
        .leftJoin(products, eq(products.id, orders.productId))
        .where(filterWhere(filter));
      return Number(row?.n ?? 0);
    },

    async get(serials) {
      if (serials.length === 0) return [];
      const rows = await selectRows().where(bySerials(serials)).orderBy(orders.serial);
      return rows as OrderRow[];
    },

    async summary() {
      const rows = await db
        .select({
          stage: orders.stage,
          channelId: orders.channelId,
          channelName: salesChannels.name,
          count: sql<number>`count(*)::int`,
        })
        .from(orders)
        .innerJoin(salesChannels, eq(salesChannels.id, orders.channelId))
        .where(isNull(orders.deletedAt))
        .groupBy(orders.stage, orders.channelId, salesChannels.name)
        .orderBy(orders.channelId, orders.stage);
      return rows.map((r) => ({ ...r, stage: r.stage as Stage, count: Number(r.count) }));
    },

    async unmatchedGroups(filter) {
      // Served by the partial index orders_unmatched_key.
      const rows = await queryRows<{
        channel_id: number;
        channel_name: string;
        mall_product_code: string;
        mall_option: string;
        mall_product_name: string;
        orders: number;
        quantity: number;
        oldest: string | Date;
        sample: number;
      }>(
        db,
        sql`
        select o.channel_id, c.name as channel_name, o.mall_product_code, o.mall_option,
               (array_agg(o.mall_product_name order by o.serial desc))[1] as mall_product_name,
               count(*)::int as orders, sum(o.quantity)::int as quantity, min(o.created_at) as oldest,
               min(o.serial) as sample
        from orders o join sales_channels c on c.id = o.channel_id
        where o.stage = 'unmatched' and o.deleted_at is null
          ${filter.channelId === undefined ? sql`` : sql`and o.channel_id = ${filter.channelId}`}
          ${filter.key ? sql`and o.mall_product_code = ${filter.key.mallProductCode} and o.mall_option = ${filter.key.mallOption}` : sql``}
        group by o.channel_id, c.name, o.mall_product_code, o.mall_option
        order by count(*) desc, min(o.created_at), o.channel_id, o.mall_product_code, o.mall_option
        limit ${filter.limit}`,
      );
      return rows.map((r) => ({
        channelId: Number(r.channel_id),
        channelName: r.channel_name,
        mallProductCode: r.mall_product_code,
        mallOption: r.mall_option,
        mallProductName: r.mall_product_name,
        orders: Number(r.orders),
        quantity: Number(r.quantity),
        oldest: new Date(r.oldest),
        sampleSerial: Number(r.sample),
      }));
    },

    async unmatchedByChannel() {
      const rows = await db
        .select({
          channelId: orders.channelId,
          channelName: salesChannels.name,
          count: sql<number>`count(*)::int`,
          oldest: sql<string | Date>`min(${orders.createdAt})`,
          groups: sql<number>`count(distinct (${orders.mallProductCode}, ${orders.mallOption}))::int`,
        })
        .from(orders)
        .innerJoin(salesChannels, eq(salesChannels.id, orders.channelId))
        .where(and(eq(orders.stage, 'unmatched'), isNull(orders.deletedAt)))
        .groupBy(orders.channelId, salesChannels.name)
        .orderBy(sql`count(*) desc`, orders.channelId);
      return rows.map((r) => ({
        ...r,
        count: Number(r.count),
        groups: Number(r.groups),
        oldest: new Date(r.oldest),
      }));
    },
  };
}
