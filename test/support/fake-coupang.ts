// A fake Coupang Wing Open API on loopback, strict where the documentation is: the CEA HMAC signature over
// signed-date + method + path + query; order sheets by status (yyyy-MM-dd, ≤ 31 days, maxPerPage ≤ 50);
// return / cancel requests paged by day (yyyy-MM-dd, ≤ 31 days, status RU | UC | PR | CC or orderId, or
// cancelType=CANCEL without either; a stop-shipment request listed under RU and UC) or by minute with
// searchType=timeFrame (yyyy-MM-ddTHH:mm, no paging parameters); exchange requests (yyyy-MM-ddTHH:mm:ss,
// ≤ 7 days). Every list pages by nextToken. It can be told to fail the next requests, or those of one list.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeReply } from './fake-naver.js';

export interface FakeSheet {
  orderId: number;
  status: 'ACCEPT' | 'INSTRUCT';
  orderedAt: string;
  items: { vendorItemId: number; sellerProductId: number; option: string; count: number; price: number }[];
}

/** A return / cancel receipt; `status` is the list status it is filed under (RU is listed under UC too). */
export interface FakeReturn {
  receiptId: number;
  orderId: number;
  /** Korean time, yyyy-MM-ddTHH:mm:ss. */
  createdAt: string;
  cancelType: 'RETURN' | 'CANCEL';
  status?: 'RU' | 'UC' | 'PR' | 'CC';
  receiptStatus:
    | 'RELEASE_STOP_UNCHECKED'
    | 'RETURNS_UNCHECKED'
    | 'VENDOR_WAREHOUSE_CONFIRM'
    | 'REQUEST_COUPANG_CHECK'
    | 'RETURNS_COMPLETED';
  reason: [category1: string, category2: string, detail: string];
  items: { vendorItemId: number; count: number }[];
}

export interface FakeExchange {
  exchangeId: number;
  orderId: number;
  /** Korean time, yyyy-MM-ddTHH:mm:ss. */
  createdAt: string;
  status: 'RECEIPT' | 'PROGRESS' | 'SUCCESS' | 'REJECT' | 'CANCEL';
  reasonCodeText: string;
  reasonEtcDetail?: string;
  items: { vendorItemId: number; quantity: number }[];
}

export type CoupangList = 'ordersheets' | 'returnRequests' | 'exchangeRequests';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MINUTE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
const SECOND = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
const DAY_MS = 86_400_000;
const RETURN_STATUSES = ['RU', 'UC', 'PR', 'CC'];
const EXCHANGE_STATUSES = ['RECEIPT', 'PROGRESS', 'SUCCESS', 'REJECT', 'CANCEL'];

class BadRequest extends Error {}

function check(ok: boolean, message: string): void {
  if (!ok) throw new BadRequest(message);
}

/** Calendar days from one yyyy-MM-dd to another, both included. */
const daysBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;

function pageOf<T>(matching: T[], params: URLSearchParams, size: number) {
  const token = params.get('nextToken');
  check(token === null || /^\d+$/.test(token), 'nextToken');
  const start = Number(token ?? 0);
  return {
    page: matching.slice(start, start + size),
    nextToken: start + size < matching.length ? String(start + size) : '',
  };
}

function pageSize(params: URLSearchParams, fallback: number): number {
  const size = Number(params.get('maxPerPage') ?? fallback);
  check(Number.isInteger(size) && size >= 1 && size <= 50, 'maxPerPage');
  return size;
}

export async function fakeCoupang(options: {
  accessKey: string;
  secretKey: string;
  vendorId: string;
  sheets: FakeSheet[];
  returns?: FakeReturn[];
  exchanges?: FakeExchange[];
}) {
  const calls: { path: string; list: string; query: URLSearchParams }[] = [];
  const faults: FakeReply[] = [];
  const listFaults = new Map<string, FakeReply[]>();
  // Each list at the API version the documentation gives it (returnRequests moved to v6 in 2025).
  const VERSIONS: Record<CoupangList, string> = {
    ordersheets: 'v4',
    returnRequests: 'v6',
    exchangeRequests: 'v4',
  };
  const listOf = (path: string) =>
    (Object.keys(VERSIONS) as CoupangList[]).find(
      (list) =>
        path === `/v2/providers/openapi/apis/api/${VERSIONS[list]}/vendors/${options.vendorId}/${list}`,
    ) ?? '';

  function sheets(params: URLSearchParams) {
    const from = params.get('createdAtFrom') ?? '';
    const to = params.get('createdAtTo') ?? '';
    check(DAY.test(from) && DAY.test(to) && from <= to && daysBetween(from, to) <= 31, 'createdAt');
    check(
      ['ACCEPT', 'INSTRUCT', 'DEPARTURE', 'DELIVERING', 'FINAL_DELIVERY'].includes(
        params.get('status') ?? '',
      ),
      'status',
    );
    const matching = options.sheets.filter(
      (s) =>
        s.status === params.get('status') &&
        s.orderedAt.slice(0, 10) >= from &&
        s.orderedAt.slice(0, 10) <= to,
    );
    const { page, nextToken } = pageOf(matching, params, pageSize(params, 50));
    return {
      code: 200,
      message: 'OK',
      data: page.map((s) => ({
        shipmentBoxId: s.orderId * 10,
        orderId: s.orderId,
        orderedAt: s.orderedAt,
        orderer: { name: '김민수', safeNumber: '0502-1234-5678' },
        receiver: {
          name: '이서연',
          safeNumber: '0502-9876-5432',
          addr1: '서울특별시 강남구 테헤란로 152',
          addr2: '12층',
          postCode: '06236',
        },
        parcelPrintMessage: '문 앞',
        orderItems: s.items.map((i) => ({
          vendorItemId: i.vendorItemId,
          sellerProductId: i.sellerProductId,
          sellerProductName: '유기농 현미',
          sellerProductItemName: i.option,
          shippingCount: i.count,
          salesPrice: i.price,
          orderPrice: i.price * i.count,
        })),
      })),
      nextToken,
    };
  }

  function returns(params: URLSearchParams) {
    const from = params.get('createdAtFrom') ?? '';
    const to = params.get('createdAtTo') ?? '';
    const byMinute = params.get('searchType') === 'timeFrame';
    check(params.get('searchType') === null || byMinute, 'searchType');
    if (byMinute) {
      check(MINUTE.test(from) && MINUTE.test(to) && from <= to, 'createdAt (yyyy-MM-ddTHH:mm)');
      check(daysBetween(from.slice(0, 10), to.slice(0, 10)) <= 31, 'at most 31 days');
      for (const p of ['nextToken', 'maxPerPage', 'orderId']) check(!params.has(p), `${p} with timeFrame`);
    } else {
      check(DAY.test(from) && DAY.test(to) && from <= to, 'createdAt (yyyy-MM-dd)');
      check(daysBetween(from, to) <= 31, 'at most 31 days');
    }
    const cancelType = params.get('cancelType') ?? 'RETURN';
    check(cancelType === 'RETURN' || cancelType === 'CANCEL', 'cancelType');
    const status = params.get('status');
    const orderId = params.get('orderId');
    if (cancelType === 'CANCEL')
      check(status === null && orderId === null, 'CANCEL takes no status or orderId');
    else check(RETURN_STATUSES.includes(status ?? '') || (status === null && orderId !== null), 'status');
    const inWindow = (at: string) =>
      byMinute
        ? at.slice(0, 16) >= from && at.slice(0, 16) <= to
        : at.slice(0, 10) >= from && at.slice(0, 10) <= to;
    const matching = (options.returns ?? []).filter(
      (r) =>
        r.cancelType === cancelType &&
        inWindow(r.createdAt) &&
        (status === null || r.status === status || (status === 'UC' && r.status === 'RU')) &&
        (orderId === null || String(r.orderId) === orderId),
    );
    const { page, nextToken } = byMinute
      ? { page: matching, nextToken: '' }
      : pageOf(matching, params, pageSize(params, 50));
    return {
      code: 200,
      message: 'OK',
      data: page.map((r) => ({
        receiptId: r.receiptId,
        orderId: r.orderId,
        paymentId: r.orderId + 7,
        receiptType: r.cancelType,
        receiptStatus: r.receiptStatus,
        // v6 writes times with their offset and money as objects (the migration's whole change).
        createdAt: `${r.createdAt}+09:00`,
        modifiedAt: `${r.createdAt}+09:00`,
        returnShippingCharge: { currencyCode: 'KRW', units: 0, nanos: 0 },
        requesterName: '김*수',
        requesterPhoneNumber: '0503-****-3560',
        cancelReasonCategory1: r.reason[0],
        cancelReasonCategory2: r.reason[1],
        cancelReason: r.reason[2],
        cancelCountSum: r.items.reduce((n, i) => n + i.count, 0),
        returnDeliveryType: '연동택배',
        releaseStopStatus: r.receiptStatus === 'RELEASE_STOP_UNCHECKED' ? '미처리' : '비대상',
        faultByType: 'CUSTOMER',
        preRefund: false,
        completeConfirmType: 'UNDEFINED',
        completeConfirmDate: '',
        returnItems: r.items.map((i) => ({
          vendorItemPackageId: 0,
          vendorItemPackageName: '유기농 현미',
          vendorItemId: i.vendorItemId,
          vendorItemName: '유기농 현미, 5kg',
          purchaseCount: i.count,
          cancelCount: i.count,
          shipmentBoxId: r.orderId * 10,
          sellerProductId: 11,
          sellerProductName: '유기농 현미',
        })),
        returnDeliveryDtos: [{ deliveryCompanyCode: 'CJGLS', deliveryInvoiceNo: '' }],
      })),
      nextToken,
    };
  }

  function exchanges(params: URLSearchParams) {
    const from = params.get('createdAtFrom') ?? '';
    const to = params.get('createdAtTo') ?? '';
    check(SECOND.test(from) && SECOND.test(to) && from <= to, 'createdAt (yyyy-MM-ddTHH:mm:ss)');
    check(Date.parse(`${to}+09:00`) - Date.parse(`${from}+09:00`) < 7 * DAY_MS, 'at most 7 days');
    const status = params.get('status');
    check(status === null || EXCHANGE_STATUSES.includes(status), 'status');
    const orderId = params.get('orderId');
    const matching = (options.exchanges ?? []).filter(
      (x) =>
        x.createdAt >= from &&
        x.createdAt <= to &&
        (status === null || x.status === status) &&
        (orderId === null || String(x.orderId) === orderId),
    );
    const { page, nextToken } = pageOf(matching, params, pageSize(params, 10));
    return {
      code: 200,
      message: 'OK',
      data: page.map((x) => ({
        exchangeId: x.exchangeId,
        orderId: x.orderId,
        vendorId: options.vendorId,
        orderDeliveryStatusCode: 'FINAL_DELIVERY',
        exchangeStatus: x.status,
        referType: 'WEB_MOBILE',
        faultType: 'VENDOR',
        exchangeAmount: 0,
        reason: null,
        reasonCode: 'DIFFERENTOPT',
        reasonCodeText: x.reasonCodeText,
        reasonEtcDetail: x.reasonEtcDetail ?? null,
        cancelReason: null,
        createdByType: 'CUSTOMER',
        createdAt: x.createdAt,
        modifiedByType: 'CUSTOMER',
        modifiedAt: x.createdAt,
        exchangeItemDtoV1s: x.items.map((i, n) => ({
          exchangeItemId: x.exchangeId * 10 + n,
          orderItemId: i.vendorItemId,
          orderItemUnitPrice: 32000,
          orderItemName: null,
          targetItemId: i.vendorItemId,
          targetItemUnitPrice: 32000,
          targetItemName: '유기농 현미, 5kg',
          quantity: i.quantity,
          createdAt: x.createdAt,
          modifiedAt: x.createdAt,
          originalShipmentBoxId: x.orderId * 10,
        })),
        deliveryInvoiceGroupDtos: [],
        deliveryStatus: 'BeforeDirection',
        collectStatus: 'BeforeDirection',
      })),
      nextToken,
    };
  }

  const server = createServer((req, res) => {
    const reply = (r: FakeReply) => {
      res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
      res.end(JSON.stringify(r.body ?? {}));
    };
    const raw = req.url ?? '/';
    const [path = '/', query = ''] = raw.split('?');
    const params = new URLSearchParams(query);
    const list = listOf(path);
    calls.push({ path, list, query: params });
    const fault = faults.shift() ?? listFaults.get(list)?.shift();
    if (fault) return reply(fault);
    const auth =
      /^CEA algorithm=HmacSHA256, access-key=([^,]+), signed-date=(\d{6}T\d{6}Z), signature=([0-9a-f]{64})$/.exec(
        String(req.headers.authorization ?? ''),
      );
    if (!auth || auth[1] !== options.accessKey)
      return reply({ status: 401, body: { code: 401, message: 'no auth' } });
    const [, , signedDate, signature] = auth;
    const d = signedDate!;
    const at = Date.parse(
      `20${d.slice(0, 2)}-${d.slice(2, 4)}-${d.slice(4, 6)}T${d.slice(7, 9)}:${d.slice(9, 11)}:${d.slice(11, 13)}Z`,
    );
    const expected = createHmac('sha256', options.secretKey)
      .update(`${d}${req.method}${path}${query}`)
      .digest('hex');
    if (Math.abs(Date.now() - at) > 5 * 60_000 || signature !== expected)
      return reply({ status: 401, body: { code: 401, message: 'signature mismatch' } });
    const route = { ordersheets: sheets, returnRequests: returns, exchangeRequests: exchanges }[
      list as CoupangList
    ];
    if (req.method !== 'GET' || !route) return reply({ status: 404, body: { code: 404, message: path } });
    try {
      return reply({ status: 200, body: route(params) });
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      return reply({ status: 400, body: { code: 400, message: error.message } });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    /** The next requests, whatever they ask for, get these replies. */
    fail: (...replies: FakeReply[]) => faults.push(...replies),
    /** The next requests of one list get these replies. */
    failList: (list: CoupangList, ...replies: FakeReply[]) =>
      listFaults.set(list, [...(listFaults.get(list) ?? []), ...replies]),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
