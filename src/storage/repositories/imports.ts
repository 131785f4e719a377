// Import previews (R12): the preview record, its staged rows (in column-array chunks), and Register as one
// INSERT … SELECT.
import { and, eq, inArray, lte, type SQL, sql } from 'drizzle-orm';
import type { ImportPreviewRecord, ImportsPort, StagedRow } from '../../domain/ports.js';
import { type Db, pgArray, queryRows } from '../db.js';
import { importChunks, importPreviews } from '../schema.js';

/** Staged columns in insert order, with the array type each is sent as. */
const STAGED_COLUMNS: [keyof StagedRow, string, string][] = [
  ['rowNo', 'row_no', 'int'],
  ['mallOrderNo', 'mall_order_no', 'text'],
  ['mallLineNo', 'mall_line_no', 'text'],
  ['mallProductCode', 'mall_product_code', 'text'],
  ['mallOption', 'mall_option', 'text'],
  ['mallProductName', 'mall_product_name', 'text'],
  ['quantity', 'quantity', 'int'],
  ['unitPriceKrw', 'unit_price_krw', 'int'],
  ['amountKrw', 'amount_krw', 'int'],
  ['ordererName', 'orderer_name', 'text'],
  ['ordererPhone', 'orderer_phone', 'text'],
  ['recipientName', 'recipient_name', 'text'],
  ['recipientPhone', 'recipient_phone', 'text'],
  ['address', 'address', 'text'],
  ['zip', 'zip', 'text'],
  ['deliveryMessage', 'delivery_message', 'text'],
  ['kind', 'kind', 'text'],
  ['packingKey', 'packing_key', 'text'],
  ['orderedAt', 'ordered_at', 'timestamptz'],
];

/** The order columns Register fills straight from a staged row. */
const COPIED = [
  'mall_order_no',
  'mall_product_code',
  'mall_option',
  'mall_product_name',
  'unit_price_krw',
  'orderer_name',
  'orderer_phone',
  'recipient_name',
  'recipient_phone',
  'address',
  'zip',
  'delivery_message',
  'kind',
  'packing_key',
];

/** A preview's staged rows as a table: the chunks unnested (row i of a chunk is element i of each array). */
function unnested(id: string): SQL {
  const names = STAGED_COLUMNS.map(([, column]) => column);
  return sql`
    select u.*
    from import_chunks c
    cross join lateral unnest(${sql.raw(names.map((n) => `c.${n}`).join(', '))}) as u(${sql.raw(names.join(', '))})
    where c.import_id = ${id}`;
}

/** The staged rows but those repeated within the file (found once, at the end of reading). */
function staged(id: string, skipRows: number[]): SQL {
  if (skipRows.length === 0) return sql`(${unnested(id)})`;
  return sql`(${unnested(id)} and u.row_no <> all(${pgArray(skipRows, 'int')}))`;
}

const record = {
  id: importPreviews.id,
  channelId: importPreviews.channelId,
  templateName: importPreviews.templateName,
  fileName: importPreviews.fileName,
  createdBy: importPreviews.createdBy,
  status: importPreviews.status,
  summary: importPreviews.summary,
  problems: importPreviews.problems,
  result: importPreviews.result,
  expiresAt: importPreviews.expiresAt,
  createdAt: importPreviews.createdAt,
};

export function importsRepository(db: Db): ImportsPort {
  const dropRows = (ids: string[]) =>
    ids.length ? db.delete(importChunks).where(inArray(importChunks.importId, ids)) : Promise.resolve();

  return {
    async create(p) {
      await db.insert(importPreviews).values({ ...p, summary: {}, status: 'reading' });
    },

    async stage(id, chunkNo, rows) {
      if (rows.length === 0) return;
      // One pass over the rows fills every column's array (this runs while the next chunk is read).
      const columns = STAGED_COLUMNS.map(() => new Array<string | number | null>(rows.length));
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        for (let c = 0; c < STAGED_COLUMNS.length; c++) {
          const v = row[STAGED_COLUMNS[c]![0]];
          columns[c]![i] = v instanceof Date ? v.toISOString() : v;
        }
      }
      const arrays = columns.map((values, c) => pgArray(values, STAGED_COLUMNS[c]![2]));
      const names = STAGED_COLUMNS.map(([, column]) => column);
      await db.execute(sql`
        insert into import_chunks (import_id, chunk_no, ${sql.raw(names.join(', '))})
        values (${id}, ${chunkNo}, ${sql.join(arrays, sql`, `)})`);
    },

    async repeats(id) {
      const rows = await queryRows<{ row_no: number; mall_order_no: string; mall_line_no: string }>(
        db,
        sql`
        select row_no, mall_order_no, mall_line_no from (
          select u.row_no, u.mall_order_no, u.mall_line_no,
                 row_number() over (partition by u.mall_order_no, u.mall_line_no order by u.row_no) as repeat_no
          from (${unnested(id)}) u
        ) numbered
        where repeat_no > 1 order by row_no`,
      );
      return rows.map((r) => ({
        rowNo: Number(r.row_no),
        mallOrderNo: r.mall_order_no,
        mallLineNo: r.mall_line_no,
      }));
    },

    async summarize(id, skipRows) {
      const [row] = await queryRows<{ matched: number; unmatched: number; duplicates: number }>(
        db,
        sql`
        select count(*) filter (where o.serial is not null)::int as duplicates,
               count(*) filter (where o.serial is null and k.mall_product_code is not null)::int as matched,
               count(*) filter (where o.serial is null and k.mall_product_code is null)::int as unmatched
        from ${staged(id, skipRows)} r
        join import_previews p on p.id = ${id}
        left join orders o
          on o.channel_id = p.channel_id and o.mall_order_no = r.mall_order_no and o.mall_line_no = r.mall_line_no
        left join (select distinct channel_id, mall_product_code, mall_option from product_matches) k
          on k.channel_id = p.channel_id and k.mall_product_code = r.mall_product_code
         and k.mall_option = r.mall_option`,
      );
      return {
        matched: Number(row?.matched ?? 0),
        unmatched: Number(row?.unmatched ?? 0),
        duplicates: Number(row?.duplicates ?? 0),
      };
    },

    async open(id, summary, problems) {
      await db
        .update(importPreviews)
        .set({ status: 'preview', summary, problems })
        .where(eq(importPreviews.id, id));
    },

    async lock(id) {
      const [row] = await db
        .select(record)
        .from(importPreviews)
        .where(eq(importPreviews.id, id))
        .for('update');
      return row ? (row as ImportPreviewRecord) : null;
    },

    async register(id, { channelId, actor, now, badges, skipRows }) {
      // Sorting 100k wide lines into file order spills to disk at the default 4 MB; this transaction only.
      await db.execute(sql`set local work_mem = '64MB'`);
      // Bundles: the first product of a match is the line itself, further products become lines
      // `<line>/2`, `<line>/3` … with the amount on the first. No match → the unmatched queue (R1).
      const rows = await queryRows<{
        serial: number | null;
        stage: 'intake' | 'unmatched' | null;
        lines: number | null;
      }>(
        db,
        sql`
        with m as (
          select mall_product_code, mall_option, product_id, quantity,
                 row_number() over (partition by mall_product_code, mall_option order by id) as item_no
          from product_matches where channel_id = ${channelId}
        ), lines as materialized (
          select r.*, m.product_id, coalesce(m.item_no, 1) as item_no, coalesce(m.quantity, 1) as per_item
          from ${staged(id, skipRows)} r
          left join m on m.mall_product_code = r.mall_product_code and m.mall_option = r.mall_option
        ), ins as (
          insert into orders (channel_id, ${sql.raw(COPIED.join(', '))}, mall_line_no, product_id, quantity,
                              amount_krw, stage, source, badges, ordered_at, import_id, updated_by)
          select ${channelId}, ${sql.raw(COPIED.map((c) => `l.${c}`).join(', '))},
                 case when l.item_no = 1 then l.mall_line_no else l.mall_line_no || '/' || l.item_no end,
                 l.product_id, l.quantity * l.per_item,
                 case when l.item_no = 1 then l.amount_krw else 0 end,
                 case when l.product_id is null then 'unmatched' else 'intake' end,
                 'excel', ${pgArray(badges, 'text')}, coalesce(l.ordered_at, ${now.toISOString()}::timestamptz),
                 ${id}, ${actor}
          from lines l
          order by l.row_no, l.item_no
          on conflict (channel_id, mall_order_no, mall_line_no) do nothing
          returning serial, stage
        )
        select serial, stage, null::int as lines from ins
        union all
        select null, null, count(*)::int from lines`,
      );
      const inserted: { serial: number; stage: 'intake' | 'unmatched' }[] = [];
      let lines = 0;
      for (const r of rows) {
        if (r.serial === null) lines = Number(r.lines);
        else inserted.push({ serial: Number(r.serial), stage: r.stage! });
      }
      inserted.sort((a, b) => a.serial - b.serial);
      return { inserted, duplicates: lines - inserted.length };
    },

    async setStatus(id, status, result) {
      await db
        .update(importPreviews)
        .set({ status, ...(result === undefined ? {} : { result }) })
        .where(eq(importPreviews.id, id));
      if (status !== 'preview' && status !== 'reading') await dropRows([id]);
    },

    async discard(id) {
      await db.delete(importPreviews).where(eq(importPreviews.id, id));
    },

    async expire(now) {
      const rows = await db
        .update(importPreviews)
        .set({ status: 'expired' })
        .where(
          and(inArray(importPreviews.status, ['reading', 'preview']), lte(importPreviews.expiresAt, now)),
        )
        .returning({ id: importPreviews.id });
      const ids = rows.map((r) => r.id);
      await dropRows(ids);
      return ids;
    },
  };
}
