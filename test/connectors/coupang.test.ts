// The Coupang Wing connector against a fake that verifies the CEA HMAC signature and pages by nextToken.
import { describe, expect, it, onTestFinished } from 'vitest';
import { coupangConnector, coupangSignedDate } from '../../src/connectors/coupang.js';
import type { RetryPolicy } from '../../src/connectors/http.js';
import { type AccountAccess, ConnectorError } from '../../src/connectors/types.js';
import type { CollectedPage } from '../../src/domain/services/collection.js';
import { type FakeSheet, fakeCoupang } from '../support/fake-coupang.js';

const KEYS = { accessKey: 'ak-test', secretKey: 'sk-test-secret', vendorId: 'A00012345' };

function sheets(count: number, status: FakeSheet['status'], day: string, first = 1): FakeSheet[] {
  return Array.from({ length: count }, (_, i) => ({
    orderId: 2026_0000 + first + i,
    status,
    orderedAt: `${day}T10:${String(i % 60).padStart(2, '0')}:00`,
    items: [
      { vendorItemId: 7000 + first + i, sellerProductId: 11, option: '5kg', count: 2, price: 32000 },
      ...(i % 10 === 0
        ? [{ vendorItemId: 9000 + first + i, sellerProductId: 12, option: '', count: 1, price: 9000 }]
        : []),
    ],
  }));
}

async function setup(data: FakeSheet[], keys = KEYS) {
  const fake = await fakeCoupang({ ...KEYS, sheets: data });
  onTestFinished(() => fake.close());
  const slept: number[] = [];
  const policy: RetryPolicy = {
    retries: 2,
    baseDelayMs: 50,
    maxDelayMs: 500,
    timeoutMs: 5000,
    sleep: async (ms) => {
      slept.push(ms);
    },
  };
  const account: AccountAccess = { id: 2, channelId: 3, baseUrl: fake.baseUrl, credentials: keys };
  const collect = async () => {
    const pages: CollectedPage[] = [];
    for await (const p of coupangConnector(policy).pages(account, { from: '2026-11-20', to: '2026-11-26' }))
      pages.push(p);
    return pages;
  };
  return { fake, slept, collect, policy, account };
}

describe('Coupang Wing connector', () => {
  it('signs each request and pages ACCEPT then INSTRUCT sheets by nextToken; each order item is a line', async () => {
    const s = await setup([
      ...sheets(60, 'ACCEPT', '2026-11-25'),
      ...sheets(5, 'INSTRUCT', '2026-11-26', 500),
      ...sheets(3, 'ACCEPT', '2026-11-10', 900),
    ]);
    const pages = await s.collect();
    expect(pages.map((p) => p.orders.length)).toEqual([55, 11, 6]);
    expect(s.fake.calls.map((c) => [c.query.get('status'), c.query.get('nextToken')])).toEqual([
      ['ACCEPT', null],
      ['ACCEPT', '50'],
      ['INSTRUCT', null],
    ]);
    const line = pages[0]!.orders[0]!;
    expect(line).toMatchObject({
      channelId: 3,
      mallOrderNo: '20260001',
      mallLineNo: '7001',
      mallProductCode: '11',
      mallOption: '5kg',
      quantity: 2,
      unitPriceKrw: 32000,
      amountKrw: 64000,
      recipientPhone: '0502-9876-5432',
      address: '서울특별시 강남구 테헤란로 152 12층',
      zip: '06236',
    });
    expect(line.orderedAt?.toISOString()).toBe('2026-11-25T01:00:00.000Z');
    expect(pages.at(-1)!.cursor).toBeNull();
  });

  it('a wrong secret key is an auth failure; 429 waits for Retry-After', async () => {
    const bad = await setup(sheets(1, 'ACCEPT', '2026-11-25'), { ...KEYS, secretKey: 'wrong' });
    const error = await bad.collect().catch((e: unknown) => e);
    expect((error as ConnectorError).kind).toBe('auth');

    const s = await setup(sheets(1, 'ACCEPT', '2026-11-25'));
    s.fake.fail({ status: 429, headers: { 'retry-after': '3' }, body: { code: 429 } });
    expect((await s.collect()).flatMap((p) => p.orders)).toHaveLength(2);
    expect(s.slept).toEqual([3000]);
  });

  it('signed-date is yyMMddTHHmmssZ in UTC', () => {
    expect(coupangSignedDate(new Date('2026-11-26T03:04:05.678Z'))).toBe('261126T030405Z');
  });

  it('a malformed page is a permanent failure', async () => {
    const s = await setup(sheets(1, 'ACCEPT', '2026-11-25'));
    s.fake.fail({ status: 200, body: { code: 200, data: [{ orderId: 1 }] } });
    const error = await s.collect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).kind).toBe('permanent');
  });
});
