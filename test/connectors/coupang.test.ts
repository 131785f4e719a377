// The Coupang Wing connector against a fake that verifies the CEA HMAC signature and pages by nextToken.
import { describe, expect, it, onTestFinished } from 'vitest';
import { coupangConnector, coupangSignedDate } from '../../src/connectors/coupang.js';
import { type AccountAccess, ConnectorError } from '../../src/connectors/types.js';
import type { CollectedPage } from '../../src/domain/services/collection.js';
import { type FakeExchange, type FakeReturn, type FakeSheet, fakeCoupang } from '../support/fake-coupang.js';
import { recordedRetry } from '../support/retry.js';

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

function returns(count: number, day: string, first = 1, extra: Partial<FakeReturn> = {}): FakeReturn[] {
  return Array.from({ length: count }, (_, i) => ({
    receiptId: 5000_0000 + first + i,
    orderId: 2026_0000 + first + i,
    createdAt: `${day}T09:${String(i % 60).padStart(2, '0')}:00`,
    cancelType: 'RETURN',
    status: 'UC',
    receiptStatus: 'RETURNS_UNCHECKED',
    reason: ['고객변심', '단순변심(사유없음)', ''],
    items: [{ vendorItemId: 7000 + first + i, count: 1 }],
    ...extra,
  }));
}

async function setup(
  data: FakeSheet[],
  keys = KEYS,
  claims: { returns?: FakeReturn[]; exchanges?: FakeExchange[] } = {},
) {
  const fake = await fakeCoupang({ ...KEYS, sheets: data, ...claims });
  onTestFinished(() => fake.close());
  const { policy, slept } = recordedRetry({ retries: 2, baseDelayMs: 50, maxDelayMs: 500 });
  const account: AccountAccess = { id: 2, channelId: 3, baseUrl: fake.baseUrl, credentials: keys };
  const collect = async (period = { from: '2026-11-20', to: '2026-11-26' }, cursor?: string | null) => {
    const pages: CollectedPage[] = [];
    for await (const p of coupangConnector(policy).pages(account, period, cursor)) pages.push(p);
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
    // Then one (empty) page for each claim list: returns RU, UC, PR, CC, cancels, exchanges.
    expect(pages.map((p) => p.orders.length)).toEqual([55, 11, 6, 0, 0, 0, 0, 0, 0]);
    const sheetCalls = s.fake.calls.filter((c) => c.list === 'ordersheets');
    expect(sheetCalls.map((c) => [c.query.get('status'), c.query.get('nextToken')])).toEqual([
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
  it('turns return, stop-shipment, cancel and exchange requests into claims on the order-sheet lines (R17)', async () => {
    const s = await setup([], KEYS, {
      returns: [
        // A return of two lines, filed under UC.
        {
          ...returns(1, '2026-11-24', 1)[0]!,
          reason: ['상품불량', '파손', '박스가 젖어 있음'],
          items: [
            { vendorItemId: 7001, count: 2 },
            { vendorItemId: 9001, count: 1 },
          ],
        },
        // A stop-shipment request made while INSTRUCT: listed under RU and under UC, claimed once, as a cancel.
        ...returns(1, '2026-11-25', 2, { status: 'RU', receiptStatus: 'RELEASE_STOP_UNCHECKED' }),
        // A completed return, filed under CC.
        ...returns(1, '2026-11-21', 3, {
          status: 'CC',
          receiptStatus: 'RETURNS_COMPLETED',
          reason: ['', '', ''],
        }),
        // Cancelled while paid (ACCEPT): only with cancelType=CANCEL.
        ...returns(1, '2026-11-26', 4, {
          cancelType: 'CANCEL',
          status: undefined,
          receiptStatus: 'RETURNS_COMPLETED',
          reason: ['고객변심', '주문실수', ''],
        }),
        // Outside the period.
        ...returns(1, '2026-11-10', 5),
      ],
      exchanges: [
        {
          exchangeId: 100702179,
          orderId: 20260006,
          createdAt: '2026-11-23T11:29:44',
          status: 'PROGRESS',
          reasonCodeText: '색상/ 사이즈가 기대와 다름',
          reasonEtcDetail: '한 치수 큰 것으로',
          items: [
            { vendorItemId: 7006, quantity: 1 },
            { vendorItemId: 9006, quantity: 1 },
          ],
        },
        // Withdrawn by the customer: no longer a claim.
        {
          exchangeId: 100702180,
          orderId: 20260007,
          createdAt: '2026-11-23T12:00:00',
          status: 'CANCEL',
          reasonCodeText: '필요 없어짐 (단순 변심)',
          items: [{ vendorItemId: 7007, quantity: 1 }],
        },
      ],
    });
    const pages = await s.collect();
    expect(pages.flatMap((p) => p.orders)).toEqual([]);
    expect(pages.flatMap((p) => p.claims)).toEqual([
      {
        channelId: 3,
        mallOrderNo: '20260002',
        mallLineNo: '7002',
        type: 'cancel',
        reason: '고객변심 / 단순변심(사유없음)',
        mallClaimId: 'cancel:50000002',
      },
      {
        channelId: 3,
        mallOrderNo: '20260001',
        mallLineNo: '7001',
        type: 'return',
        reason: '상품불량 / 파손 / 박스가 젖어 있음',
        mallClaimId: 'return:50000001',
      },
      expect.objectContaining({
        mallOrderNo: '20260001',
        mallLineNo: '9001',
        mallClaimId: 'return:50000001',
      }),
      {
        channelId: 3,
        mallOrderNo: '20260003',
        mallLineNo: '7003',
        type: 'return',
        reason: 'return',
        mallClaimId: 'return:50000003',
      },
      {
        channelId: 3,
        mallOrderNo: '20260004',
        mallLineNo: '7004',
        type: 'cancel',
        reason: '고객변심 / 주문실수',
        mallClaimId: 'cancel:50000004',
      },
      {
        channelId: 3,
        mallOrderNo: '20260006',
        mallLineNo: '7006',
        type: 'exchange',
        reason: '색상/ 사이즈가 기대와 다름 / 한 치수 큰 것으로',
        mallClaimId: 'exchange:100702179',
      },
      expect.objectContaining({ mallLineNo: '9006', type: 'exchange', mallClaimId: 'exchange:100702179' }),
    ]);
    // Returns by day and status, cancels with cancelType=CANCEL and no status, exchanges by the second.
    const claimCalls = s.fake.calls.filter((c) => c.list !== 'ordersheets');
    expect(claimCalls.map((c) => Object.fromEntries(c.query))).toEqual([
      ...['RU', 'UC', 'PR', 'CC'].map((status) => ({
        createdAtFrom: '2026-11-20',
        createdAtTo: '2026-11-26',
        status,
        maxPerPage: '50',
      })),
      { createdAtFrom: '2026-11-20', createdAtTo: '2026-11-26', cancelType: 'CANCEL', maxPerPage: '50' },
      { createdAtFrom: '2026-11-20T00:00:00', createdAtTo: '2026-11-26T23:59:59', maxPerPage: '10' },
    ]);
    expect(claimCalls.map((c) => c.list)).toEqual([
      ...Array.from({ length: 5 }, () => 'returnRequests'),
      'exchangeRequests',
    ]);
  });

  it('pages through return requests by nextToken and cuts exchange requests into windows of 7 days', async () => {
    const exchange = (exchangeId: number, day: string): FakeExchange => ({
      exchangeId,
      orderId: exchangeId,
      createdAt: `${day}T10:00:00`,
      status: 'RECEIPT',
      reasonCodeText: '상품의 옵션 선택을 잘못함',
      items: [{ vendorItemId: exchangeId + 1, quantity: 1 }],
    });
    const s = await setup([], KEYS, {
      returns: returns(120, '2026-11-25'),
      exchanges: [
        exchange(1, '2026-11-01'),
        exchange(2, '2026-11-07'),
        exchange(3, '2026-11-08'),
        exchange(4, '2026-11-30'),
      ],
    });
    const pages = await s.collect({ from: '2026-11-01', to: '2026-11-30' });
    const uc = s.fake.calls.filter((c) => c.list === 'returnRequests' && c.query.get('status') === 'UC');
    expect(uc.map((c) => c.query.get('nextToken'))).toEqual([null, '50', '100']);
    expect(pages.map((p) => p.claims.length)).toEqual([0, 0, 0, 50, 50, 20, 0, 0, 0, 2, 1, 0, 0, 1]);
    expect(new Set(pages.flatMap((p) => p.claims.map((c) => c.mallClaimId))).size).toBe(124);
    // One 30-day period: one window for sheets and returns, five for exchanges.
    expect(
      s.fake.calls
        .filter((c) => c.list === 'exchangeRequests')
        .map((c) => [c.query.get('createdAtFrom'), c.query.get('createdAtTo')]),
    ).toEqual([
      ['2026-11-01T00:00:00', '2026-11-07T23:59:59'],
      ['2026-11-08T00:00:00', '2026-11-14T23:59:59'],
      ['2026-11-15T00:00:00', '2026-11-21T23:59:59'],
      ['2026-11-22T00:00:00', '2026-11-28T23:59:59'],
      ['2026-11-29T00:00:00', '2026-11-30T23:59:59'],
    ]);
    expect(JSON.parse(pages[9]!.cursor!)).toEqual({ phase: 7, window: 1 });
    expect(pages.at(-1)!.cursor).toBeNull();
  });

  it('resumes from a cursor in the returns phase without asking for the order sheets again', async () => {
    const s = await setup(sheets(3, 'ACCEPT', '2026-11-25'), KEYS, { returns: returns(120, '2026-11-25') });
    const all = await s.collect();
    // ACCEPT, INSTRUCT, RU, then the first UC page: its cursor points at the second UC page.
    const cursor = all[3]!.cursor!;
    expect(JSON.parse(cursor)).toEqual({ phase: 3, window: 0, nextToken: '50' });
    const before = s.fake.calls.length;
    const rest = await s.collect(undefined, cursor);
    const calls = s.fake.calls.slice(before);
    expect(calls.some((c) => c.list === 'ordersheets')).toBe(false);
    expect([calls[0]!.query.get('status'), calls[0]!.query.get('nextToken')]).toEqual(['UC', '50']);
    expect(rest.map((p) => p.claims.length)).toEqual([50, 20, 0, 0, 0, 0]);
    expect(rest.flatMap((p) => p.claims.map((c) => c.mallClaimId))).toEqual(
      all.slice(4).flatMap((p) => p.claims.map((c) => c.mallClaimId)),
    );
    expect(rest.at(-1)!.cursor).toBeNull();
  });

  it('reads a cursor written before claims, and refuses one it cannot read', async () => {
    const s = await setup([...sheets(2, 'ACCEPT', '2026-11-25'), ...sheets(2, 'INSTRUCT', '2026-11-25', 50)]);
    const rest = await s.collect(undefined, JSON.stringify({ status: 1 }));
    expect(rest[0]!.orders.map((o) => [o.mallOrderNo, o.mallLineNo])).toEqual([
      ['20260050', '7050'],
      ['20260050', '9050'],
      ['20260051', '7051'],
    ]);
    expect(s.fake.calls.filter((c) => c.list === 'ordersheets').map((c) => c.query.get('status'))).toEqual([
      'INSTRUCT',
    ]);
    const error = await s.collect(undefined, '{"phase":"returns"}').catch((e: unknown) => e);
    expect((error as ConnectorError).kind).toBe('permanent');
  });

  it('a malformed return or exchange page is a permanent failure, not retried', async () => {
    const s = await setup(sheets(1, 'ACCEPT', '2026-11-25'), KEYS, { returns: returns(1, '2026-11-25') });
    s.fake.failList('returnRequests', {
      status: 200,
      body: { code: 200, data: [{ receiptId: 1, returnItems: 'none' }], nextToken: '' },
    });
    const error = await s.collect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).kind).toBe('permanent');
    expect((error as ConnectorError).message).toContain('returnRequests');
    expect(s.slept).toEqual([]);

    s.fake.failList('exchangeRequests', { status: 200, body: { code: 200, data: [{ exchangeId: 9 }] } });
    const odd = await s.collect().catch((e: unknown) => e);
    expect((odd as ConnectorError).kind).toBe('permanent');
    expect((odd as ConnectorError).message).toContain('exchangeRequests');
  });
});
