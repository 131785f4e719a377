// A fake Cafe24 Admin API on loopback, strict where the documentation is: Basic client credentials on the
// token endpoint, refresh tokens that rotate (the spent one is refused), Bearer access tokens that expire,
// start_date / end_date (at most 3 months), limit 1..1000, offset ≤ 15000 and the embeds asked for. It can
// be told to fail the next requests to a path. Token errors use the OAuth 2.0 shape (RFC 6749 §5.2).
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeReply } from './fake-naver.js';

export interface FakeCafe24Item {
  /** order_item_code, e.g. `20261125-0000001-01`. */
  code: string;
  /** order_status; default N10 (상품준비중). */
  status?: string;
  productCode?: string;
  productNo?: number;
  option?: string;
  quantity?: number;
  price?: number;
  optionPrice?: number;
  claimCode?: string;
  claimReason?: string;
}

export interface FakeCafe24Order {
  orderId: string;
  /** ISO date-time in Korean time, `2026-11-25T09:00:00+09:00`. */
  orderDate: string;
  items: FakeCafe24Item[];
}

export interface FakeCafe24Call {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string;
  version: string;
  body: string;
}

export const CAFE24_TOKEN = '/api/v2/oauth/token';
export const CAFE24_ORDERS = '/api/v2/admin/orders';
const EMBEDS = new Set(['items', 'receivers', 'buyer']);

/** `2026-11-26T14:00:00.000`: the token answer's Korean time without an offset. */
const kstLocal = (ms: number) => new Date(ms + 9 * 3600_000).toISOString().slice(0, 23);
const won = (n: number) => `${n}.00`;

export async function fakeCafe24(options: {
  clientId: string;
  clientSecret: string;
  mallId: string;
  refreshToken: string;
  orders: FakeCafe24Order[];
}) {
  const calls: FakeCafe24Call[] = [];
  const faults = new Map<string, FakeReply[]>();
  let refreshToken = options.refreshToken;
  let issued = 0;
  /** Access tokens and when they end. */
  const accessTokens = new Map<string, number>();
  const sorted = [...options.orders].sort((a, b) =>
    a.orderDate === b.orderDate ? a.orderId.localeCompare(b.orderId) : a.orderDate < b.orderDate ? -1 : 1,
  );

  const oauthError = (status: number, error: string, description: string): FakeReply => ({
    status,
    body: { error, error_description: description },
  });
  const apiError = (status: number, message: string): FakeReply => ({
    status,
    body: { error: { code: status, message } },
  });

  function token(req: IncomingMessage, body: string): FakeReply {
    if (req.method !== 'POST') return apiError(405, 'POST expected');
    if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded'))
      return oauthError(400, 'invalid_request', 'form expected');
    const basic = Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64');
    if (req.headers.authorization !== `Basic ${basic}`)
      return oauthError(401, 'invalid_client', 'unknown client or wrong secret');
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'refresh_token')
      return oauthError(400, 'unsupported_grant_type', 'refresh_token expected');
    if (form.get('refresh_token') !== refreshToken)
      return oauthError(400, 'invalid_grant', 'Validation error: refresh_token');
    issued++;
    const at = Date.now();
    const access = `at-${issued}-${Math.random().toString(36).slice(2)}`;
    refreshToken = `rt-${issued}-${Math.random().toString(36).slice(2)}`;
    accessTokens.set(access, at + 2 * 3600_000);
    return {
      status: 200,
      body: {
        access_token: access,
        expires_at: kstLocal(at + 2 * 3600_000),
        refresh_token: refreshToken,
        refresh_token_expires_at: kstLocal(at + 14 * 86_400_000),
        client_id: options.clientId,
        mall_id: options.mallId,
        user_id: options.mallId,
        scopes: ['mall.read_order'],
        issued_at: kstLocal(at),
        shop_no: '1',
        token_type: 'Bearer',
      },
    };
  }

  function orders(req: IncomingMessage, url: URL): FakeReply {
    if (req.method !== 'GET') return apiError(405, 'GET expected');
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
    if (!((accessTokens.get(bearer) ?? 0) > Date.now()))
      return apiError(401, 'invalid or expired access token');
    const q = url.searchParams;
    const start = q.get('start_date') ?? '';
    const end = q.get('end_date') ?? '';
    const isDay = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(d));
    if (!isDay(start) || !isDay(end) || end < start)
      return apiError(
        422,
        'start_date and end_date (YYYY-MM-DD) are required, end_date not before start_date',
      );
    const limitOf3Months = new Date(`${start}T00:00:00Z`);
    limitOf3Months.setUTCMonth(limitOf3Months.getUTCMonth() + 3);
    if (Date.parse(`${end}T00:00:00Z`) >= limitOf3Months.getTime())
      return apiError(422, 'the search period must be shorter than 3 months');
    const limit = Number(q.get('limit') ?? 10);
    const offset = Number(q.get('offset') ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return apiError(422, 'limit: 1 to 1000');
    if (!Number.isInteger(offset) || offset < 0 || offset > 15_000)
      return apiError(422, 'offset: at most 15000');
    if ((q.get('date_type') ?? 'order_date') !== 'order_date')
      return apiError(422, 'this fake models date_type=order_date only');
    const embed = new Set((q.get('embed') ?? '').split(',').filter(Boolean));
    if ([...embed].some((e) => !EMBEDS.has(e))) return apiError(422, 'embed: items, receivers, buyer');

    const matching = sorted.filter(
      (o) => o.orderDate.slice(0, 10) >= start && o.orderDate.slice(0, 10) <= end,
    );
    const page = matching.slice(offset, offset + limit);
    return {
      status: 200,
      body: {
        orders: page.map((o) => ({
          shop_no: 1,
          currency: 'KRW',
          order_id: o.orderId,
          order_date: o.orderDate,
          payment_date: o.orderDate,
          billing_name: '김민수',
          paid: 'T',
          canceled: 'F',
          payment_amount: won(o.items.reduce((sum, i) => sum + (i.price ?? 32000) * (i.quantity ?? 1), 0)),
          ...(embed.has('buyer')
            ? { buyer: { shop_no: 1, name: '김민수', phone: '', cellphone: '010-1234-5678', email: '' } }
            : {}),
          ...(embed.has('receivers')
            ? {
                receivers: [
                  {
                    shop_no: 1,
                    name: `수령인${o.orderId.slice(-3)}`,
                    phone: '',
                    cellphone: '010-9876-5432',
                    zipcode: '06236',
                    address1: '서울특별시 강남구 테헤란로 152',
                    address2: '12층',
                    address_full: '서울특별시 강남구 테헤란로 152 12층',
                    shipping_message: '문 앞',
                    shipping_code: `D-${o.orderId}`,
                  },
                ],
              }
            : {}),
          ...(embed.has('items')
            ? {
                items: o.items.map((i, n) => ({
                  shop_no: 1,
                  item_no: n + 1,
                  order_item_code: i.code,
                  product_no: i.productNo ?? 11,
                  product_code: i.productCode ?? 'P-1',
                  product_name: '유기농 현미 5kg',
                  option_value: i.option ?? 'red',
                  product_price: won(i.price ?? 32000),
                  option_price: won(i.optionPrice ?? 0),
                  payment_amount: null,
                  quantity: i.quantity ?? 1,
                  order_status: i.status ?? 'N10',
                  claim_code: i.claimCode ?? null,
                  claim_reason: i.claimReason ?? null,
                  shipping_code: `D-${o.orderId}`,
                  ordered_date: o.orderDate,
                })),
              }
            : {}),
        })),
        links:
          offset + limit < matching.length
            ? [{ rel: 'next', href: `${url.origin}${url.pathname}?limit=${limit}&offset=${offset + limit}` }]
            : [],
      },
    };
  }

  function handle(req: IncomingMessage, body: string): FakeReply {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    calls.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      authorization: String(req.headers.authorization ?? ''),
      version: String(req.headers['x-cafe24-api-version'] ?? ''),
      body,
    });
    const fault = faults.get(url.pathname)?.shift();
    if (fault) return fault;
    if (url.pathname === CAFE24_TOKEN) return token(req, body);
    if (url.pathname === CAFE24_ORDERS) return orders(req, url);
    return apiError(404, url.pathname);
  }

  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const reply = handle(req, body);
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    /** The refresh token the fake accepts now. */
    refreshToken: () => refreshToken,
    /** Every access token issued so far stops working (as after its 2 hours). */
    expireAccessTokens: () => accessTokens.clear(),
    /** The next requests to this path get these replies instead. */
    fail(path: string, ...replies: FakeReply[]) {
      faults.set(path, [...(faults.get(path) ?? []), ...replies]);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * `count` orders placed on a Korean day, a second apart from 09:00; every fifth has two items, so a day
 * of n orders has n + ceil(n / 5) lines.
 */
export function cafe24Orders(
  day: string,
  count: number,
  prefix: string,
  item: Partial<FakeCafe24Item> = {},
): FakeCafe24Order[] {
  const compact = day.replaceAll('-', '');
  return Array.from({ length: count }, (_, i) => {
    const at = Date.parse(`${day}T09:00:00+09:00`) + i * 1000;
    const orderId = `${compact}-${prefix}${String(i).padStart(6, '0')}`;
    return {
      orderId,
      orderDate: `${new Date(at + 9 * 3600_000).toISOString().slice(0, 19)}+09:00`,
      items: Array.from({ length: i % 5 === 0 ? 2 : 1 }, (_, n) => ({
        code: `${orderId}-${String(n + 1).padStart(2, '0')}`,
        ...item,
      })),
    };
  });
}
