// Scheduled jobs: the unmatched digest as Slack receives it (or nothing when nothing waits), expiry,
// and once-per-slot runs when several instances share one database (node-cron's distributed tasks,
// coordinated by Postgres advisory locks and claimed slots).
import { sql } from 'drizzle-orm';
import type { ScheduledTask } from 'node-cron';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { submitAction } from '../../src/domain/services/approvals.js';
import { start } from '../../src/main.js';
import { digestJob, expiryJob } from '../../src/schedules/jobs.js';
import { startSchedules } from '../../src/schedules/scheduler.js';
import { queryRows } from '../../src/storage/db.js';
import { scheduleSlots } from '../../src/storage/repositories/schedule-slots.js';
import { isPostgres } from '../support/db.js';
import { actor, addLines, line, seedCatalog } from '../support/desk.js';
import { FAKE_BOT_TOKEN, startFakeSlack } from '../support/fake-slack.js';
import {
  buttonsOf,
  expectAck,
  identity,
  reply,
  SIGNING_SECRET,
  slackHarness,
  textOf,
  USERS,
  visibleText,
} from '../support/slack.js';

const DIGEST = 'CDIGEST';
const noWarnings = (what: string, e: unknown) => {
  throw new Error(`${what}: ${(e as Error).message}`);
};

/** Waiting orders on two channels: three of one mall product, one of another, one on the second channel. */
async function waitingOrders(desk: Parameters<typeof seedCatalog>[0]) {
  const f = await seedCatalog(desk);
  const shirt = { mallProductCode: 'NEW-7', mallOption: '블루', mallProductName: '린넨 셔츠' };
  await addLines(desk, [
    line(f.channelId, shirt),
    line(f.channelId, shirt),
    line(f.channelId, shirt),
    line(f.channelId, { mallProductCode: 'NEW-8', mallOption: '', mallProductName: '머그컵' }),
    line(f.otherChannelId, { mallProductCode: 'CP-1', mallOption: '', mallProductName: '텀블러' }),
    line(f.channelId),
  ]);
  return f;
}

describe('the unmatched digest', () => {
  it('posts nothing when nothing waits; else per channel the count, the oldest wait and the top products', async () => {
    const h = await slackHarness({ digestChannel: DIGEST });
    const job = digestJob(h.desk, [h.adapter.poster], '0 9 * * 1-5', noWarnings);
    expect(job).toMatchObject({ name: 'unmatched-digest', cron: '0 9 * * 1-5' });
    await seedCatalog(h.desk);
    await job.run(new Date());
    expect(h.fake.of('chat.postMessage')).toEqual([]);

    await h.database.reset();
    await waitingOrders(h.desk);
    // The oldest waiting order arrived three days ago.
    await h.database.db.execute(
      sql`update orders set created_at = now() - interval '3 days 2 hours' where mall_product_code = 'NEW-8'`,
    );
    await job.run(new Date());
    const [posted] = h.fake.of('chat.postMessage');
    expect(posted!.body.channel).toBe(DIGEST);
    const text = visibleText(posted!.body);
    expect(text).toContain('비매칭 주문 알림 · 5건');
    expect(text).toContain('*스마트스토어* — 4건 · 가장 오래된 주문 3일째 대기');
    expect(text).toContain('• 린넨 셔츠 `NEW-7` / 블루 3건\n• 머그컵 `NEW-8` 1건');
    expect(text).toContain('*쿠팡* — 1건');
    expect(buttonsOf(posted!.body).map((b) => textOf(b.text))).toEqual(['지금 매칭']);
    // "Match now" from the channel message opens the unmatched list for whoever clicks.
    const sent = await h.click(posted!.body, { button: '지금 매칭' }, USERS.operator, {
      posted: { channel: DIGEST, ts: String(posted!.response.ts) },
    });
    expectAck(sent);
    expect(visibleText(await reply(h, sent))).toContain('비매칭 주문 5건 · 매칭할 상품 3개');
  });
});

describe('expiry', () => {
  it('expires pending approvals past their time and updates their Slack messages', async () => {
    const h = await slackHarness({ policy: { approvalRequired: ['delete'], approvalTtlHours: 1 } });
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    const requester = { ...actor('operator', identity(USERS.operator)) };
    const outcome = await submitAction(h.desk, requester, {
      action: 'delete',
      serials: created,
      reason: '중복',
    });
    expect(outcome.kind).toBe('approval_requested');
    if (outcome.kind !== 'approval_requested') return;
    await h.adapter.notifier.approvalRequested(outcome.approval);
    const job = expiryJob(h.desk, [h.adapter.notifier], '*/5 * * * *', noWarnings);
    await job.run(new Date());
    expect(h.fake.of('chat.update')).toEqual([]);
    await h.database.db.execute(sql`update approval_requests set expires_at = now() - interval '1 minute'`);
    await job.run(new Date());
    const [updated] = h.fake.of('chat.update');
    expect(visibleText(updated!.body)).toContain('만료');
    const [row] = await queryRows<{ status: string }>(
      h.database.db,
      sql`select status from approval_requests`,
    );
    expect(row!.status).toBe('expired');
  });
});

/** Resolves when each task has run or been skipped for `slots` distinct slots (every second). */
function decisions(tasks: ScheduledTask[], slots: number): Promise<Map<string, string[]>> {
  const seen = new Map<string, string[]>();
  return new Promise((resolve) => {
    tasks.forEach((task, i) => {
      const note = (what: string) => (ctx: { date: Date }) => {
        const key = ctx.date.toISOString();
        const list = seen.get(key) ?? [];
        list.push(`${i}:${what}`);
        seen.set(key, list);
        const complete = [...seen.values()].filter((l) => l.length === tasks.length);
        if (complete.length >= slots)
          resolve(new Map([...seen].filter(([, l]) => l.length === tasks.length)));
      };
      task.on('execution:finished', note('ran'));
      task.on('execution:skipped', note('skipped'));
    });
  });
}

describe('several instances on one database', () => {
  it('run each slot of a job once: one instance claims it, the others skip it', async () => {
    const h = await slackHarness();
    const runs: string[] = [];
    const job = (instance: string) => ({
      name: 'probe',
      cron: '* * * * * *',
      run: async (slot: Date) => {
        runs.push(`${instance}@${slot.toISOString()}`);
      },
    });
    const schedules = ['a', 'b'].map((instance) =>
      startSchedules([job(instance)], {
        timezone: 'Asia/Seoul',
        coordinator: scheduleSlots(h.database.db, instance),
        onError: noWarnings,
      }),
    );
    onTestFinished(async () => {
      for (const s of schedules) await s.stop();
    });
    const decided = await decisions(
      schedules.flatMap((s) => s.tasks),
      2,
    );
    for (const [slot, outcomes] of decided) {
      expect(
        outcomes.filter((o) => o.endsWith(':ran')),
        slot,
      ).toHaveLength(1);
      expect(
        outcomes.filter((o) => o.endsWith(':skipped')),
        slot,
      ).toHaveLength(1);
      expect(runs.filter((r) => r.endsWith(`@${slot}`))).toHaveLength(1);
    }
    const claimed = await queryRows<{ key: string }>(
      h.database.db,
      sql`select key from schedule_slots where key like 'probe:%'`,
    );
    for (const slot of decided.keys()) expect(claimed.map((c) => c.key)).toContain(`probe:${slot}`);
  });

  it.runIf(isPostgres)(
    'two OrderMate instances on Postgres post one digest per slot to Slack',
    async () => {
      const h = await slackHarness();
      await waitingOrders(h.desk);
      const fake = await startFakeSlack({ token: FAKE_BOT_TOKEN, locales: {} });
      onTestFinished(() => fake.close());
      const env = {
        DATABASE_URL: h.database.url!,
        PORT: '0',
        CONSOLE: 'off',
        LOG_LEVEL: 'silent',
        SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: fake.apiUrl,
        SLACK_BOT_ID: 'B1',
        SLACK_BOT_USER_ID: 'UBOT',
        SLACK_DIGEST_CHANNEL: DIGEST,
        DIGEST_CRON: '* * * * * *',
        EXPIRY_CRON: 'off',
      };
      const log = console.log;
      console.log = () => {};
      const instances = await Promise.all([start(loadConfig(env)), start(loadConfig(env))]).finally(() => {
        console.log = log;
      });
      onTestFinished(async () => {
        for (const i of instances) await i.stop();
      });
      const decided = await decisions(
        instances.flatMap((i) => i.schedules.tasks),
        2,
      );
      for (const i of instances) await i.schedules.stop();
      const digests = fake.of('chat.postMessage').filter((c) => c.body.channel === DIGEST);
      const slots = await queryRows<{ key: string }>(
        h.database.db,
        sql`select key from schedule_slots where key like 'unmatched-digest:%'`,
      );
      // Every slot both instances decided on was run by one of them: one digest per claimed slot.
      for (const [slot, outcomes] of decided)
        expect(
          outcomes.filter((o) => o.endsWith(':ran')),
          slot,
        ).toHaveLength(1);
      expect(digests).toHaveLength(slots.length);
      expect(visibleText(digests[0]!.body)).toContain('비매칭 주문 알림 · 5건');
    },
    30_000,
  );
});
