// Collections over REST (R2, R16, R17): a Naver account on a loopback fake and the demo mall, collected in
// the background; the run's result per account; the same period twice adds nothing; a failing account
// fails alone.
import type { AddressInfo } from 'node:net';
import bcrypt from 'bcryptjs';
import { sql } from 'drizzle-orm';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CollectionRunner } from '../../src/collect/runner.js';
import { defaultConnectors } from '../../src/connectors/registry.js';
import { buildServer } from '../../src/http/server.js';
import { queryRows } from '../../src/storage/db.js';
import { freshDesk, seedCatalog } from '../support/desk.js';
import { fakeNaver, naverLines } from '../support/fake-naver.js';

const TOKEN = 'test-token-0123456789';
type Json = Record<string, unknown>;

async function setup() {
  const { database, desk } = await freshDesk({ adminUsers: ['api'] });
  const f = await seedCatalog(desk);
  const secret = bcrypt.genSaltSync(4);
  const naver = await fakeNaver({
    clientId: 'om-client',
    clientSecret: secret,
    lines: [
      ...naverLines('2026-11-25', 305, 'A', { productCode: 'P-1', option: 'red' }),
      ...naverLines('2026-11-25', 3, 'U', { productCode: 'UNKNOWN' }),
      ...naverLines('2026-11-25', 1, 'C', { claimType: 'CANCEL' }),
    ],
  });
  onTestFinished(() => naver.close());
  const collector = new CollectionRunner(
    desk,
    defaultConnectors({ retries: 1, baseDelayMs: 1, maxDelayMs: 1, timeoutMs: 5000, sleep: async () => {} }),
  );
  const app = await buildServer({
    desk,
    db: database.db,
    apiToken: TOKEN,
    defaultLocale: 'en',
    logLevel: 'silent',
    collector,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  onTestFinished(() => app.close());
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1`;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const account = async (name: string, connector: string, credentials?: Record<string, string>) =>
    (
      await call('POST', '/accounts', {
        channelId: f.channelId,
        name,
        connector,
        baseUrl: naver.baseUrl,
        ...(credentials ? { credentials } : {}),
      })
    ).body.id as number;
  const naverAccount = await account('스마트스토어 본점', 'naver', {
    clientId: 'om-client',
    clientSecret: secret,
  });
  const count = async (where = sql`true`) =>
    (
      await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from orders where ${where}`)
    )[0]!.n;
  return { database, desk, f, naver, collector, call, account, naverAccount, count, secret };
}

describe('collections over REST', () => {
  it('collects a Naver account in the background, page by page; the same period again adds nothing', async () => {
    const s = await setup();
    const started = await s.call('POST', '/collections', {
      accountIds: [s.naverAccount],
      from: '2026-11-25',
      to: '2026-11-25',
    });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({
      status: 'running',
      periodFrom: '2026-11-25',
      periodTo: '2026-11-25',
    });
    await s.collector.idle();
    const run = await s.call('GET', `/collections/${started.body.id}`);
    expect(run.body).toMatchObject({
      status: 'done',
      accounts: [
        {
          accountId: s.naverAccount,
          status: 'done',
          fetched: 309,
          created: 306,
          unmatched: 3,
          duplicates: 0,
          claims: 1,
          error: null,
          cursor: null,
        },
      ],
    });
    expect(await s.count()).toBe(309);
    expect(await s.count(sql`stage = 'unmatched'`)).toBe(3);
    // R17: the cancel request marks its order.
    const [claimed] = await queryRows<{ badges: string[] }>(
      s.database.db,
      sql`select badges from orders where mall_line_no = 'C00000000'`,
    );
    expect(claimed!.badges).toContain('claim_collected');

    const again = await s.call('POST', '/collections', {
      accountIds: [s.naverAccount],
      from: '2026-11-25',
      to: '2026-11-25',
    });
    await s.collector.idle();
    const second = await s.call('GET', `/collections/${again.body.id}`);
    expect(second.body.accounts).toEqual([
      expect.objectContaining({ fetched: 309, created: 0, unmatched: 0, duplicates: 309 }),
    ]);
    expect(await s.count()).toBe(309);
  });

  it('an account with a wrong secret fails alone, with the kind of failure; the demo account still collects', async () => {
    const s = await setup();
    const wrong = await s.account('잘못된 키', 'naver', {
      clientId: 'om-client',
      clientSecret: bcrypt.genSaltSync(4),
    });
    const demo = await s.account('데모몰', 'demo');
    const started = await s.call('POST', '/collections', {
      accountIds: [wrong, demo],
      from: '2026-11-24',
      to: '2026-11-25',
    });
    await s.collector.idle();
    const run = await s.call('GET', `/collections/${started.body.id}`);
    const accounts = run.body.accounts as Json[];
    expect(run.body.status).toBe('done');
    expect(accounts.find((a) => a.accountId === wrong)).toMatchObject({ status: 'failed', fetched: 0 });
    expect(String(accounts.find((a) => a.accountId === wrong)!.error)).toMatch(/^auth: /);
    expect(accounts.find((a) => a.accountId === demo)).toMatchObject({
      status: 'done',
      fetched: 16,
      claims: 2,
    });
    expect(await s.count(sql`is_demo`)).toBe(16);
  });

  it("an account being collected is refused a second run (409, in the caller's language) until it is done", async () => {
    const s = await setup();
    const resume = s.naver.pause();
    const first = await s.call('POST', '/collections', {
      accountIds: [s.naverAccount],
      from: '2026-11-25',
      to: '2026-11-25',
    });
    expect(first.status).toBe(202);
    const demo = await s.account('데모몰', 'demo');

    const busy = await s.call('POST', '/collections', {
      accountIds: [demo, s.naverAccount],
      from: '2026-11-24',
      to: '2026-11-25',
    });
    expect(busy.status).toBe(409);
    expect(busy.body.error).toEqual({
      code: 'ACCOUNT_BUSY',
      message: `account ‘스마트스토어 본점’ is already being collected (run #${first.body.id}); try again when it ends`,
    });
    expect(((await s.call('GET', '/collections')).body.items as Json[]).map((r) => r.id)).toEqual([
      first.body.id,
    ]);

    resume();
    await s.collector.idle();
    const again = await s.call('POST', '/collections', {
      accountIds: [demo, s.naverAccount],
      from: '2026-11-24',
      to: '2026-11-25',
    });
    expect(again.status).toBe(202);
    await s.collector.idle();
    expect((await s.call('GET', `/collections/${again.body.id}`)).body.status).toBe('done');
  });

  it('refuses an invalid request at once and records nothing', async () => {
    const s = await setup();
    const long = await s.call('POST', '/collections', {
      accountIds: [s.naverAccount],
      from: '2026-10-01',
      to: '2026-11-25',
    });
    expect(long.status).toBe(422);
    expect((long.body.error as Json).code).toBe('PERIOD_TOO_LONG');
    const none = await s.call('POST', '/collections', {
      accountIds: [],
      from: '2026-11-25',
      to: '2026-11-25',
    });
    expect(none.status).toBe(400);
    expect((await s.call('GET', '/collections')).body.items).toEqual([]);
    expect(s.naver.calls).toHaveLength(0);
  });
});
