// The Cafe24 connector against a fake that checks what the documentation demands: Basic client
// credentials and rotating refresh tokens on the token endpoint, Bearer access tokens, day windows,
// limit ≤ 1000 and offset ≤ 15000; and, through the runner, that a rotated refresh token is stored sealed.
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { CollectionRunner } from '../../src/collect/runner.js';
import { CAFE24_API_VERSION, cafe24Connector, cafe24Time } from '../../src/connectors/cafe24.js';
import { DEFAULT_RETRY } from '../../src/connectors/http.js';
import { defaultConnectors } from '../../src/connectors/registry.js';
import { type AccountAccess, ConnectorError } from '../../src/connectors/types.js';
import type { CollectedPage } from '../../src/domain/services/collection.js';
import { buildServer } from '../../src/http/server.js';
import { freshDesk, seedCatalog } from '../support/desk.js';
import {
  CAFE24_ORDERS,
  CAFE24_TOKEN,
  cafe24Orders,
  type FakeCafe24Order,
  fakeCafe24,
} from '../support/fake-cafe24.js';
import { recordedRetry } from '../support/retry.js';

const CREDS = { clientId: 'om-cafe24', clientSecret: 'cs-secret', mallId: 'ordermate', refreshToken: 'rt-0' };
const DAY = { from: '2026-11-25', to: '2026-11-25' };

async function setup(orders: FakeCafe24Order[], credentials: Record<string, string> = CREDS) {
  const fake = await fakeCafe24({ ...CREDS, orders });
  onTestFinished(() => fake.close());
  const { policy, slept } = recordedRetry();
  const renewed: Record<string, string>[] = [];
  // renewCredentials stands for storage: the next run reads what it stored.
  const account: AccountAccess = {
    id: 1,
    channelId: 7,
    baseUrl: fake.baseUrl,
    credentials: { ...credentials },
    renewCredentials: async (next) => {
      renewed.push(next);
      account.credentials = next;
    },
  };
  const collect = async (period = { from: '2026-11-25', to: '2026-11-26' }, cursor?: string | null) => {
    const pages: CollectedPage[] = [];
    for await (const page of cafe24Connector(policy).pages(account, period, cursor)) pages.push(page);
    return pages;
  };
  const callsTo = (path: string) => fake.calls.filter((c) => c.path === path);
  return { fake, slept, policy, account, renewed, collect, callsTo };
}

const failure = (e: unknown) => e as ConnectorError;

describe('Cafe24 connector', () => {
  it('pages each Korean day by offset, 500 orders a page; each order item is a line', async () => {
    const s = await setup([...cafe24Orders('2026-11-25', 1100, 'A'), ...cafe24Orders('2026-11-26', 7, 'B')]);
    const pages = await s.collect();
    // n orders, every fifth with two items: n + ceil(n / 5) lines.
    expect(pages.map((p) => p.orders.length)).toEqual([600, 600, 120, 9]);
    expect(new Set(pages.flatMap((p) => p.orders.map((o) => o.mallLineNo))).size).toBe(1329);
    const calls = s.callsTo(CAFE24_ORDERS);
    expect(
      calls.map((c) => [c.query.get('start_date'), c.query.get('end_date'), c.query.get('offset')]),
    ).toEqual([
      ['2026-11-25', '2026-11-25', '0'],
      ['2026-11-25', '2026-11-25', '500'],
      ['2026-11-25', '2026-11-25', '1000'],
      ['2026-11-26', '2026-11-26', '0'],
    ]);
    for (const c of calls) {
      expect(c.query.get('limit')).toBe('500');
      expect(c.query.get('date_type')).toBe('order_date');
      expect(c.query.get('embed')).toBe('items,receivers,buyer');
      expect(c.version).toBe(CAFE24_API_VERSION);
      expect(c.authorization).toMatch(/^Bearer at-1-/);
    }
    expect(CAFE24_API_VERSION).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(s.callsTo(CAFE24_TOKEN)).toHaveLength(1);
    const first = pages[0]!.orders[0]!;
    expect(first).toMatchObject({
      channelId: 7,
      mallOrderNo: '20261125-A000000',
      mallLineNo: '20261125-A000000-01',
      mallProductCode: 'P-1',
      mallProductName: '유기농 현미 5kg',
      mallOption: 'red',
      quantity: 1,
      unitPriceKrw: 32000,
      amountKrw: 32000,
      ordererName: '김민수',
      ordererPhone: '010-1234-5678',
      recipientName: '수령인000',
      recipientPhone: '010-9876-5432',
      address: '서울특별시 강남구 테헤란로 152 12층',
      zip: '06236',
      deliveryMessage: '문 앞',
    });
    expect(first.orderedAt?.toISOString()).toBe('2026-11-25T00:00:00.000Z');
    expect(pages[0]!.cursor).toBe(JSON.stringify({ day: 0, offset: 500 }));
    expect(pages.at(-1)!.cursor).toBeNull();
  });

  it('resumes from a stored cursor, with the access token the first run stored', async () => {
    const s = await setup([...cafe24Orders('2026-11-25', 1100, 'A'), ...cafe24Orders('2026-11-26', 7, 'B')]);
    const all = await s.collect();
    const before = s.fake.calls.length;
    const rest = await s.collect(undefined, all[0]!.cursor);
    expect(rest.map((p) => p.orders.length)).toEqual([600, 120, 9]);
    const later = s.fake.calls.slice(before);
    expect(later.map((c) => [c.path, c.query.get('start_date'), c.query.get('offset')])).toEqual([
      [CAFE24_ORDERS, '2026-11-25', '500'],
      [CAFE24_ORDERS, '2026-11-25', '1000'],
      [CAFE24_ORDERS, '2026-11-26', '0'],
    ]);
  });

  it('each refresh rotates the refresh token: the new one is handed back at once, the spent one is refused', async () => {
    const s = await setup(cafe24Orders('2026-11-25', 3, 'A'));
    await s.collect(DAY);
    const [token] = s.callsTo(CAFE24_TOKEN);
    expect(token!.method).toBe('POST');
    expect(token!.authorization).toBe(`Basic ${Buffer.from('om-cafe24:cs-secret').toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(token!.body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'rt-0',
    });
    expect(s.renewed).toHaveLength(1);
    const next = s.renewed[0]!;
    expect(next).toMatchObject({ ...CREDS, refreshToken: s.fake.refreshToken() });
    expect(next.refreshToken).not.toBe('rt-0');
    expect(next.accessToken).toMatch(/^at-1-/);
    // expires_at comes in Korean time without an offset; stored as an instant, two hours ahead.
    expect(Date.parse(next.accessTokenExpiresAt!) - Date.now()).toBeGreaterThan(119 * 60_000);
    expect(Date.parse(next.refreshTokenExpiresAt!) - Date.now()).toBeGreaterThan(13 * 86_400_000);

    // Another run that still holds the spent refresh token is refused: an auth failure, not retried.
    const stale = { ...s.account, credentials: { ...CREDS }, renewCredentials: undefined };
    const refused = await cafe24Connector(s.policy)
      .verify(stale)
      .catch((e: unknown) => e);
    expect(failure(refused).kind).toBe('auth');
    expect(failure(refused).message).toMatch(/refused the refresh token/);
    expect(s.callsTo(CAFE24_TOKEN)).toHaveLength(2);
    expect(s.slept).toEqual([]);

    // Within one connector, a second account object holding the same refresh token reuses the renewal.
    const connector = cafe24Connector(s.policy);
    const a = { ...s.account, credentials: { ...next, accessToken: '' } };
    const b = { ...s.account, credentials: { ...next, accessToken: '' }, renewCredentials: undefined };
    await connector.verify(a);
    await connector.verify(b);
    expect(s.callsTo(CAFE24_TOKEN)).toHaveLength(3);
    expect(s.renewed).toHaveLength(2);
  });

  it('renewed credentials that cannot be stored are kept and stored again, never refreshed twice', async () => {
    const s = await setup(cafe24Orders('2026-11-25', 3, 'A'));
    const connector = cafe24Connector(s.policy);
    let storing: 'down' | 'up' = 'down';
    const tried: string[] = [];
    // The database is away: every attempt to store the renewed credentials fails.
    s.account.renewCredentials = async (next) => {
      tried.push(next.refreshToken!);
      if (storing === 'down') throw new Error('connection lost');
      s.account.credentials = next;
    };
    const collect = async () => {
      const pages: CollectedPage[] = [];
      for await (const page of connector.pages(s.account, DAY)) pages.push(page);
      return pages;
    };

    // The run goes on with the new token; storing was tried three times, backing off.
    expect((await collect()).flatMap((p) => p.orders)).toHaveLength(4);
    const issued = s.fake.refreshToken();
    expect(tried).toEqual([issued, issued, issued]);
    expect(s.slept).toEqual([100, 200]);
    expect(s.account.credentials.refreshToken).toBe('rt-0');

    // The next run still reads the spent token from storage: the kept credentials are used instead (no
    // refresh Cafe24 would refuse), and stored before the first call now that storing works.
    storing = 'up';
    expect((await collect()).flatMap((p) => p.orders)).toHaveLength(4);
    expect(s.callsTo(CAFE24_TOKEN)).toHaveLength(1);
    expect(s.account.credentials.refreshToken).toBe(issued);
    expect(tried).toEqual([issued, issued, issued, issued]);
  });

  it('a refused refresh token renewed meanwhile elsewhere: the stored credentials are read again and used', async () => {
    const s = await setup(cafe24Orders('2026-11-25', 3, 'A'));
    // Storage, shared by two instances.
    let stored: Record<string, string> = { ...CREDS };
    const instance = (): AccountAccess => ({
      ...s.account,
      credentials: { ...stored },
      renewCredentials: async (next) => {
        stored = next;
      },
      storedCredentials: async () => ({ ...stored }),
    });
    const late = instance();
    // The other instance renews first: rt-0 is spent.
    await cafe24Connector(s.policy).verify(instance());
    expect(stored.refreshToken).toBe(s.fake.refreshToken());

    const pages: CollectedPage[] = [];
    for await (const page of cafe24Connector(s.policy).pages(late, DAY)) pages.push(page);

    expect(pages.flatMap((p) => p.orders)).toHaveLength(4);
    // One refresh each; the refused one is not retried with the spent token.
    expect(s.callsTo(CAFE24_TOKEN).map((c) => new URLSearchParams(c.body).get('refresh_token'))).toEqual([
      'rt-0',
      'rt-0',
    ]);
    expect(stored.refreshToken).toBe(s.fake.refreshToken());
  });

  it('an access token Cafe24 no longer accepts is renewed once, then the call succeeds', async () => {
    const inAnHour = new Date(Date.now() + 3600_000).toISOString();
    const s = await setup(cafe24Orders('2026-11-25', 3, 'A'), {
      ...CREDS,
      accessToken: 'at-revoked',
      accessTokenExpiresAt: inAnHour,
    });
    const pages = await s.collect(DAY);
    expect(pages.flatMap((p) => p.orders)).toHaveLength(4);
    expect(s.fake.calls.map((c) => [c.path, c.authorization.slice(0, 10)])).toEqual([
      [CAFE24_ORDERS, 'Bearer at-'],
      [CAFE24_TOKEN, 'Basic b20t'],
      [CAFE24_ORDERS, 'Bearer at-'],
    ]);
    expect(s.fake.calls[0]!.authorization).toBe('Bearer at-revoked');
    expect(s.renewed).toHaveLength(1);

    // A token past its stored end is renewed before use, without a refused call.
    s.fake.expireAccessTokens();
    s.account.credentials = {
      ...s.account.credentials,
      accessTokenExpiresAt: new Date(Date.now() - 1).toISOString(),
    };
    const before = s.fake.calls.length;
    await s.collect(DAY);
    expect(s.fake.calls.slice(before).map((c) => c.path)).toEqual([CAFE24_TOKEN, CAFE24_ORDERS]);
  });

  it('a refused refresh token or client secret is an auth failure, not retried', async () => {
    const s = await setup(cafe24Orders('2026-11-25', 1, 'A'), { ...CREDS, refreshToken: 'rt-unknown' });
    const error = await s.collect(DAY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(failure(error).kind).toBe('auth');
    expect(failure(error).detail.status).toBe(400);
    expect(s.fake.calls).toHaveLength(1);
    expect(s.slept).toEqual([]);

    s.account.credentials = { ...CREDS, clientSecret: 'wrong' };
    expect(failure(await s.collect(DAY).catch((e: unknown) => e)).kind).toBe('auth');
    expect(s.fake.calls).toHaveLength(2);

    s.account.credentials = { clientId: 'om-cafe24' };
    expect(failure(await s.collect(DAY).catch((e: unknown) => e)).kind).toBe('auth');
    expect(s.fake.calls).toHaveLength(2);
  });

  it('waits as long as Retry-After says on 429, backs off on 5xx, then carries on', async () => {
    const s = await setup(cafe24Orders('2026-11-25', 3, 'A'));
    s.fake.fail(
      CAFE24_ORDERS,
      {
        status: 429,
        headers: { 'retry-after': '2', 'x-api-call-limit': '40/40' },
        body: { error: { code: 429 } },
      },
      { status: 502, body: 'bad gateway' },
      { status: 503, body: 'unavailable' },
    );
    const pages = await s.collect(DAY);
    expect(pages[0]!.orders).toHaveLength(4);
    expect(s.slept).toEqual([2000, 200, 400]);
    expect(s.callsTo(CAFE24_TOKEN)).toHaveLength(1);
  });

  it('a page that keeps failing fails with the last error; a malformed page is permanent at once', async () => {
    const s = await setup(cafe24Orders('2026-11-25', 3, 'A'));
    s.fake.fail(CAFE24_ORDERS, ...Array.from({ length: 4 }, () => ({ status: 500, body: 'boom' })));
    const down = await s.collect(DAY).catch((e: unknown) => e);
    expect(failure(down).kind).toBe('transient');
    expect(s.slept).toEqual([100, 200, 400]);

    s.fake.fail(CAFE24_ORDERS, { status: 200, body: { orders: [{ order_id: '1', items: 'none' }] } });
    const odd = await s.collect(DAY).catch((e: unknown) => e);
    expect(failure(odd).kind).toBe('permanent');
    expect(failure(odd).message).toContain('malformed');
  });

  it('a day with more orders than offset paging reaches fails the account, after storing what it could', async () => {
    const s = await setup(cafe24Orders('2026-11-25', 15_501, 'A'));
    const pages: CollectedPage[] = [];
    const error = await (async () => {
      for await (const page of cafe24Connector(s.policy).pages(s.account, DAY)) pages.push(page);
    })().catch((e: unknown) => e);
    expect(failure(error).kind).toBe('permanent');
    expect(failure(error).message).toContain('2026-11-25');
    expect(pages).toHaveLength(31);
    expect(s.callsTo(CAFE24_ORDERS).at(-1)!.query.get('offset')).toBe('15000');
  });

  it('turns cancel, return and exchange items into claims (R17); only paid, unshipped items are orders', async () => {
    const order = (id: string, status: string, more: object = {}): FakeCafe24Order => ({
      orderId: id,
      orderDate: '2026-11-25T10:00:00+09:00',
      items: [{ code: `${id}-01`, status, ...more }],
    });
    const s = await setup([
      order('O-1', 'N10'),
      order('O-2', 'N20', { price: 10000, optionPrice: 2000, quantity: 3 }),
      order('O-3', 'C00', { claimCode: 'CL-1', claimReason: '단순 변심' }),
      order('O-4', 'R00'),
      order('O-5', 'E10', { claimCode: 'EX-1' }),
      order('O-6', 'C11'),
      order('O-7', 'N00'),
      order('O-8', 'N40'),
    ]);
    const [page] = await s.collect(DAY);
    expect(page!.orders.map((o) => o.mallLineNo)).toEqual(['O-1-01', 'O-2-01']);
    expect(page!.orders[1]).toMatchObject({ unitPriceKrw: 12000, quantity: 3, amountKrw: 36000 });
    expect(page!.claims.map((c) => [c.mallOrderNo, c.mallLineNo, c.type, c.reason, c.mallClaimId])).toEqual([
      ['O-3', 'O-3-01', 'cancel', '단순 변심', 'CL-1'],
      ['O-4', 'O-4-01', 'return', 'return', 'O-4-01:return'],
      ['O-5', 'O-5-01', 'exchange', 'exchange', 'EX-1'],
    ]);
    expect(page!.claims.every((c) => c.channelId === 7)).toBe(true);
  });

  it('the fake refuses what the documentation forbids', async () => {
    const s = await setup([]);
    const basic = `Basic ${Buffer.from('om-cafe24:cs-secret').toString('base64')}`;
    const token = (auth: string, refreshToken: string) =>
      fetch(`${s.fake.baseUrl}${CAFE24_TOKEN}`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
      });
    expect((await token(`Basic ${Buffer.from('om-cafe24:nope').toString('base64')}`, 'rt-0')).status).toBe(
      401,
    );
    const first = (await (await token(basic, 'rt-0')).json()) as {
      access_token: string;
      refresh_token: string;
    };
    expect((await token(basic, 'rt-0')).status).toBe(400);
    const get = (query: string, bearer = first.access_token) =>
      fetch(`${s.fake.baseUrl}${CAFE24_ORDERS}?${query}`, {
        headers: { authorization: `Bearer ${bearer}` },
      }).then((r) => r.status);
    expect(await get('start_date=2026-11-25&end_date=2026-11-25')).toBe(200);
    expect(await get('start_date=2026-11-25&end_date=2026-11-25', 'at-unknown')).toBe(401);
    expect(await get('end_date=2026-11-25')).toBe(422);
    expect(await get('start_date=2026-08-01&end_date=2026-11-25')).toBe(422);
    expect(await get('start_date=2026-11-25&end_date=2026-11-25&limit=1001')).toBe(422);
    expect(await get('start_date=2026-11-25&end_date=2026-11-25&offset=15001')).toBe(422);
    s.fake.expireAccessTokens();
    expect(await get('start_date=2026-11-25&end_date=2026-11-25')).toBe(401);
  });

  it("without a base URL the mall's own host is called: https://{mall_id}.cafe24api.com", async () => {
    const urls: string[] = [];
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input) => {
      urls.push(String(input));
      return new Response('{"error":"invalid_grant"}', { status: 400 });
    });
    onTestFinished(() => spy.mockRestore());
    const account = { id: 9, channelId: 7, baseUrl: null, credentials: { ...CREDS } };
    const connector = cafe24Connector(DEFAULT_RETRY);
    expect(failure(await connector.verify(account).catch((e: unknown) => e)).kind).toBe('auth');
    expect(urls).toEqual(['https://ordermate.cafe24api.com/api/v2/oauth/token']);
    // A mall id that is not a host label is refused before any request.
    const odd = { ...account, credentials: { ...CREDS, mallId: 'evil.example/x' } };
    expect(failure(await connector.verify(odd).catch((e: unknown) => e)).kind).toBe('auth');
    expect(urls).toHaveLength(1);
  });

  it('reads token times as Korean time unless they carry an offset', () => {
    expect(new Date(cafe24Time('2026-11-26T14:00:00.000')).toISOString()).toBe('2026-11-26T05:00:00.000Z');
    expect(new Date(cafe24Time('2026-11-26T14:00:00.000Z')).toISOString()).toBe('2026-11-26T14:00:00.000Z');
    expect(Number.isNaN(cafe24Time(''))).toBe(true);
  });
});

describe('a Cafe24 collection through the runner', () => {
  it('stores the rotated refresh token sealed, so the next run refreshes with it', async () => {
    const { database, desk } = await freshDesk({ adminUsers: ['api'] });
    const f = await seedCatalog(desk);
    const fake = await fakeCafe24({ ...CREDS, orders: cafe24Orders('2026-11-25', 12, 'A') });
    onTestFinished(() => fake.close());
    const collector = new CollectionRunner(
      desk,
      defaultConnectors({
        retries: 1,
        baseDelayMs: 1,
        maxDelayMs: 1,
        timeoutMs: 5000,
        sleep: async () => {},
      }),
    );
    const token = 'test-token-0123456789';
    const app = await buildServer({
      desk,
      db: database.db,
      apiToken: token,
      defaultLocale: 'en',
      logLevel: 'silent',
      collector,
    });
    onTestFinished(() => app.close());
    const call = async (method: 'GET' | 'POST', url: string, payload?: object) => {
      const res = await app.inject({
        method,
        url: `/api/v1${url}`,
        headers: { authorization: `Bearer ${token}` },
        payload,
      });
      return res.json() as Record<string, unknown>;
    };
    const { id: accountId } = (await call('POST', '/accounts', {
      channelId: f.channelId,
      name: '카페24 본점',
      connector: 'cafe24',
      baseUrl: fake.baseUrl,
      credentials: CREDS,
    })) as { id: number };
    const stored = async () => {
      const sealed = await desk.store.read((tx) => tx.catalog.accountCredentials(accountId));
      expect(sealed).not.toContain(fake.refreshToken());
      return JSON.parse(desk.secrets!.open(sealed!)) as Record<string, string>;
    };
    const run = async () => {
      const started = await call('POST', '/collections', { accountIds: [accountId], ...DAY });
      await collector.idle();
      return call('GET', `/collections/${started.id}`);
    };

    expect(await run()).toMatchObject({
      status: 'done',
      accounts: [{ accountId, status: 'done', fetched: 15, created: 15, error: null }],
    });
    const first = await stored();
    expect(first.refreshToken).toBe(fake.refreshToken());
    expect(first.refreshToken).not.toBe(CREDS.refreshToken);

    // Two hours later: the stored access token is dead; the run refreshes with the stored refresh token.
    fake.expireAccessTokens();
    expect(await run()).toMatchObject({
      status: 'done',
      accounts: [{ accountId, status: 'done', fetched: 15, duplicates: 15, error: null }],
    });
    expect(fake.calls.filter((c) => c.path === CAFE24_TOKEN)).toHaveLength(2);
    expect((await stored()).refreshToken).toBe(fake.refreshToken());
  });
});
