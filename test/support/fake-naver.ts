// A fake Naver Commerce API on loopback, strict where the documentation is: the bcrypt-signed token
// request, Bearer auth, 24-hour windows, limitCount ≤ 300 and paging by moreFrom / moreSequence.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import bcrypt from 'bcryptjs';

export interface FakeNaverLine {
  orderId: string;
  productOrderId: string;
  /** ISO date-time of the last change (what the changed-status feed filters on). */
  changedAt: string;
  status?: string;
  claimType?: string;
  claimId?: string;
  productCode?: string;
  option?: string;
  quantity?: number;
  unitPrice?: number;
}

export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface FakeNaverCall {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
}

export async function fakeNaver(options: { clientId: string; clientSecret: string; lines: FakeNaverLine[] }) {
  const token = `tok-${Math.random().toString(36).slice(2)}`;
  const calls: FakeNaverCall[] = [];
  const faults = new Map<string, FakeReply[]>();
  const sorted = [...options.lines].sort((a, b) =>
    a.changedAt === b.changedAt
      ? a.productOrderId.localeCompare(b.productOrderId)
      : a.changedAt < b.changedAt
        ? -1
        : 1,
  );
  // Indexed once, so a page costs the fake what it costs a real server (a bench shares its process).
  const changedAt = sorted.map((l) => Date.parse(l.changedAt));
  const byId = new Map(sorted.map((l) => [l.productOrderId, l]));
  const position = new Map(sorted.map((l, i) => [l.productOrderId, i]));
  /** The first index whose change is at or after `ms`. */
  const firstAtOrAfter = (ms: number) => {
    let lo = 0;
    let hi = changedAt.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (changedAt[mid]! < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const send = (res: ServerResponse, reply: FakeReply) => {
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {}));
  };
  const error = (status: number, code: string, message: string): FakeReply => ({
    status,
    body: { code, message, timestamp: new Date().toISOString() },
  });

  function handle(req: IncomingMessage, body: string): FakeReply {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/^\/external/, '');
    calls.push({ method: req.method ?? 'GET', path, query: url.searchParams, body });
    const fault = faults.get(path)?.shift();
    if (fault) return fault;

    if (path === '/v1/oauth2/token' && req.method === 'POST') {
      if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded'))
        return error(400, 'GW.BAD_REQUEST', 'form expected');
      const form = new URLSearchParams(body);
      const timestamp = Number(form.get('timestamp'));
      if (
        form.get('client_id') !== options.clientId ||
        form.get('grant_type') !== 'client_credentials' ||
        form.get('type') !== 'SELF' ||
        !Number.isFinite(timestamp) ||
        Math.abs(Date.now() - timestamp) > 5 * 60_000
      )
        return error(400, 'GW.AUTHN', 'bad token request');
      const expected = Buffer.from(
        bcrypt.hashSync(`${options.clientId}_${timestamp}`, options.clientSecret),
      ).toString('base64');
      if (form.get('client_secret_sign') !== expected) return error(401, 'GW.AUTHN', 'bad signature');
      return { status: 200, body: { access_token: token, expires_in: 10800, token_type: 'Bearer' } };
    }
    if (req.headers.authorization !== `Bearer ${token}`) return error(401, 'GW.AUTHN', 'bad token');

    if (path === '/v1/pay-order/seller/product-orders/last-changed-statuses' && req.method === 'GET') {
      const from = Date.parse(url.searchParams.get('lastChangedFrom') ?? '');
      const to = Date.parse(url.searchParams.get('lastChangedTo') ?? '');
      const limit = Number(url.searchParams.get('limitCount') ?? 300);
      if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from || to - from > 86_400_000)
        return error(400, 'REQUEST_PARAMETER_ERROR', 'window of at most 24 hours');
      if (!Number.isInteger(limit) || limit < 1 || limit > 300)
        return error(400, 'REQUEST_PARAMETER_ERROR', 'limitCount 1..300');
      const sequence = url.searchParams.get('moreSequence');
      const first = firstAtOrAfter(from);
      const end = firstAtOrAfter(to);
      const at = sequence ? (position.get(sequence) ?? -1) : first;
      if (sequence && (at < first || at >= end))
        return error(400, 'REQUEST_PARAMETER_ERROR', 'unknown moreSequence');
      const page = sorted.slice(at, Math.min(at + limit, end));
      const next = at + limit < end ? sorted[at + limit] : undefined;
      return {
        status: 200,
        body: {
          timestamp: new Date().toISOString(),
          data: {
            lastChangeStatuses: page.map((l) => ({
              orderId: l.orderId,
              productOrderId: l.productOrderId,
              lastChangedType: l.claimType ? 'CLAIM_REQUESTED' : 'PAYED',
              lastChangedDate: l.changedAt,
              productOrderStatus: l.status ?? 'PAYED',
            })),
            count: page.length,
            ...(next ? { more: { moreFrom: next.changedAt, moreSequence: next.productOrderId } } : {}),
          },
        },
      };
    }
    if (path === '/v1/pay-order/seller/product-orders/query' && req.method === 'POST') {
      const ids = (JSON.parse(body) as { productOrderIds?: string[] }).productOrderIds ?? [];
      if (ids.length === 0 || ids.length > 300)
        return error(400, 'REQUEST_PARAMETER_ERROR', 'productOrderIds 1..300');
      return {
        status: 200,
        body: {
          timestamp: new Date().toISOString(),
          data: ids.flatMap((id) => {
            const l = byId.get(id);
            if (!l) return [];
            return [
              {
                order: {
                  orderId: l.orderId,
                  ordererName: '김민수',
                  ordererTel: '01012345678',
                  paymentDate: l.changedAt,
                },
                productOrder: {
                  productOrderId: l.productOrderId,
                  productId: '9000001',
                  sellerProductCode: l.productCode ?? 'P-1',
                  productName: '유기농 현미 5kg',
                  productOption: l.option ?? 'red',
                  quantity: l.quantity ?? 1,
                  unitPrice: l.unitPrice ?? 32000,
                  totalPaymentAmount: (l.quantity ?? 1) * (l.unitPrice ?? 32000),
                  productOrderStatus: l.status ?? 'PAYED',
                  claimType: l.claimType ?? null,
                  shippingMemo: '문 앞',
                  shippingAddress: {
                    name: `수령인${l.productOrderId.slice(-3)}`,
                    tel1: '010-9876-5432',
                    baseAddress: '서울특별시 강남구 테헤란로 152',
                    detailedAddress: '12층',
                    zipCode: '06236',
                  },
                },
                ...(l.claimType === 'CANCEL'
                  ? { cancel: { claimId: l.claimId ?? `C-${l.productOrderId}`, cancelReason: '단순 변심' } }
                  : {}),
                ...(l.claimType === 'RETURN'
                  ? { return: { claimId: l.claimId ?? `R-${l.productOrderId}`, returnReason: '파손' } }
                  : {}),
              },
            ];
          }),
        },
      };
    }
    return error(404, 'NOT_FOUND', path);
  }

  /** While paused, answers wait here for `resume`. */
  let paused: Promise<void> | null = null;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', async () => {
      await paused;
      send(res, handle(req, body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/external`;
  return {
    baseUrl,
    calls,
    /** Holds every answer until the returned function is called (a mall that is slow to answer). */
    pause(): () => void {
      let resume = () => {};
      paused = new Promise<void>((resolve) => {
        resume = () => {
          paused = null;
          resolve();
        };
      });
      return resume;
    },
    /** The next requests to this path get these replies instead. */
    fail(path: string, ...replies: FakeReply[]) {
      faults.set(path, [...(faults.get(path) ?? []), ...replies]);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** `count` paid lines changed on a Korean day, a minute apart from 09:00. */
export function naverLines(day: string, count: number, prefix: string, over: Partial<FakeNaverLine> = {}) {
  return Array.from({ length: count }, (_, i): FakeNaverLine => {
    const at = new Date(Date.parse(`${day}T09:00:00+09:00`) + i * 60_000);
    return {
      orderId: `${prefix}${String(Math.floor(i / 2)).padStart(6, '0')}`,
      productOrderId: `${prefix}${String(i).padStart(8, '0')}`,
      changedAt: `${new Date(at.getTime() + 9 * 3600_000).toISOString().slice(0, 23)}+09:00`,
      ...over,
    };
  });
}
