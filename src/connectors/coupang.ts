// Coupang Wing Open API, from its public documentation (developers.coupangcorp.com):
// - every request signed: `Authorization: CEA algorithm=HmacSHA256, access-key=…, signed-date=yyMMdd'T'HHmmss'Z',
//   signature=<hex HMAC-SHA256 of signed-date + method + path + query, keyed by the secret key>`;
// - order sheets: GET /v2/providers/openapi/apis/api/v4/vendors/{vendorId}/ordersheets with createdAtFrom,
//   createdAtTo (yyyy-MM-dd, at most 31 days), status, maxPerPage (≤ 50) and nextToken paging. Paid (ACCEPT)
//   and preparing (INSTRUCT) sheets are the desk's new orders; each order item is one line;
// - return / cancel requests: GET …/v6/vendors/{vendorId}/returnRequests (see API_VERSIONS), paged by
//   day: createdAtFrom, createdAtTo (yyyy-MM-dd, at most 31 days), status RU | UC | PR | CC (required
//   unless orderId is given), maxPerPage (≤ 50) and nextToken. Orders cancelled while paid (ACCEPT) come only with cancelType=CANCEL
//   and neither status nor orderId. A stop-shipment request (RU, made while INSTRUCT) is listed under RU and
//   under UC. Each receipt's returnItems[].vendorItemId is the line;
// - exchange requests: GET …/v4/vendors/{vendorId}/exchangeRequests with createdAtFrom / createdAtTo
//   (yyyy-MM-ddTHH:mm:ss, at most 7 days), maxPerPage (default 10) and nextToken; every status unless one is
//   asked for. exchangeItemDtoV1s[].orderItemId is the original line's vendorItemId.
// A run goes ACCEPT sheets → INSTRUCT sheets → returns (RU, UC, PR, CC) → cancels → exchanges, each phase
// window by window, and its cursor says where it stands (R16, R17).
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { CollectedPage } from '../domain/services/collection.js';
import type { CollectedClaim, IncomingOrder } from '../domain/services/intake.js';
import type { ClaimType } from '../domain/types.js';
import { DEFAULT_RETRY, type RetryPolicy, requestJson } from './http.js';
import { type AccountAccess, type Connector, ConnectorError, type Period } from './types.js';

export const COUPANG_BASE_URL = 'https://api-gateway.coupang.com';
/**
 * Each list's API version. The 2025 migration moved returnRequests to v6 and ordersheets to v5; v5 order
 * sheets carry prices as money objects, which the sheets read here do not expect, so they stay on v4 (still
 * served, answers unchanged). Exchange requests were not migrated.
 */
const API_VERSIONS = { ordersheets: 'v4', returnRequests: 'v6', exchangeRequests: 'v4' } as const;
const PAGE_SIZE = 50;
/** The documented default; the documentation gives no maximum for exchange requests. */
const EXCHANGE_PAGE_SIZE = 10;
const DAY_MS = 86_400_000;

type Phase =
  | { kind: 'sheets'; status: 'ACCEPT' | 'INSTRUCT' }
  | { kind: 'returns'; status: 'RU' | 'UC' | 'PR' | 'CC' }
  | { kind: 'cancels' }
  | { kind: 'exchanges' };

/** In the order a run walks them; a cursor's `phase` indexes this list. */
const PHASES: readonly Phase[] = [
  { kind: 'sheets', status: 'ACCEPT' },
  { kind: 'sheets', status: 'INSTRUCT' },
  { kind: 'returns', status: 'RU' },
  { kind: 'returns', status: 'UC' },
  { kind: 'returns', status: 'PR' },
  { kind: 'returns', status: 'CC' },
  { kind: 'cancels' },
  { kind: 'exchanges' },
];

/** The longest query window each list allows, in days (both ends included). */
const WINDOW_DAYS: Record<Phase['kind'], number> = { sheets: 31, returns: 31, cancels: 31, exchanges: 7 };

const credentials = z.object({
  accessKey: z.string().min(1),
  secretKey: z.string().min(1),
  vendorId: z.string().regex(/^[A-Za-z0-9]+$/),
});

const id = z.union([z.number(), z.string().min(1)]).transform(String);
const text = z
  .string()
  .nullish()
  .transform((v) => v ?? '');
const code = z.union([z.number(), z.string()]);
const nextToken = z.string().nullish();

const sheetsAnswer = z.object({
  code,
  data: z.array(
    z.object({
      orderId: id,
      orderedAt: z.string().nullish(),
      orderer: z.object({ name: text, safeNumber: text }).nullish(),
      receiver: z.object({ name: text, safeNumber: text, addr1: text, addr2: text, postCode: text }),
      parcelPrintMessage: text,
      orderItems: z.array(
        z.object({
          vendorItemId: id,
          sellerProductId: id,
          sellerProductName: text,
          sellerProductItemName: text,
          shippingCount: z.number().int().min(1),
          salesPrice: z.number().int().min(0),
          orderPrice: z.number().int().min(0).nullish(),
        }),
      ),
    }),
  ),
  nextToken,
});

const returnsAnswer = z.object({
  code,
  data: z.array(
    z.object({
      receiptId: id,
      orderId: id,
      receiptType: text,
      receiptStatus: text,
      cancelReasonCategory1: text,
      cancelReasonCategory2: text,
      cancelReason: text,
      returnItems: z
        .array(z.object({ vendorItemId: id }))
        .nullish()
        .transform((v) => v ?? []),
    }),
  ),
  nextToken,
});

const exchangesAnswer = z.object({
  code,
  data: z.array(
    z.object({
      exchangeId: id,
      orderId: id,
      exchangeStatus: text,
      reasonCodeText: text,
      reasonEtcDetail: text,
      /** No longer filled, the documentation says; read for older requests. */
      reason: text,
      exchangeItemDtoV1s: z
        .array(z.object({ orderItemId: id }))
        .nullish()
        .transform((v) => v ?? []),
    }),
  ),
  nextToken,
});

/** `{ phase, window, nextToken? }`; a cursor from before claims (`{ status, nextToken? }`) still reads. */
const cursorSchema = z.union([
  z.object({
    phase: z.number().int().min(0),
    window: z.number().int().min(0),
    nextToken: z.string().min(1).optional(),
  }),
  z
    .object({ status: z.number().int().min(0), nextToken: z.string().min(1).optional() })
    .transform(({ status, nextToken }) => ({ phase: status, window: 0, nextToken })),
]);
type Cursor = z.infer<typeof cursorSchema>;

function readCursor(cursorText: string | null | undefined): Cursor {
  if (!cursorText) return { phase: 0, window: 0 };
  let value: unknown;
  try {
    value = JSON.parse(cursorText);
  } catch {
    value = undefined;
  }
  const cursor = cursorSchema.safeParse(value);
  if (!cursor.success) throw new ConnectorError('permanent', 'unreadable Coupang collection cursor');
  return cursor.data;
}

/** `2026-11-26` plus n calendar days. */
function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The period cut into windows of at most `size` calendar days, both ends included. */
export function coupangWindows(period: Period, size: number): { from: string; to: string }[] {
  const windows: { from: string; to: string }[] = [];
  for (let from = period.from; from <= period.to; from = addDays(from, size)) {
    let to = addDays(from, size - 1);
    if (to > period.to) to = period.to;
    windows.push({ from, to });
  }
  return windows;
}

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

/** What a claim is: a receipt listed with cancelType=CANCEL, or a stop-shipment request, is a cancel. */
function returnClaimType(phase: Phase, receipt: { receiptType: string; receiptStatus: string }): ClaimType {
  if (phase.kind === 'cancels' || receipt.receiptType === 'CANCEL') return 'cancel';
  return receipt.receiptStatus === 'RELEASE_STOP_UNCHECKED' ? 'cancel' : 'return';
}

function reasonOf(parts: string[], type: ClaimType): string {
  const distinct = [...new Set(parts.map((p) => p.trim()).filter(Boolean))];
  return distinct.join(' / ') || type;
}

export function coupangConnector(policy: RetryPolicy = DEFAULT_RETRY, now = () => new Date()): Connector {
  function keysOf(account: AccountAccess) {
    const keys = credentials.safeParse(account.credentials);
    if (!keys.success) throw new ConnectorError('auth', 'accessKey, secretKey and vendorId are required');
    return keys.data;
  }

  async function get<T>(
    account: AccountAccess,
    list: 'ordersheets' | 'returnRequests' | 'exchangeRequests',
    query: URLSearchParams,
    schema: z.ZodType<T>,
  ): Promise<T> {
    const keys = keysOf(account);
    const base = (account.baseUrl ?? COUPANG_BASE_URL).replace(/\/$/, '');
    const path = `/v2/providers/openapi/apis/api/${API_VERSIONS[list]}/vendors/${keys.vendorId}/${list}`;
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
    const parsed = schema.safeParse(answer);
    if (!parsed.success) throw new ConnectorError('permanent', `malformed ${list} page from Coupang`);
    return parsed.data;
  }

  function toOrders(account: AccountAccess, data: z.infer<typeof sheetsAnswer>['data']): IncomingOrder[] {
    return data.flatMap((sheet) =>
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
  }

  /** One claim per line a request names; a request naming no line claims the whole order. */
  function claimsOf(
    account: AccountAccess,
    request: { orderId: string; type: ClaimType; reason: string; mallClaimId: string; lines: string[] },
  ): CollectedClaim[] {
    const base = {
      channelId: account.channelId,
      mallOrderNo: request.orderId,
      type: request.type,
      reason: request.reason,
      mallClaimId: request.mallClaimId,
    };
    const lines = [...new Set(request.lines)];
    return lines.length ? lines.map((mallLineNo) => ({ ...base, mallLineNo })) : [base];
  }

  /** One request of the phase's list: its orders or claims, and the list's next token. */
  async function fetchPage(
    account: AccountAccess,
    phase: Phase,
    window: { from: string; to: string },
    token: string | undefined,
  ): Promise<{ orders: IncomingOrder[]; claims: CollectedClaim[]; nextToken: string | undefined }> {
    if (phase.kind === 'exchanges') {
      const query = new URLSearchParams({
        createdAtFrom: `${window.from}T00:00:00`,
        createdAtTo: `${window.to}T23:59:59`,
        maxPerPage: String(EXCHANGE_PAGE_SIZE),
      });
      if (token) query.set('nextToken', token);
      const page = await get(account, 'exchangeRequests', query, exchangesAnswer);
      const claims = page.data
        // A request the customer withdrew (CANCEL, 철회) is no longer a claim.
        .filter((x) => x.exchangeStatus !== 'CANCEL')
        .flatMap((x) =>
          claimsOf(account, {
            orderId: x.orderId,
            type: 'exchange',
            reason: reasonOf([x.reasonCodeText, x.reasonEtcDetail, x.reason], 'exchange'),
            mallClaimId: `exchange:${x.exchangeId}`,
            lines: x.exchangeItemDtoV1s.map((i) => i.orderItemId),
          }),
        );
      return { orders: [], claims, nextToken: page.nextToken || undefined };
    }
    const query = new URLSearchParams({ createdAtFrom: window.from, createdAtTo: window.to });
    if (phase.kind === 'cancels') query.set('cancelType', 'CANCEL');
    else query.set('status', phase.status);
    query.set('maxPerPage', String(PAGE_SIZE));
    if (token) query.set('nextToken', token);
    if (phase.kind === 'sheets') {
      const page = await get(account, 'ordersheets', query, sheetsAnswer);
      return { orders: toOrders(account, page.data), claims: [], nextToken: page.nextToken || undefined };
    }
    const page = await get(account, 'returnRequests', query, returnsAnswer);
    const claims = page.data.flatMap((r) => {
      const type = returnClaimType(phase, r);
      return claimsOf(account, {
        orderId: r.orderId,
        type,
        reason: reasonOf([r.cancelReasonCategory1, r.cancelReasonCategory2, r.cancelReason], type),
        mallClaimId: `${type}:${r.receiptId}`,
        lines: r.returnItems.map((i) => i.vendorItemId),
      });
    });
    return { orders: [], claims, nextToken: page.nextToken || undefined };
  }

  return {
    async verify(account) {
      const today = now().toISOString().slice(0, 10);
      await get(
        account,
        'ordersheets',
        new URLSearchParams({ createdAtFrom: today, createdAtTo: today, status: 'ACCEPT', maxPerPage: '1' }),
        sheetsAnswer,
      );
    },

    async *pages(account, period: Period, cursorText) {
      let cursor = readCursor(cursorText);
      // A stop-shipment request is listed under RU and under UC: within a run each claim goes out once
      // (storing a claim twice is harmless too: a claim is unique per order line and mallClaimId).
      const seen = new Set<string>();
      while (cursor.phase < PHASES.length) {
        const phase = PHASES[cursor.phase]!;
        const windows = coupangWindows(period, WINDOW_DAYS[phase.kind]);
        const window = windows[cursor.window];
        if (!window) {
          cursor = { phase: cursor.phase + 1, window: 0 };
          continue;
        }
        const page = await fetchPage(account, phase, window, cursor.nextToken);
        const claims = page.claims.filter((c) => {
          const key = `${c.mallOrderNo}|${c.mallLineNo ?? ''}|${c.mallClaimId}`;
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
        cursor = page.nextToken
          ? { phase: cursor.phase, window: cursor.window, nextToken: page.nextToken }
          : cursor.window + 1 < windows.length
            ? { phase: cursor.phase, window: cursor.window + 1 }
            : { phase: cursor.phase + 1, window: 0 };
        const collected: CollectedPage = {
          orders: page.orders,
          claims,
          cursor: cursor.phase < PHASES.length ? JSON.stringify(cursor) : null,
        };
        yield collected;
      }
    },
  };
}
