// A fake Coupang Wing Open API on loopback: checks the CEA HMAC signature over signed-date + method + path
// + query exactly as documented, serves order sheets by status with nextToken paging, and can be told
// to fail the next requests.
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

export async function fakeCoupang(options: {
  accessKey: string;
  secretKey: string;
  vendorId: string;
  sheets: FakeSheet[];
}) {
  const calls: { path: string; query: URLSearchParams }[] = [];
  const faults: FakeReply[] = [];
  const server = createServer((req, res) => {
    const reply = (r: FakeReply) => {
      res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
      res.end(JSON.stringify(r.body ?? {}));
    };
    const raw = req.url ?? '/';
    const [path = '/', query = ''] = raw.split('?');
    const params = new URLSearchParams(query);
    calls.push({ path, query: params });
    const fault = faults.shift();
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
    if (path !== `/v2/providers/openapi/apis/api/v4/vendors/${options.vendorId}/ordersheets`)
      return reply({ status: 404, body: { code: 404, message: path } });
    const size = Number(params.get('maxPerPage') ?? 50);
    if (!Number.isInteger(size) || size < 1 || size > 50)
      return reply({ status: 400, body: { code: 400, message: 'maxPerPage' } });
    const from = params.get('createdAtFrom') ?? '';
    const to = params.get('createdAtTo') ?? '';
    const matching = options.sheets.filter(
      (s) =>
        s.status === params.get('status') &&
        s.orderedAt.slice(0, 10) >= from &&
        s.orderedAt.slice(0, 10) <= to,
    );
    const start = Number(params.get('nextToken') ?? 0);
    const page = matching.slice(start, start + size);
    return reply({
      status: 200,
      body: {
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
        nextToken: start + size < matching.length ? String(start + size) : '',
      },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    fail: (...replies: FakeReply[]) => faults.push(...replies),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
