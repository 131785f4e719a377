// Cafe24 Admin API, from its public documentation (developers.cafe24.com):
// - base https://{mall_id}.cafe24api.com; calls carry `Authorization: Bearer <access token>` and
//   `X-Cafe24-Api-Version: yyyy-mm-dd`;
// - token: POST /api/v2/oauth/token with Basic base64(client_id:client_secret) and the form
//   grant_type=refresh_token&refresh_token=…; an access token lasts 2 hours, a refresh token 2 weeks, and
//   each refresh issues a new refresh token and retires the old one — so renewed credentials are handed
//   back (`renewCredentials`) as soon as they are issued, kept in memory and handed back again while
//   storing them fails, and a refused refresh token is checked against the stored credentials (another
//   instance, or a new authorisation, may have renewed them);
// - orders: GET /api/v2/admin/orders with start_date / end_date (days), date_type, limit ≤ 1000,
//   offset ≤ 15000 and embed=items,receivers,buyer. One Korean day at a time, paged by offset.
// Each order item is a line: paid, unshipped items are orders; cancel / return / exchange items are claims (R17).
import { z } from 'zod';
import type { CollectedPage } from '../domain/services/collection.js';
import type { CollectedClaim, IncomingOrder } from '../domain/services/intake.js';
import type { ClaimType } from '../domain/types.js';
import { backoffMs, DEFAULT_RETRY, type RetryPolicy, requestJson } from './http.js';
import { type AccountAccess, type Connector, ConnectorError, kstDayStart, type Period } from './types.js';

/** The API version the answers below were written against (the documentation's example version). */
export const CAFE24_API_VERSION = '2026-03-01';
export const CAFE24_PAGE_SIZE = 500;
/** The documented largest `offset`: a day holds at most this plus one page of orders. */
export const CAFE24_MAX_OFFSET = 15_000;
const DAY_MS = 86_400_000;
/** An access token this close to its end is renewed before use. */
const EXPIRY_MARGIN_MS = 5 * 60_000;
/** Tries at storing renewed credentials before they are kept in memory only (and stored again later). */
const SAVE_ATTEMPTS = 3;

const credentials = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  mallId: z.string().regex(/^[a-z0-9-]+$/i),
  refreshToken: z.string().min(1),
  accessToken: z.string().optional(),
  accessTokenExpiresAt: z.string().optional(),
});
type Credentials = z.infer<typeof credentials>;

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  expires_at: z.string(),
  refresh_token: z.string().min(1),
  refresh_token_expires_at: z.string().nullish(),
});

const text = z
  .string()
  .nullish()
  .transform((v) => v ?? '');
/** Amounts come as decimal strings ("32000.00"). */
const krw = z
  .union([z.string(), z.number()])
  .transform(Number)
  .pipe(z.number().min(0))
  .transform((v) => Math.round(v));
const ordersAnswer = z.object({
  orders: z.array(
    z.object({
      order_id: z.string().min(1),
      order_date: z.string().nullish(),
      billing_name: text,
      buyer: z.object({ name: text, phone: text, cellphone: text }).nullish(),
      receivers: z.array(
        z.object({
          name: text,
          phone: text,
          cellphone: text,
          zipcode: text,
          address1: text,
          address2: text,
          shipping_message: text,
          shipping_code: z.string().nullish(),
        }),
      ),
      items: z.array(
        z.object({
          order_item_code: z.string().min(1),
          product_no: z.union([z.number(), z.string()]).transform(String).nullish(),
          product_code: text,
          product_name: text,
          option_value: text,
          quantity: z.number().int().min(1),
          product_price: krw,
          option_price: krw.nullish(),
          payment_amount: krw.nullish(),
          order_status: z.string(),
          claim_code: z.string().nullish(),
          claim_reason: z.string().nullish(),
          shipping_code: z.string().nullish(),
        }),
      ),
    }),
  ),
});
type Order = z.infer<typeof ordersAnswer>['orders'][number];
type Item = Order['items'][number];

/** Paid and not yet shipped (상품준비중, 배송준비중, 배송대기, 배송보류): the desk's new orders. */
const ORDER_STATUSES = new Set(['N10', 'N20', 'N21', 'N22']);
const CLAIM_TYPES: Record<string, ClaimType> = { C: 'cancel', R: 'return', E: 'exchange' };
/** A refused claim (취소/반품/교환 접수거부) leaves the line as it was. */
const REFUSED_CLAIMS = new Set(['C11', 'R11', 'E11']);

/** Where a run resumes: the day of the period (0 = its first) and the offset within it. */
interface Cursor {
  day: number;
  offset: number;
}

/** Cafe24 writes token times in Korean time without an offset ("2026-11-26T14:00:00.000"). */
export function cafe24Time(value: string): number {
  return Date.parse(/(Z|[+-]\d\d:?\d\d)$/i.test(value) ? value : `${value}+09:00`);
}

function kstDay(at: number): string {
  return new Date(at + 9 * 3600_000).toISOString().slice(0, 10);
}

export function cafe24Connector(policy: RetryPolicy = DEFAULT_RETRY, now = () => Date.now()): Connector {
  /** The last refresh per account, by the refresh token it spent: a second run holding that token reuses it. */
  const renewals = new Map<number, { spent: string; next: Promise<Record<string, string>> }>();
  /**
   * Credentials Cafe24 issued that could not be stored yet (the database was away): the refresh token
   * they replace is spent, so they are used from here and stored again before every call until it works.
   */
  const unsaved = new Map<number, Record<string, string>>();

  /** Hands renewed credentials back, a few times if storing fails; kept in `unsaved` while it does. */
  async function keep(account: AccountAccess, next: Record<string, string>): Promise<void> {
    if (!account.renewCredentials) return;
    for (let attempt = 0; ; attempt++) {
      try {
        await account.renewCredentials(next);
        if (unsaved.get(account.id) === next) unsaved.delete(account.id);
        return;
      } catch {
        if (attempt >= SAVE_ATTEMPTS - 1) {
          unsaved.set(account.id, next);
          return;
        }
        await policy.sleep(backoffMs(policy, attempt + 1));
      }
    }
  }

  function parseCredentials(record: Record<string, string>): Credentials {
    const parsed = credentials.safeParse(record);
    if (!parsed.success)
      throw new ConnectorError('auth', 'clientId, clientSecret, mallId and refreshToken are required');
    return parsed.data;
  }

  function baseOf(account: AccountAccess, creds: Credentials): string {
    return (account.baseUrl ?? `https://${creds.mallId}.cafe24api.com`).replace(/\/$/, '');
  }

  async function refresh(
    account: AccountAccess,
    record: Record<string, string>,
    creds: Credentials,
  ): Promise<Record<string, string>> {
    const basic = Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64');
    let answer: unknown;
    try {
      answer = await requestJson(
        `${baseOf(account, creds)}/api/v2/oauth/token`,
        {
          method: 'POST',
          headers: {
            authorization: `Basic ${basic}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.refreshToken }),
        },
        policy,
      );
    } catch (error) {
      const status = error instanceof ConnectorError ? error.detail.status : undefined;
      // Renewed meanwhile elsewhere (another instance, or the mall authorised the app again): the stored
      // credentials hold a refresh token other than the one refused.
      const refused = status === 400 || status === 401;
      const stored = refused ? await account.storedCredentials?.().catch(() => undefined) : undefined;
      if (stored?.refreshToken && stored.refreshToken !== creds.refreshToken) {
        const fresh = parseCredentials(stored);
        const expiresAt = cafe24Time(fresh.accessTokenExpiresAt ?? '');
        if (fresh.accessToken && expiresAt - now() > EXPIRY_MARGIN_MS) return stored;
        return refresh(account, stored, fresh);
      }
      if (refused)
        throw new ConnectorError(
          'auth',
          `Cafe24 refused the refresh token (HTTP ${status}); the mall must authorise the app again`,
          { status },
        );
      throw error;
    }
    const token = tokenAnswer.safeParse(answer);
    if (!token.success) throw new ConnectorError('permanent', 'malformed token answer from Cafe24');
    const expiresAt = cafe24Time(token.data.expires_at);
    const next: Record<string, string> = {
      ...record,
      accessToken: token.data.access_token,
      accessTokenExpiresAt: new Date(Number.isNaN(expiresAt) ? now() : expiresAt).toISOString(),
      refreshToken: token.data.refresh_token,
    };
    const refreshEnds = cafe24Time(token.data.refresh_token_expires_at ?? '');
    if (!Number.isNaN(refreshEnds)) next.refreshTokenExpiresAt = new Date(refreshEnds).toISOString();
    // The spent refresh token no longer works: the new one is stored before anything else happens (or,
    // while it cannot be, kept here).
    await keep(account, next);
    return next;
  }

  function renew(account: AccountAccess, record: Record<string, string>, creds: Credentials) {
    const known = renewals.get(account.id);
    if (known?.spent === creds.refreshToken) return known.next;
    const next = refresh(account, record, creds);
    renewals.set(account.id, { spent: creds.refreshToken, next });
    next.catch(() => {
      if (renewals.get(account.id)?.next === next) renewals.delete(account.id);
    });
    return next;
  }

  /** One account's credentials while it is collected: a GET with a usable token, renewed at most once a call. */
  function session(account: AccountAccess) {
    let record = account.credentials;
    return async (path: string, query: URLSearchParams): Promise<unknown> => {
      const pending = unsaved.get(account.id);
      if (pending) {
        record = pending;
        await keep(account, pending);
      }
      let creds = parseCredentials(record);
      let fresh = false;
      const expiresAt = cafe24Time(creds.accessTokenExpiresAt ?? '');
      if (!creds.accessToken || !(expiresAt - now() > EXPIRY_MARGIN_MS)) {
        record = await renew(account, record, creds);
        creds = parseCredentials(record);
        fresh = true;
      }
      const get = (token: string) =>
        requestJson(
          `${baseOf(account, creds)}${path}?${query}`,
          {
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/json',
              'x-cafe24-api-version': CAFE24_API_VERSION,
            },
          },
          policy,
        );
      try {
        return await get(creds.accessToken!);
      } catch (error) {
        // An access token Cafe24 no longer accepts (expired, revoked): renew once and try again.
        if (fresh || !(error instanceof ConnectorError && error.detail.status === 401)) throw error;
        record = await renew(account, record, creds);
        return get(parseCredentials(record).accessToken!);
      }
    };
  }

  function toOrder(account: AccountAccess, order: Order, item: Item): IncomingOrder {
    const receiver =
      order.receivers.find((r) => item.shipping_code && r.shipping_code === item.shipping_code) ??
      order.receivers[0];
    const unitPrice = item.product_price + (item.option_price ?? 0);
    return {
      channelId: account.channelId,
      mallOrderNo: order.order_id,
      mallLineNo: item.order_item_code,
      mallProductCode: item.product_code || (item.product_no ?? ''),
      mallProductName: item.product_name,
      mallOption: item.option_value,
      quantity: item.quantity,
      unitPriceKrw: unitPrice,
      amountKrw: item.payment_amount ?? unitPrice * item.quantity,
      ordererName: order.buyer?.name || order.billing_name,
      ordererPhone: order.buyer?.cellphone || order.buyer?.phone || '',
      recipientName: receiver?.name ?? '',
      recipientPhone: receiver?.cellphone || receiver?.phone || '',
      address: [receiver?.address1, receiver?.address2].filter(Boolean).join(' '),
      zip: receiver?.zipcode ?? '',
      deliveryMessage: receiver?.shipping_message ?? '',
      orderedAt: order.order_date ? new Date(order.order_date) : undefined,
    };
  }

  function toClaim(account: AccountAccess, order: Order, item: Item): CollectedClaim | null {
    const type = CLAIM_TYPES[item.order_status.charAt(0)];
    if (!type || REFUSED_CLAIMS.has(item.order_status)) return null;
    return {
      channelId: account.channelId,
      mallOrderNo: order.order_id,
      mallLineNo: item.order_item_code,
      type,
      reason: (item.claim_reason ?? '').trim() || type,
      mallClaimId: item.claim_code || `${item.order_item_code}:${type}`,
    };
  }

  async function ordersOf(get: ReturnType<typeof session>, query: Record<string, string>) {
    const parsed = ordersAnswer.safeParse(await get('/api/v2/admin/orders', new URLSearchParams(query)));
    if (!parsed.success) throw new ConnectorError('permanent', 'malformed order page from Cafe24');
    return parsed.data.orders;
  }

  return {
    async verify(account) {
      const today = kstDay(now());
      await ordersOf(session(account), { start_date: today, end_date: today, limit: '1' });
    },

    async *pages(account, period: Period, cursorText) {
      const get = session(account);
      const start = kstDayStart(period.from).getTime();
      const days = Math.round((kstDayStart(period.to).getTime() - start) / DAY_MS) + 1;
      let cursor: Cursor = cursorText ? (JSON.parse(cursorText) as Cursor) : { day: 0, offset: 0 };
      while (cursor.day < days) {
        const day = kstDay(start + cursor.day * DAY_MS);
        if (cursor.offset > CAFE24_MAX_OFFSET)
          throw new ConnectorError(
            'permanent',
            `Cafe24 lists at most ${CAFE24_MAX_OFFSET + CAFE24_PAGE_SIZE} orders a day by offset; ${day} has more`,
          );
        const orders = await ordersOf(get, {
          start_date: day,
          end_date: day,
          date_type: 'order_date',
          limit: String(CAFE24_PAGE_SIZE),
          offset: String(cursor.offset),
          embed: 'items,receivers,buyer',
        });
        cursor =
          orders.length === CAFE24_PAGE_SIZE
            ? { day: cursor.day, offset: cursor.offset + CAFE24_PAGE_SIZE }
            : { day: cursor.day + 1, offset: 0 };
        const items = orders.flatMap((order) => order.items.map((item) => ({ order, item })));
        const page: CollectedPage = {
          orders: items
            .filter(({ item }) => ORDER_STATUSES.has(item.order_status))
            .map(({ order, item }) => toOrder(account, order, item)),
          claims: items
            .map(({ order, item }) => toClaim(account, order, item))
            .filter((c): c is CollectedClaim => c !== null),
          cursor: cursor.day < days ? JSON.stringify(cursor) : null,
        };
        yield page;
      }
    },
  };
}
