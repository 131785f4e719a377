// bench collect: 10k orders collected from the fake Naver Commerce server (300 per page) into Postgres,
// against fetching the same pages with plain fetch and COPYing the rows raw, same run.
//
// ours: the real path — a `naver` mall account (sealed credentials) whose base URL is the fake server,
//   a run started through CollectionRunner with the default connectors (retries that never sleep),
//   timed from runner.start to runner.idle(): validation and the run's record, token, changed-status
//   paging, product-order details read ahead while the pages before are stored, whole pages stored
//   together in transactions (match, dedupe, insert, gifts, claims, tally, audit), the run finished.
//   No listener wants progress here, so none is read. Most mall products are matched; one line in
//   UNMATCHED_EVERY has an unknown product, and one in CLAIM_EVERY is a cancel request (R17), like a
//   real day.
// raw: the same fake server and pages with plain fetch (bcrypt-signed token, last-changed-statuses by
//   moreFrom / moreSequence, product-orders/query), each row mapped minimally (packing key included)
//   and streamed into one COPY into the same `orders` table, indexes and all.
// Each side collects into a fresh database (created and migrated untimed). After one warm-up run
// of each side, rounds alternate which side goes first; the medians of ROUNDS rounds are compared.
// BENCH_CLAIM_EVERY=0 leaves the cancel requests out (raw ignores them either way).
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import bcrypt from 'bcryptjs';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { CollectionRunner } from '../src/collect/runner.js';
import { defaultConnectors } from '../src/connectors/registry.js';
import type { Desk } from '../src/domain/context.js';
import { packingKey } from '../src/domain/rules/packing.js';
import { createAccount } from '../src/domain/services/catalog.js';
import type { Actor } from '../src/domain/types.js';
import { type Database, queryRows } from '../src/storage/db.js';
import { secretBox } from '../src/storage/secret-box.js';
import { type FakeNaverLine, fakeNaver } from '../test/support/fake-naver.js';
import { benchDesk, benchUrl, freshBenchDatabase, median, timed } from './support.js';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** Distinct matched mall products (code × option). */
const PRODUCTS = 20;
/** One line in this many is a mall product nobody matched yet (stage `unmatched`). */
const UNMATCHED_EVERY = Number(process.env.BENCH_UNMATCHED_EVERY ?? 50);
/** One line in this many also carries a cancel request (a claim, R17); 0 for none. */
const CLAIM_EVERY = Number(process.env.BENCH_CLAIM_EVERY ?? 500);
const DAY = '2026-11-25';
const PAGE_SIZE = 300;
const CLIENT_ID = 'ordermate-bench';
const NAME = 'collect';

const admin: Actor = { id: 'bench', role: 'admin', source: 'api' };

type Side = 'ours' | 'raw';

/** ORDERS paid lines changed on one Korean day (one 24-hour window), two lines per mall order. */
function lines(): FakeNaverLine[] {
  const start = Date.parse(`${DAY}T00:00:01+09:00`);
  const step = Math.floor((86_000 * 1000) / ORDERS);
  return Array.from({ length: ORDERS }, (_, i): FakeNaverLine => {
    const at = new Date(start + i * step + 9 * 3600_000);
    const product = i % PRODUCTS;
    return {
      orderId: `2026${String(Math.floor(i / 2)).padStart(8, '0')}`,
      productOrderId: `2026112${String(i).padStart(9, '0')}`,
      changedAt: `${at.toISOString().slice(0, 23)}+09:00`,
      productCode: i % UNMATCHED_EVERY === 0 ? `NEW-${i % 7}` : `P-${Math.floor(product / 2) + 1}`,
      option: product % 2 ? 'blue' : 'red',
      quantity: (i % 3) + 1,
      unitPrice: 9900 + (i % 10) * 1000,
      ...(CLAIM_EVERY > 0 && i % CLAIM_EVERY === CLAIM_EVERY - 1 ? { claimType: 'CANCEL' } : {}),
    };
  });
}

/**
 * One channel, PRODUCTS products each matched to a mall product × option, no gift events. Ends with a
 * checkpoint: dropping and creating the databases of the round before flushes a lot, and that must not
 * land in the timed part of either side.
 */
async function prepare(database: Database): Promise<number> {
  const [channel] = await queryRows<{ id: number }>(
    database.db,
    sql`insert into sales_channels (code, name) values ('smartstore', '스마트스토어') returning id`,
  );
  const channelId = Number(channel!.id);
  for (let p = 0; p < PRODUCTS; p++) {
    const code = `P-${Math.floor(p / 2) + 1}`;
    const option = p % 2 ? 'blue' : 'red';
    const [product] = await queryRows<{ id: number }>(
      database.db,
      sql`insert into products (code, name, price_krw) values (${`A-${p + 1}`}, ${`상품 ${p + 1}`}, 9900) returning id`,
    );
    await database.db.execute(
      sql`insert into product_matches (channel_id, mall_product_code, mall_option, product_id, created_by)
          values (${channelId}, ${code}, ${option}, ${product!.id}, 'bench')`,
    );
  }
  await database.db.execute(sql`checkpoint`);
  return channelId;
}

async function countOrders(database: Database) {
  const [row] = await queryRows<{ n: number; unmatched: number; closed: number }>(
    database.db,
    sql`select count(*)::int as n, count(*) filter (where stage = 'unmatched')::int as unmatched,
               count(*) filter (where stage = 'closed')::int as closed from orders`,
  );
  return { n: Number(row!.n), unmatched: Number(row!.unmatched), closed: Number(row!.closed) };
}

function fail(message: string): never {
  console.error(`bench ${NAME}: FAILED — ${message}`);
  process.exit(1);
}

/** Ours: a Naver account collected by the runner, start to idle. */
async function ours(baseUrl: string, clientSecret: string, expected: { unmatched: number; claims: number }) {
  const database = await freshBenchDatabase(benchUrl(NAME), `${NAME}_ours`);
  try {
    const channelId = await prepare(database);
    const desk: Desk = { ...benchDesk(database), secrets: secretBox(randomBytes(32).toString('hex')) };
    const accountId = await createAccount(desk, admin, {
      channelId,
      name: '스마트스토어 본점',
      connector: 'naver',
      status: 'normal',
      services: ['collect_orders', 'collect_claims'],
      baseUrl,
      credentials: { clientId: CLIENT_ID, clientSecret },
    });
    const runner = new CollectionRunner(
      desk,
      defaultConnectors({
        retries: 2,
        baseDelayMs: 0,
        maxDelayMs: 0,
        timeoutMs: 30_000,
        sleep: async () => {},
      }),
    );
    const { ms, value: runId } = await timed(async () => {
      const id = await runner.start(admin, { accountIds: [accountId], from: DAY, to: DAY });
      await runner.idle();
      return id;
    });
    const run = await desk.store.read((tx) => tx.collections.get(runId));
    const account = run?.accounts[0];
    if (run?.status !== 'done' || account?.status !== 'done' || account.error) {
      fail(`ours: run ${run?.status}, account ${account?.status}: ${account?.error ?? ''}`);
    }
    const counted = await countOrders(database);
    if (counted.n !== ORDERS) fail(`ours: ${counted.n} orders in the database, expected ${ORDERS}`);
    if (
      account.fetched !== ORDERS ||
      account.created !== ORDERS - expected.unmatched ||
      account.unmatched !== expected.unmatched ||
      counted.unmatched !== expected.unmatched ||
      account.claims !== expected.claims ||
      counted.closed !== expected.claims
    ) {
      fail(
        `ours: fetched ${account.fetched}, created ${account.created}, unmatched ${account.unmatched}/${counted.unmatched}, claims ${account.claims}, closed ${counted.closed}`,
      );
    }
    return { ms, orders: counted.n };
  } finally {
    await database.close();
  }
}

/** `2026-11-26T00:00:00.000+09:00`, as Naver wants it. */
const kstIso = (ms: number) => `${new Date(ms + 9 * 3600_000).toISOString().slice(0, 23)}+09:00`;

const copyText = (v: string | number | null) =>
  v === null
    ? '\\N'
    : String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

interface RawDetail {
  order: { orderId: string; ordererName: string; ordererTel: string; paymentDate: string };
  productOrder: {
    productOrderId: string;
    sellerProductCode: string;
    productName: string;
    productOption: string;
    quantity: number;
    unitPrice: number;
    totalPaymentAmount: number;
    productOrderStatus: string;
    shippingMemo: string;
    shippingAddress: {
      name: string;
      tel1: string;
      baseAddress: string;
      detailedAddress: string;
      zipCode: string;
    };
  };
}

/** Raw: plain fetch of the same pages, rows streamed into one COPY. */
async function raw(baseUrl: string, clientSecret: string) {
  const database = await freshBenchDatabase(benchUrl(NAME), `${NAME}_raw`);
  const channelId = await prepare(database);
  await database.close();
  const url = new URL(benchUrl(NAME));
  url.pathname = `/${decodeURIComponent(url.pathname.slice(1)) || 'postgres'}_bench_${NAME}_raw`;
  const client = postgres(url.toString(), { max: 1, onnotice: () => {} });
  try {
    await client`select 1`;
    let rows = 0;
    const { ms } = await timed(async () => {
      async function* pages() {
        const timestamp = Date.now();
        const sign = Buffer.from(bcrypt.hashSync(`${CLIENT_ID}_${timestamp}`, clientSecret)).toString(
          'base64',
        );
        const tokenRes = await fetch(`${baseUrl}/v1/oauth2/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            client_id: CLIENT_ID,
            timestamp: String(timestamp),
            grant_type: 'client_credentials',
            client_secret_sign: sign,
            type: 'SELF',
          }),
        });
        const auth = `Bearer ${((await tokenRes.json()) as { access_token: string }).access_token}`;
        const from = Date.parse(`${DAY}T00:00:00+09:00`);
        let more: { moreFrom: string; moreSequence: string } | undefined;
        do {
          const query = new URLSearchParams({
            lastChangedFrom: more?.moreFrom ?? kstIso(from),
            lastChangedTo: kstIso(from + 86_400_000),
            limitCount: String(PAGE_SIZE),
          });
          if (more) query.set('moreSequence', more.moreSequence);
          const changes = (await (
            await fetch(`${baseUrl}/v1/pay-order/seller/product-orders/last-changed-statuses?${query}`, {
              headers: { authorization: auth },
            })
          ).json()) as {
            data: { lastChangeStatuses: { productOrderId: string }[]; more?: typeof more };
          };
          more = changes.data.more;
          const ids = changes.data.lastChangeStatuses.map((c) => c.productOrderId);
          if (ids.length === 0) continue;
          const details = (await (
            await fetch(`${baseUrl}/v1/pay-order/seller/product-orders/query`, {
              method: 'POST',
              headers: { authorization: auth, 'content-type': 'application/json' },
              body: JSON.stringify({ productOrderIds: ids }),
            })
          ).json()) as { data: RawDetail[] };
          let chunk = '';
          for (const d of details.data) {
            const p = d.productOrder;
            if (p.productOrderStatus !== 'PAYED') continue;
            const a = p.shippingAddress;
            const address = `${a.baseAddress} ${a.detailedAddress}`;
            chunk += `${[
              channelId,
              d.order.orderId,
              p.productOrderId,
              p.sellerProductCode,
              p.productOption,
              p.productName,
              p.quantity,
              p.unitPrice,
              p.totalPaymentAmount,
              d.order.ordererName,
              d.order.ordererTel,
              a.name,
              a.tel1,
              address,
              a.zipCode,
              p.shippingMemo,
              'intake',
              'api',
              packingKey({
                channelId,
                recipientName: a.name,
                recipientPhone: a.tel1,
                address,
                zip: a.zipCode,
              }),
              d.order.paymentDate,
              'bench',
            ]
              .map(copyText)
              .join('\t')}\n`;
            rows++;
          }
          yield chunk;
        } while (more);
      }
      const copy =
        await client`copy orders (channel_id, mall_order_no, mall_line_no, mall_product_code, mall_option, mall_product_name, quantity, unit_price_krw, amount_krw, orderer_name, orderer_phone, recipient_name, recipient_phone, address, zip, delivery_message, stage, source, packing_key, ordered_at, updated_by) from stdin`.writable();
      await pipeline(Readable.from(pages()), copy);
    });
    const [row] = await client<{ n: number }[]>`select count(*)::int as n from orders`;
    if (row!.n !== ORDERS || rows !== ORDERS) fail(`raw: ${row!.n} orders in the database (${rows} sent)`);
    return { ms, orders: row!.n };
  } finally {
    await client.end({ timeout: 5 });
  }
}

async function main() {
  benchUrl(NAME);
  const clientSecret = bcrypt.genSaltSync(4);
  const all = lines();
  const expected = {
    unmatched: all.filter((l) => l.productCode?.startsWith('NEW-')).length,
    claims: all.filter((l) => l.claimType).length,
  };
  const naver = await fakeNaver({ clientId: CLIENT_ID, clientSecret, lines: all });
  console.log(
    `fake Naver: ${ORDERS} paid lines on ${DAY}, ${Math.ceil(ORDERS / PAGE_SIZE)} pages of ${PAGE_SIZE}; ${expected.unmatched} unmatched, ${expected.claims} cancel requests`,
  );
  const run = (side: Side) =>
    side === 'ours' ? ours(naver.baseUrl, clientSecret, expected) : raw(naver.baseUrl, clientSecret);
  try {
    const warm = { raw: await run('raw'), ours: await run('ours') };
    console.log(
      `warm-up: raw ${warm.raw.ms.toFixed(0)} ms, ours ${warm.ours.ms.toFixed(0)} ms (not counted)`,
    );
    const times: Record<Side, number[]> = { ours: [], raw: [] };
    let orders = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const order: Side[] = round % 2 ? ['ours', 'raw'] : ['raw', 'ours'];
      const result: Partial<Record<Side, { ms: number; orders: number }>> = {};
      for (const side of order) {
        result[side] = await run(side);
        times[side].push(result[side]!.ms);
      }
      orders = result.ours!.orders;
      console.log(
        `round ${round + 1} (${order.join(' first, ')} second): raw ${result.raw!.ms.toFixed(0)} ms, ours ${result.ours!.ms.toFixed(0)} ms (${orders} orders each)`,
      );
    }
    const oursMs = median(times.ours);
    const rawMs = median(times.raw);
    console.log(
      `bench collect: ratio=${(oursMs / rawMs).toFixed(2)} ours_ms=${oursMs.toFixed(0)} raw_ms=${rawMs.toFixed(0)} orders=${orders}`,
    );
  } finally {
    await naver.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
