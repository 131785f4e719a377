// Scheduled collection (R2): the chosen accounts for the last COLLECT_DAYS Korean days, run to its end;
// an account someone is collecting by hand is left to that run; a run that breaks off still ends the job.
import { describe, expect, it } from 'vitest';
import { CollectionRunner } from '../../src/collect/runner.js';
import type { Connector } from '../../src/connectors/types.js';
import type { Desk } from '../../src/domain/context.js';
import { collectJob } from '../../src/schedules/jobs.js';
import { actor, freshDesk, line, mallAccount, seedCatalog } from '../support/desk.js';

/** 2026-11-26 09:00 KST. */
const NINE_KST = new Date('2026-11-26T00:00:00Z');

async function accounts(desk: Desk, names: string[]) {
  const f = await seedCatalog(desk);
  const ids: number[] = [];
  for (const name of names) ids.push(await mallAccount(desk, f.channelId, name));
  return { f, ids };
}

const runs = (desk: Desk) => desk.store.read((tx) => tx.collections.list(10));

describe('scheduled collection', () => {
  it('collects every collectable account for the last COLLECT_DAYS days and returns when the run is over', async () => {
    const { desk } = await freshDesk({}, () => NINE_KST);
    const { f, ids } = await accounts(desk, ['본점', '2호점']);
    const asked: { account: number; from: string; to: string }[] = [];
    const fake: Connector = {
      async verify() {},
      async *pages(account, period) {
        asked.push({ account: account.id, from: period.from, to: period.to });
        await new Promise((resolve) => setTimeout(resolve, 20));
        yield { orders: [line(f.channelId)], claims: [], cursor: null };
      },
    };
    const runner = new CollectionRunner(desk, { fake });

    await collectJob(desk, runner, { cron: '0 * * * *', accountIds: [], days: 2 }).run(NINE_KST);

    expect(asked.sort((a, b) => a.account - b.account)).toEqual(
      ids.map((account) => ({ account, from: '2026-11-25', to: '2026-11-26' })),
    );
    const [run] = await runs(desk);
    expect(run).toMatchObject({ status: 'done', startedBy: 'schedule', source: 'schedule' });
    expect(run!.accounts.map((a) => [a.accountId, a.status, a.created])).toEqual(
      ids.map((id) => [id, 'done', 1]),
    );
  });

  it('leaves an account someone is collecting by hand to that run, and collects the others', async () => {
    const { desk } = await freshDesk({}, () => NINE_KST);
    const { f, ids } = await accounts(desk, ['본점', '2호점']);
    const [byHand, other] = ids as [number, number];
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const fake: Connector = {
      async verify() {},
      async *pages(account) {
        if (account.id === byHand) await held;
        yield { orders: [line(f.channelId)], claims: [], cursor: null };
      },
    };
    const runner = new CollectionRunner(desk, { fake });
    const manual = await runner.start(actor('operator'), {
      accountIds: [byHand],
      from: '2026-11-26',
      to: '2026-11-26',
    });

    await collectJob(desk, runner, { cron: '0 * * * *', accountIds: [byHand, other], days: 1 }).run(NINE_KST);

    const [scheduled] = await runs(desk);
    expect(scheduled!.id).not.toBe(manual);
    expect(scheduled!.accounts.map((a) => [a.accountId, a.status])).toEqual([[other, 'done']]);
    release();
    await runner.settled(manual);
    expect((await runs(desk)).find((r) => r.id === manual)).toMatchObject({ status: 'done' });
    // Only the hand-started account, and nothing at all: the job returns without a run.
    const before = (await runs(desk)).length;
    await collectJob(desk, runner, { cron: '0 * * * *', accountIds: [999], days: 1 }).run(NINE_KST);
    expect(await runs(desk)).toHaveLength(before);
  });

  it('returns when the run breaks off before it could say it finished (the database went away)', async () => {
    const { desk } = await freshDesk({}, () => NINE_KST);
    const { f } = await accounts(desk, ['본점']);
    let down = false;
    const flaky: Desk = {
      ...desk,
      store: {
        ...desk.store,
        transaction: (fn) =>
          down ? Promise.reject(new Error('connection lost')) : desk.store.transaction(fn),
      },
    };
    const fake: Connector = {
      async verify() {},
      async *pages() {
        down = true;
        yield { orders: [line(f.channelId)], claims: [], cursor: null };
      },
    };
    const runner = new CollectionRunner(flaky, { fake });

    await collectJob(desk, runner, { cron: '0 * * * *', accountIds: [], days: 1 }).run(NINE_KST);

    await runner.idle();
    const [run] = await runs(desk);
    // Nothing could be written after the run began: it stays running until the expiry job interrupts it.
    expect(run).toMatchObject({ status: 'running' });
  });
});
