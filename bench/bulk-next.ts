// bench bulk-next: 100k intake orders in 10 channels; the batch next step of all channels (R6, with
// the R1 sibling check and the audit entry) against a raw UPDATE of the same rows, same run.
// Rounds alternate raw and ours, each on a vacuumed table, and the medians are compared.
import { sql } from 'drizzle-orm';
import type { NewOrder } from '../src/domain/ports.js';
import { packingKey } from '../src/domain/rules/packing.js';
import { moveChannelsNext } from '../src/domain/services/order-actions.js';
import type { Actor } from '../src/domain/types.js';
import { execute } from '../src/storage/db.js';
import { ordersRepository } from '../src/storage/repositories/orders.js';
import { benchDesk, benchUrl, freshBenchDatabase, median, timed } from './support.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const CHANNELS = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** One in this many mall orders also has an unmatched line, so R1 has work to do. */
const UNMATCHED_EVERY = 200;

const actor: Actor = { id: 'bench', role: 'operator', source: 'api' };

async function main() {
  const database = await freshBenchDatabase(benchUrl('bulk-next'), 'bulk-next');
  const { db } = database;
  const desk = benchDesk(database);

  const channelIds: number[] = [];
  for (let c = 0; c < CHANNELS; c++) {
    const [row] = await db.execute(sql`insert into sales_channels (code, name) values (${`mall-${c}`}, ${`Mall ${c}`}) returning id`) as unknown as { id: number }[];
    channelIds.push(Number(row!.id));
  }
  const [product] = (await db.execute(
    sql`insert into products (code, name, price_krw) values ('B-1', 'Bench product', 1000) returning id`,
  )) as unknown as { id: number }[];

  const rows: NewOrder[] = [];
  const orderedAt = new Date();
  for (let i = 0; i < ROWS; i++) {
    const channelId = channelIds[i % CHANNELS]!;
    const fields = {
      channelId,
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
    if (i % UNMATCHED_EVERY === 0) {
      rows.push({ ...base, mallLineNo: '2', mallProductCode: 'UNKNOWN', productId: null, stage: 'unmatched' });
    }
  }
  const seeded = await timed(() =>
    db.transaction(async (tx) => ordersRepository(tx as never).insert(rows, 'bench-seed')),
  );
  const intake = rows.filter((r) => r.stage === 'intake').length;
  const blocked = Math.ceil(ROWS / UNMATCHED_EVERY);
  console.log(`seeded ${seeded.value.inserted.length} orders (${intake} intake) in ${seeded.ms.toFixed(0)} ms`);

  const reset = async () => {
    await execute(db, sql`update orders set stage = 'intake' where stage = 'processing'`);
    await db.execute(sql`vacuum analyze orders`);
  };
  await db.execute(sql`vacuum analyze`);

  const raw: number[] = [];
  const ours: number[] = [];
  let moved = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const r = await timed(() =>
      execute(
        db,
        sql`update orders set stage = 'processing' where channel_id in ${channelIds} and stage = 'intake'`,
      ),
    );
    raw.push(r.ms);
    await reset();
    const o = await timed(() => moveChannelsNext(desk, actor, { channelIds }));
    ours.push(o.ms);
    moved = o.value.done.length;
    if (o.value.refused.length !== blocked || moved !== intake - blocked) {
      throw new Error(`unexpected result: moved ${moved}, refused ${o.value.refused.length}`);
    }
    await reset();
    console.log(`round ${round + 1}: raw ${r.ms.toFixed(0)} ms (${r.value} rows), ours ${o.ms.toFixed(0)} ms (${moved} moved, ${o.value.refused.length} held back by R1)`);
  }
  await database.close();
  const oursMs = median(ours);
  const rawMs = median(raw);
  console.log(
    `bench bulk-next: ratio=${(oursMs / rawMs).toFixed(2)} ours_ms=${oursMs.toFixed(0)} raw_ms=${rawMs.toFixed(0)} rows=${intake}`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
