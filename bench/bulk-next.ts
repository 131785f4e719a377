// bench bulk-next: 100k intake orders in 10 channels; the batch next step of all channels (R6, with
// the R1 sibling check and the audit entry) against a raw UPDATE of the same rows, same run.
// Rounds alternate raw and ours, each on a vacuumed table, and the medians are compared.
import { sql } from 'drizzle-orm';
import { moveChannelsNext } from '../src/domain/services/order-actions.js';
import type { Actor } from '../src/domain/types.js';
import { execute } from '../src/storage/db.js';
import { benchDesk, benchUrl, freshBenchDatabase, median, seedOrders, timed } from './support.js';

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

  const { channelIds, rows, ms } = await seedOrders(database, {
    rows: ROWS,
    channels: CHANNELS,
    unmatchedEvery: UNMATCHED_EVERY,
  });
  const intake = rows.filter((r) => r.stage === 'intake').length;
  const blocked = Math.ceil(ROWS / UNMATCHED_EVERY);
  console.log(`seeded ${rows.length} orders (${intake} intake) in ${ms.toFixed(0)} ms`);

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
    console.log(
      `round ${round + 1}: raw ${r.ms.toFixed(0)} ms (${r.value} rows), ours ${o.ms.toFixed(0)} ms (${moved} moved, ${o.value.refused.length} held back by R1)`,
    );
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
