// node-cron's run coordinator on Postgres: of several instances ticking on the same slot, the one that
// claims `<job>:<slot>` runs it. Claims are serialised per key by a transaction-scoped advisory lock, and
// the claimed row outlives the lock, so an instance whose clock ticks late still sees the slot taken.
import { sql } from 'drizzle-orm';
import type { RunCoordinator } from 'node-cron';
import { type Db, queryRows } from '../db.js';

/** Claims older than this are dropped as new ones are made. */
const KEEP_DAYS = 14;

export function scheduleSlots(db: Db, instance: string): RunCoordinator {
  return {
    async shouldRun(key) {
      return db.transaction(async (tx) => {
        // The second claimer waits for the first to commit, then finds the slot taken.
        await tx.execute(
          sql`select pg_advisory_xact_lock(hashtextextended(${`ordermate:schedule:${key}`}, 0))`,
        );
        await tx.execute(
          sql`delete from schedule_slots where created_at < now() - make_interval(days => ${KEEP_DAYS})`,
        );
        const claimed = await queryRows<{ key: string }>(
          tx,
          sql`insert into schedule_slots (key, claimed_by) values (${key}, ${instance})
              on conflict (key) do nothing returning key`,
        );
        return claimed.length === 1;
      });
    },
  };
}
