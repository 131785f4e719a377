// Naver Commerce API (SmartStore), from its public documentation:
// - token: POST /v1/oauth2/token (form) with client_id, timestamp (ms), grant_type=client_credentials,
//   type=SELF and client_secret_sign = base64(bcrypt(client_id + "_" + timestamp, client_secret)) — the
//   client secret is itself a bcrypt salt;
// - changes: GET /v1/pay-order/seller/product-orders/last-changed-statuses in windows of at most 24 h,
//   limitCount ≤ 300, the next page from `more.moreFrom` / `more.moreSequence`;
// - details: POST /v1/pay-order/seller/product-orders/query with up to 300 productOrderIds.
// New paid lines become orders; cancel / return / exchange requests become claims (R17).
import bcrypt from 'bcryptjs';
import { z } from 'zod';
import type { CollectedPage } from '../domain/services/collection.js';
import type { CollectedClaim, IncomingOrder } from '../domain/services/intake.js';
import type { ClaimType } from '../domain/types.js';
import { DEFAULT_RETRY, type RetryPolicy, requestJson } from './http.js';
import { type AccountAccess, type Connector, ConnectorError, kstDayStart, type Period } from './types.js';

export const NAVER_BASE_URL = 'https://api.commerce.naver.com/external';
const PAGE_SIZE = 300;
const DAY_MS = 86_400_000;

const credentials = z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1) });

const tokenAnswer = z.object({ access_token: z.string().min(1), expires_in: z.number() });

const changesAnswer = z.object({
  data: z
    .object({
      lastChangeStatuses: z
        .array(z.object({ productOrderId: z.string(), orderId: z.string(), lastChangedType: z.string() }))
        .default([]),
      more: z.object({ moreFrom: z.string(), moreSequence: z.string() }).nullish(),
    })
    .nullish(),
});

/** A detail as Naver sends it, once `detailOf` checked it: texts may be null or absent (read as ''). */
interface Detail {
  order: { orderId: string; ordererName?: Text; ordererTel?: Text; paymentDate?: Text };
  productOrder: {
    productOrderId: string;
    productId?: Text;
    sellerProductCode?: Text;
    productName?: Text;
    productOption?: Text;
    quantity: number;
    unitPrice: number;
    totalPaymentAmount?: number | null;
    productOrderStatus: string;
    claimType?: Text;
    shippingMemo?: Text;
    shippingAddress: {
      name?: Text;
      tel1?: Text;
      baseAddress?: Text;
      detailedAddress?: Text;
      zipCode?: Text;
    };
  };
  cancel?: { claimId: string; cancelReason?: Text } | null;
  return?: { claimId: string; returnReason?: Text } | null;
  exchange?: { claimId: string; exchangeReason?: Text } | null;
}
type Text = string | null;

// The product-order page is checked by hand rather than by a schema: the same rules (strings, texts that
// may be null, whole numbers with their minimum, nested objects), checked in place, where the schema
// built a copy of every line (its costliest part at ten thousand lines a run).
type Fields = Record<string, unknown>;
class Malformed extends Error {}
const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
function object(v: unknown): Fields {
  if (!isObject(v)) throw new Malformed();
  return v;
}
function strings(o: Fields, keys: readonly string[]) {
  for (const k of keys) if (typeof o[k] !== 'string') throw new Malformed();
}
function texts(o: Fields, keys: readonly string[]) {
  for (const k of keys) if (o[k] != null && typeof o[k] !== 'string') throw new Malformed();
}
function whole(v: unknown, min: number) {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new Malformed();
}
function claimPart(v: unknown, reason: string) {
  if (v == null) return;
  const o = object(v);
  strings(o, ['claimId']);
  texts(o, [reason]);
}

const ORDER_TEXTS = ['ordererName', 'ordererTel', 'paymentDate'] as const;
const LINE_TEXTS = [
  'productId',
  'sellerProductCode',
  'productName',
  'productOption',
  'claimType',
  'shippingMemo',
] as const;
const ADDRESS_TEXTS = ['name', 'tel1', 'baseAddress', 'detailedAddress', 'zipCode'] as const;

function detailOf(v: unknown): Detail {
  const d = object(v);
  const order = object(d.order);
  strings(order, ['orderId']);
  texts(order, ORDER_TEXTS);
  const line = object(d.productOrder);
  strings(line, ['productOrderId', 'productOrderStatus']);
  texts(line, LINE_TEXTS);
  whole(line.quantity, 1);
  whole(line.unitPrice, 0);
  if (line.totalPaymentAmount != null) whole(line.totalPaymentAmount, 0);
  texts(object(line.shippingAddress), ADDRESS_TEXTS);
  claimPart(d.cancel, 'cancelReason');
  claimPart(d.return, 'returnReason');
  claimPart(d.exchange, 'exchangeReason');
  return d as unknown as Detail;
}

/** `{ data: Detail[] }`, or a permanent failure: Naver sent something else. */
function detailsOf(answer: unknown): Detail[] {
  try {
    const data = object(answer).data;
    if (!Array.isArray(data)) throw new Malformed();
    return data.map(detailOf);
  } catch (error) {
    if (error instanceof Malformed)
      throw new ConnectorError('permanent', 'malformed product-order page from Naver');
    throw error;
  }
}

/** Lines Naver has been paid for and not yet shipped or cancelled: the desk's new orders. */
const ORDER_STATUSES = new Set(['PAYED']);
const CLAIM_TYPES: Record<string, ClaimType> = {
  CANCEL: 'cancel',
  ADMIN_CANCEL: 'cancel',
  RETURN: 'return',
  EXCHANGE: 'exchange',
};

interface Cursor {
  /** The 24-hour window (0 = the first day of the period). */
  window: number;
  moreFrom?: string;
  moreSequence?: string;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ConnectorError('permanent', `malformed ${what} page from Naver`);
  return result.data;
}

/** `2026-11-26T00:00:00.000+09:00`: Naver's date-times are Korean time. */
function kstIso(at: Date): string {
  return `${new Date(at.getTime() + 9 * 3600_000).toISOString().slice(0, 23)}+09:00`;
}

export function naverSign(clientId: string, clientSecret: string, timestamp: number): string {
  return Buffer.from(bcrypt.hashSync(`${clientId}_${timestamp}`, clientSecret)).toString('base64');
}

export function naverConnector(policy: RetryPolicy = DEFAULT_RETRY, now = () => Date.now()): Connector {
  async function token(account: AccountAccess): Promise<{ base: string; auth: string }> {
    const creds = credentials.safeParse(account.credentials);
    if (!creds.success) throw new ConnectorError('auth', 'clientId and clientSecret are required');
    const base = (account.baseUrl ?? NAVER_BASE_URL).replace(/\/$/, '');
    const timestamp = now();
    let sign: string;
    try {
      sign = naverSign(creds.data.clientId, creds.data.clientSecret, timestamp);
    } catch {
      throw new ConnectorError('auth', 'the client secret is not a valid bcrypt salt');
    }
    const body = new URLSearchParams({
      client_id: creds.data.clientId,
      timestamp: String(timestamp),
      grant_type: 'client_credentials',
      client_secret_sign: sign,
      type: 'SELF',
    });
    const answer = await requestJson(
      `${base}/v1/oauth2/token`,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body },
      policy,
    );
    return { base, auth: `Bearer ${parse(tokenAnswer, answer, 'token').access_token}` };
  }

  function toOrder(account: AccountAccess, d: Detail): IncomingOrder {
    const p = d.productOrder;
    const a = p.shippingAddress;
    const base = a.baseAddress ?? '';
    const detailed = a.detailedAddress ?? '';
    return {
      channelId: account.channelId,
      mallOrderNo: d.order.orderId,
      mallLineNo: p.productOrderId,
      mallProductCode: p.sellerProductCode || p.productId || '',
      mallProductName: p.productName ?? '',
      mallOption: p.productOption ?? '',
      quantity: p.quantity,
      unitPriceKrw: p.unitPrice,
      amountKrw: p.totalPaymentAmount ?? p.unitPrice * p.quantity,
      ordererName: d.order.ordererName ?? '',
      ordererPhone: d.order.ordererTel ?? '',
      recipientName: a.name ?? '',
      recipientPhone: a.tel1 ?? '',
      address: base && detailed ? `${base} ${detailed}` : base || detailed,
      zip: a.zipCode ?? '',
      deliveryMessage: p.shippingMemo ?? '',
      orderedAt: d.order.paymentDate ? new Date(d.order.paymentDate) : undefined,
    };
  }

  function toClaim(account: AccountAccess, d: Detail): CollectedClaim | null {
    const type = CLAIM_TYPES[d.productOrder.claimType ?? ''];
    if (!type) return null;
    const claim = type === 'cancel' ? d.cancel : type === 'return' ? d.return : d.exchange;
    const reason =
      (d.cancel?.cancelReason || d.return?.returnReason || d.exchange?.exchangeReason || '').trim() || type;
    return {
      channelId: account.channelId,
      mallOrderNo: d.order.orderId,
      mallLineNo: d.productOrder.productOrderId,
      type,
      reason,
      mallClaimId: claim?.claimId ?? `${d.productOrder.productOrderId}:${type}`,
    };
  }

  return {
    async verify(account) {
      await token(account);
    },

    async *pages(account, period: Period, cursorText) {
      const { base, auth } = await token(account);
      const start = kstDayStart(period.from).getTime();
      const end = kstDayStart(period.to).getTime() + DAY_MS;
      const windows = Math.ceil((end - start) / DAY_MS);
      let cursor: Cursor = cursorText ? (JSON.parse(cursorText) as Cursor) : { window: 0 };
      while (cursor.window < windows) {
        const windowStart = start + cursor.window * DAY_MS;
        const query = new URLSearchParams({
          lastChangedFrom: cursor.moreFrom ?? kstIso(new Date(windowStart)),
          lastChangedTo: kstIso(new Date(Math.min(end, windowStart + DAY_MS))),
          limitCount: String(PAGE_SIZE),
        });
        if (cursor.moreSequence) query.set('moreSequence', cursor.moreSequence);
        const changes = parse(
          changesAnswer,
          await requestJson(
            `${base}/v1/pay-order/seller/product-orders/last-changed-statuses?${query}`,
            { headers: { authorization: auth } },
            policy,
          ),
          'changed-status',
        );
        const ids = [...new Set((changes.data?.lastChangeStatuses ?? []).map((c) => c.productOrderId))];
        const details = ids.length
          ? detailsOf(
              await requestJson(
                `${base}/v1/pay-order/seller/product-orders/query`,
                {
                  method: 'POST',
                  headers: { authorization: auth, 'content-type': 'application/json' },
                  body: JSON.stringify({ productOrderIds: ids }),
                },
                policy,
              ),
            )
          : [];
        const more = changes.data?.more;
        cursor = more
          ? { window: cursor.window, moreFrom: more.moreFrom, moreSequence: more.moreSequence }
          : { window: cursor.window + 1 };
        const page: CollectedPage = {
          orders: details
            .filter((d) => ORDER_STATUSES.has(d.productOrder.productOrderStatus))
            .map((d) => toOrder(account, d)),
          claims: details.map((d) => toClaim(account, d)).filter((c): c is CollectedClaim => c !== null),
          cursor: cursor.window < windows ? JSON.stringify(cursor) : null,
        };
        yield page;
      }
    },
  };
}
