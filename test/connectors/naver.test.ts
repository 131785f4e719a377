// The Naver connector against a fake that checks what the documentation demands: the bcrypt-signed
// token, Bearer auth, 24-hour windows, limitCount ≤ 300 and moreFrom / moreSequence paging.
import bcrypt from 'bcryptjs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { naverConnector } from '../../src/connectors/naver.js';
import { type AccountAccess, ConnectorError } from '../../src/connectors/types.js';
import type { CollectedPage } from '../../src/domain/services/collection.js';
import { type FakeNaverLine, fakeNaver, naverLines } from '../support/fake-naver.js';
import { recordedRetry } from '../support/retry.js';

const CLIENT_ID = 'ordermate-test';
const CLIENT_SECRET = bcrypt.genSaltSync(4);

async function setup(lines: FakeNaverLine[]) {
  const fake = await fakeNaver({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, lines });
  onTestFinished(() => fake.close());
  const { policy, slept } = recordedRetry();
  const account: AccountAccess = {
    id: 1,
    channelId: 7,
    baseUrl: fake.baseUrl,
    credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
  };
  const collect = async (period = { from: '2026-11-25', to: '2026-11-26' }, cursor?: string | null) => {
    const pages: CollectedPage[] = [];
    for await (const page of naverConnector(policy).pages(account, period, cursor)) pages.push(page);
    return pages;
  };
  return { fake, slept, policy, account, collect };
}

const CHANGES = '/v1/pay-order/seller/product-orders/last-changed-statuses';
const QUERY = '/v1/pay-order/seller/product-orders/query';

describe('Naver Commerce connector', () => {
  it('signs the token request with bcrypt and pages through 24-hour windows by moreSequence', async () => {
    const s = await setup([...naverLines('2026-11-25', 650, 'A'), ...naverLines('2026-11-26', 10, 'B')]);
    const pages = await s.collect();
    expect(pages.map((p) => p.orders.length)).toEqual([300, 300, 50, 10]);
    expect(new Set(pages.flatMap((p) => p.orders.map((o) => o.mallLineNo))).size).toBe(660);
    // One window per Korean day, each at most 24 hours; page 2 and 3 continue by moreSequence.
    const changes = s.fake.calls.filter((c) => c.path === CHANGES);
    expect(changes.map((c) => c.query.get('lastChangedTo'))).toEqual([
      '2026-11-26T00:00:00.000+09:00',
      '2026-11-26T00:00:00.000+09:00',
      '2026-11-26T00:00:00.000+09:00',
      '2026-11-27T00:00:00.000+09:00',
    ]);
    expect(changes[0]!.query.get('moreSequence')).toBeNull();
    expect(changes[1]!.query.get('moreSequence')).toBe('A00000300');
    expect(changes.every((c) => c.query.get('limitCount') === '300')).toBe(true);
    expect(s.fake.calls.filter((c) => c.path === '/v1/oauth2/token')).toHaveLength(1);
    const first = pages[0]!.orders[0]!;
    expect(first).toMatchObject({
      channelId: 7,
      mallOrderNo: 'A000000',
      mallLineNo: 'A00000000',
      mallProductCode: 'P-1',
      mallOption: 'red',
      quantity: 1,
      unitPriceKrw: 32000,
      recipientPhone: '010-9876-5432',
      address: '서울특별시 강남구 테헤란로 152 12층',
      zip: '06236',
    });
    expect(first.orderedAt?.toISOString()).toBe('2026-11-25T00:00:00.000Z');
    expect(pages.at(-1)!.cursor).toBeNull();
  });

  it('resumes from a stored cursor without fetching the pages before it', async () => {
    const s = await setup(naverLines('2026-11-25', 650, 'A'));
    const all = await s.collect();
    const before = s.fake.calls.length;
    const rest = await s.collect(undefined, all[0]!.cursor);
    expect(rest.map((p) => p.orders.length)).toEqual([300, 50, 0]);
    expect(
      s.fake.calls
        .slice(before)
        .filter((c) => c.path === CHANGES)[0]!
        .query.get('moreSequence'),
    ).toBe('A00000300');
  });

  it('turns cancel and return requests into claims (R17) and keeps the paid line as an order', async () => {
    const s = await setup([
      ...naverLines('2026-11-25', 1, 'A', { claimType: 'CANCEL', claimId: 'CL-1' }),
      ...naverLines('2026-11-25', 1, 'R', { status: 'DELIVERED', claimType: 'RETURN' }),
    ]);
    const [page] = await s.collect({ from: '2026-11-25', to: '2026-11-25' });
    expect(page!.orders.map((o) => o.mallLineNo)).toEqual(['A00000000']);
    expect(page!.claims).toEqual([
      expect.objectContaining({
        mallLineNo: 'A00000000',
        type: 'cancel',
        mallClaimId: 'CL-1',
        reason: '단순 변심',
      }),
      expect.objectContaining({ mallLineNo: 'R00000000', type: 'return', reason: '파손' }),
    ]);
  });

  it('a wrong client secret is an auth failure, not retried', async () => {
    const s = await setup(naverLines('2026-11-25', 1, 'A'));
    const connector = naverConnector(s.policy);
    const wrong = { ...s.account, credentials: { clientId: CLIENT_ID, clientSecret: bcrypt.genSaltSync(4) } };
    const error = await connector.verify(wrong).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).kind).toBe('auth');
    expect(s.fake.calls).toHaveLength(1);
    await expect(connector.verify(s.account)).resolves.toBeUndefined();
  });

  it('waits as long as Retry-After says on 429, backs off on 5xx, then carries on', async () => {
    const s = await setup(naverLines('2026-11-25', 3, 'A'));
    s.fake.fail(CHANGES, { status: 429, headers: { 'retry-after': '2' }, body: { code: 'GW.RATE_LIMIT' } });
    s.fake.fail(QUERY, { status: 502, body: 'bad gateway' }, { status: 503, body: 'unavailable' });
    const pages = await s.collect({ from: '2026-11-25', to: '2026-11-25' });
    expect(pages[0]!.orders).toHaveLength(3);
    expect(s.slept).toEqual([2000, 100, 200]);
  });

  it('a page that keeps failing fails with the last error; a malformed page is permanent at once', async () => {
    const s = await setup(naverLines('2026-11-25', 3, 'A'));
    s.fake.fail(CHANGES, ...Array.from({ length: 4 }, () => ({ status: 500, body: 'boom' })));
    const down = await s.collect({ from: '2026-11-25', to: '2026-11-25' }).catch((e: unknown) => e);
    expect((down as ConnectorError).kind).toBe('transient');
    expect(s.slept).toEqual([100, 200, 400]);

    s.fake.fail(CHANGES, { status: 200, body: { data: { lastChangeStatuses: 'not a list' } } });
    const odd = await s.collect({ from: '2026-11-25', to: '2026-11-25' }).catch((e: unknown) => e);
    expect((odd as ConnectorError).kind).toBe('permanent');
    expect((odd as ConnectorError).message).toContain('malformed');
  });

  it('checks each product order as documented: a bad one is permanent at once; absent texts read as empty', async () => {
    const s = await setup(naverLines('2026-11-25', 1, 'A'));
    const detail = (productOrder: Record<string, unknown>, order: Record<string, unknown> = {}) => ({
      status: 200,
      body: {
        data: [
          {
            order: { orderId: 'O-1', ...order },
            productOrder: {
              productOrderId: 'A00000000',
              quantity: 2,
              unitPrice: 1000,
              productOrderStatus: 'PAYED',
              shippingAddress: {},
              ...productOrder,
            },
          },
        ],
      },
    });
    const day = { from: '2026-11-25', to: '2026-11-25' };
    for (const bad of [
      detail({ quantity: 0 }),
      detail({ quantity: 1.5 }),
      detail({ unitPrice: '1000' }),
      detail({ totalPaymentAmount: -1 }),
      detail({ productName: 7 }),
      detail({ shippingAddress: null }),
      detail({}, { orderId: 1 }),
      { status: 200, body: { data: 'none' } },
    ]) {
      s.fake.fail(QUERY, bad);
      const error = await s.collect(day).catch((e: unknown) => e);
      expect(error, JSON.stringify(bad)).toBeInstanceOf(ConnectorError);
      expect((error as ConnectorError).kind).toBe('permanent');
      expect((error as ConnectorError).message).toBe('malformed product-order page from Naver');
    }
    s.fake.fail(
      QUERY,
      detail({ productName: null, sellerProductCode: null, productId: '9000001' }, { ordererName: null }),
    );
    const [page] = await s.collect(day);
    expect(page!.orders).toEqual([
      {
        channelId: 7,
        mallOrderNo: 'O-1',
        mallLineNo: 'A00000000',
        mallProductCode: '9000001',
        mallProductName: '',
        mallOption: '',
        quantity: 2,
        unitPriceKrw: 1000,
        amountKrw: 2000,
        ordererName: '',
        ordererPhone: '',
        recipientName: '',
        recipientPhone: '',
        address: '',
        zip: '',
        deliveryMessage: '',
        orderedAt: undefined,
      },
    ]);
  });
});
