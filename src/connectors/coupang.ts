// Coupang Wing Open API, from its public documentation:
// - every request signed: `Authorization: CEA algorithm=HmacSHA256, access-key=…, signed-date=yyMMdd'T'HHmmss'Z',
//   signature=<hex HMAC-SHA256 of signed-date + method + path + query, keyed by the secret key>`;
// - order sheets: GET /v2/providers/openapi/apis/api/v4/vendors/{vendorId}/ordersheets with createdAtFrom,
//   createdAtTo, status, maxPerPage and nextToken paging. Paid (ACCEPT) and preparing (INSTRUCT) sheets are
//   the desk's new orders; each order item is one line.
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { IncomingOrder } from '../domain/services/intake.js';
import { DEFAULT_RETRY, type RetryPolicy, requestJson } from './http.js';
import { type AccountAccess, type Connector, ConnectorError, type Period } from './types.js';

export const COUPANG_BASE_URL = 'https://api-gateway.coupang.com';
const STATUSES = ['ACCEPT', 'INSTRUCT'] as const;
const PAGE_SIZE = 50;

const credentials = z.object({
  accessKey: z.string().min(1),
  secretKey: z.string().min(1),
  vendorId: z.string().regex(/^[A-Za-z0-9]+$/),
});

const text = z
  .string()
  .nullish()
  .transform((v) => v ?? '');
const sheetsAnswer = z.object({
  code: z.union([z.number(), z.string()]),
  data: z.array(
    z.object({
      orderId: z.union([z.number(), z.string()]).transform(String),
      orderedAt: z.string().nullish(),
      orderer: z.object({ name: text, safeNumber: text }).nullish(),
      receiver: z.object({ name: text, safeNumber: text, addr1: text, addr2: text, postCode: text }),
      parcelPrintMessage: text,
      orderItems: z.array(
        z.object({
          vendorItemId: z.union([z.number(), z.string()]).transform(String),
          sellerProductId: z.union([z.number(), z.string()]).transform(String),
          sellerProductName: text,
          sellerProductItemName: text,
          shippingCount: z.number().int().min(1),
          salesPrice: z.number().int().min(0),
          orderPrice: z.number().int().min(0).nullish(),
        }),
      ),
    }),
  ),
  nextToken: z.string().nullish(),
});

/** yyMMdd'T'HHmmss'Z' in UTC. */
export function coupangSignedDate(at: Date): string {
  const iso = at.toISOString();
  return `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

export function coupangAuthorization(
  keys: { accessKey: string; secretKey: string },
  method: string,
  path: string,
  query: string,
  at: Date,
): string {
  const signedDate = coupangSignedDate(at);
  const signature = createHmac('sha256', keys.secretKey)
    .update(`${signedDate}${method}${path}${query}`)
    .digest('hex');
  return `CEA algorithm=HmacSHA256, access-key=${keys.accessKey}, signed-date=${signedDate}, signature=${signature}`;
}

/** `/{status}/{nextToken}` — where a run resumes. */
interface Cursor {
  status: number;
  nextToken?: string;
}

export function coupangConnector(policy: RetryPolicy = DEFAULT_RETRY, now = () => new Date()): Connector {
  function keysOf(account: AccountAccess) {
    const keys = credentials.safeParse(account.credentials);
    if (!keys.success) throw new ConnectorError('auth', 'accessKey, secretKey and vendorId are required');
    return keys.data;
  }

  async function sheets(account: AccountAccess, query: URLSearchParams) {
    const keys = keysOf(account);
    const base = (account.baseUrl ?? COUPANG_BASE_URL).replace(/\/$/, '');
    const path = `/v2/providers/openapi/apis/api/v4/vendors/${keys.vendorId}/ordersheets`;
    const answer = await requestJson(
      `${base}${path}?${query}`,
      {
        headers: {
          authorization: coupangAuthorization(keys, 'GET', path, query.toString(), now()),
          'x-requested-by': keys.vendorId,
        },
      },
      policy,
    );
    const parsed = sheetsAnswer.safeParse(answer);
    if (!parsed.success) throw new ConnectorError('permanent', 'malformed order-sheet page from Coupang');
    return parsed.data;
  }

  return {
    async verify(account) {
      const today = now().toISOString().slice(0, 10);
      await sheets(
        account,
        new URLSearchParams({ createdAtFrom: today, createdAtTo: today, status: 'ACCEPT', maxPerPage: '1' }),
      );
    },

    async *pages(account, period: Period, cursorText) {
      let cursor: Cursor = cursorText ? (JSON.parse(cursorText) as Cursor) : { status: 0 };
      while (cursor.status < STATUSES.length) {
        const query = new URLSearchParams({
          createdAtFrom: period.from,
          createdAtTo: period.to,
          status: STATUSES[cursor.status]!,
          maxPerPage: String(PAGE_SIZE),
        });
        if (cursor.nextToken) query.set('nextToken', cursor.nextToken);
        const page = await sheets(account, query);
        const orders: IncomingOrder[] = page.data.flatMap((sheet) =>
          sheet.orderItems.map((item) => ({
            channelId: account.channelId,
            mallOrderNo: sheet.orderId,
            mallLineNo: item.vendorItemId,
            mallProductCode: item.sellerProductId,
            mallProductName: item.sellerProductName,
            mallOption: item.sellerProductItemName,
            quantity: item.shippingCount,
            unitPriceKrw: item.salesPrice,
            amountKrw: item.orderPrice ?? item.salesPrice * item.shippingCount,
            ordererName: sheet.orderer?.name ?? '',
            ordererPhone: sheet.orderer?.safeNumber ?? '',
            recipientName: sheet.receiver.name,
            recipientPhone: sheet.receiver.safeNumber,
            address: [sheet.receiver.addr1, sheet.receiver.addr2].filter(Boolean).join(' '),
            zip: sheet.receiver.postCode,
            deliveryMessage: sheet.parcelPrintMessage,
            orderedAt: sheet.orderedAt ? new Date(`${sheet.orderedAt.slice(0, 19)}+09:00`) : undefined,
          })),
        );
        cursor = page.nextToken
          ? { status: cursor.status, nextToken: page.nextToken }
          : { status: cursor.status + 1 };
        yield { orders, claims: [], cursor: cursor.status < STATUSES.length ? JSON.stringify(cursor) : null };
      }
    },
  };
}
