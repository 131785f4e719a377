// The server as a whole: health and readiness, the bearer token, the acting identity, the OpenAPI
// document, unknown routes, the caller's language, and failures that never leak a stack.
import { afterEach, describe, expect, it } from 'vitest';
import type { Desk } from '../../src/domain/context.js';
import type { DeskTx } from '../../src/domain/ports.js';
import { buildServer } from '../../src/http/server.js';
import type { Db } from '../../src/storage/db.js';
import { addLines, line, seedCatalog } from '../support/desk.js';
import {
  ADMIN,
  API_TOKEN,
  allOrders,
  auditOf,
  expectError,
  grantRole,
  harness,
  rowOf,
  VIEWER,
} from './helpers.js';

describe('health and readiness', () => {
  it('GET /healthz says the process is up, without a token', async () => {
    const h = await harness();
    const res = await h.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 when the database answers', async () => {
    const h = await harness();
    const res = await h.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready' });
  });

  it('GET /readyz answers 503 when the database does not, and /healthz stays up', async () => {
    const h = await harness();
    const down = {
      execute: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
    } as unknown as Db;
    const app = await buildServer({
      desk: h.desk,
      db: down,
      apiToken: API_TOKEN,
      defaultLocale: 'ko',
      logLevel: 'silent',
    });
    try {
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.body).not.toContain('ECONNREFUSED');
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('bearer token', () => {
  it('401 without a token, with a wrong one, or another scheme; nothing changes', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    const serial = created[0]!;
    const before = await allOrders(h.desk);
    const auditBefore = await auditOf(h.desk);
    const hold = { serials: [serial], reason: '재고 확인' };
    for (const auth of [
      null,
      'Bearer wrong-token',
      `Bearer ${API_TOKEN}x`,
      `Basic ${API_TOKEN}`,
      'Bearer ',
      API_TOKEN,
    ]) {
      const res = await h.api('POST', '/orders/actions/hold', { auth, body: hold });
      const message = expectError(res, 401, 'UNAUTHORIZED');
      expect(message).toContain('API 토큰');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
    // Reads are refused too, whatever the actor header says.
    expectError(await h.api('GET', '/orders', { auth: null, actor: ADMIN }), 401, 'UNAUTHORIZED');
    expectError(await h.api('GET', `/orders/${serial}`, { auth: 'Bearer nope' }), 401, 'UNAUTHORIZED');
    expect(await allOrders(h.desk)).toEqual(before);
    expect(await auditOf(h.desk)).toEqual(auditBefore);
  });

  it('accepts the scheme in any case', async () => {
    const h = await harness();
    const res = await h.api('GET', '/orders', { auth: `bearer ${API_TOKEN}` });
    expect(res.statusCode, res.body).toBe(200);
  });

  it('the REST API is off without a token: 503 with how to turn it on', async () => {
    const h = await harness();
    const app = await buildServer({
      desk: h.desk,
      db: h.database.db,
      apiToken: null,
      defaultLocale: 'ko',
      logLevel: 'silent',
    });
    try {
      const res = await app.inject({
        method: 'GET',
        url: '/api/v1/orders',
        headers: { authorization: `Bearer ${API_TOKEN}`, 'accept-language': 'en' },
      });
      expect(expectError(res, 503, 'API_OFF')).toContain('API_TOKEN');
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('acting identity (X-OrderMate-Actor)', () => {
  it('an invalid identity is a 400 and changes nothing', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    const before = await allOrders(h.desk);
    for (const actor of ['bob', 'slack:t1:u1', 'slack:T1', 'discord:abc', 'slack:T1:U1; drop table orders']) {
      const res = await h.api('POST', '/orders/actions/hold', {
        actor,
        body: { serials: created, reason: '확인' },
      });
      expect(expectError(res, 400, 'BAD_REQUEST')).toContain('x-ordermate-actor');
    }
    expect(await allOrders(h.desk)).toEqual(before);
  });

  it('acts as the identity: the audit trail names it, with source api', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    const serial = created[0]!;
    const res = await h.api('POST', '/orders/actions/hold', {
      actor: 'slack:T1:U1',
      body: { serials: [serial], reason: '주소 확인' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await rowOf(h.desk, serial)).updatedBy).toBe('slack:T1:U1');
    const [entry] = await auditOf(h.desk, { action: 'hold' });
    expect(entry).toMatchObject({
      actor: 'slack:T1:U1',
      source: 'api',
      serials: [serial],
      reason: '주소 확인',
    });
  });

  it('without the header the caller is `api`', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    await h.api('GET', `/orders/${created[0]}`);
    const [entry] = await auditOf(h.desk, { action: 'view_personal_data' });
    expect(entry).toMatchObject({ actor: 'api', source: 'api' });
  });
});

describe('OpenAPI document', () => {
  it('lists the /api/v1 paths and the bearer scheme, without a token', async () => {
    const h = await harness();
    const res = await h.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    for (const path of [
      '/api/v1/orders',
      '/api/v1/orders/{serial}',
      '/api/v1/orders/actions/{action}',
      '/api/v1/approvals',
      '/api/v1/approvals/{id}/approve',
      '/api/v1/approvals/{id}/reject',
      '/api/v1/accounts',
      '/api/v1/wms/events',
    ]) {
      expect(Object.keys(doc.paths), path).toContain(path);
    }
    expect(Object.keys(doc.paths['/api/v1/orders']!).sort()).toEqual(['get', 'post']);
    // Health endpoints and the document itself are hidden.
    expect(Object.keys(doc.paths)).not.toContain('/healthz');
    expect(Object.keys(doc.paths)).not.toContain('/api/openapi.json');
  });
});

describe('unknown routes and malformed requests', () => {
  it('unknown routes are 404 JSON, inside and outside /api/v1', async () => {
    const h = await harness();
    expectError(await h.app.inject({ method: 'GET', url: '/nope' }), 404, 'ROUTE_NOT_FOUND');
    expectError(await h.api('GET', '/no-such-thing'), 404, 'ROUTE_NOT_FOUND');
    expectError(await h.api('DELETE', '/orders'), 404, 'ROUTE_NOT_FOUND');
    const en = await h.api('GET', '/no-such-thing', { lang: 'en' });
    expect(expectError(en, 404, 'ROUTE_NOT_FOUND')).toBe('no such route');
  });

  it('an unknown action is a 400, malformed JSON is a 400, and nothing is stored', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    const before = await allOrders(h.desk);
    expectError(
      await h.api('POST', '/orders/actions/explode', { body: { serials: created } }),
      400,
      'BAD_REQUEST',
    );
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/orders/actions/hold',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      payload: '{"serials": [1001], "reason": ',
    });
    expectError(res, 400, 'BAD_REQUEST');
    expectError(await h.api('GET', '/orders/abc'), 400, 'BAD_REQUEST');
    expectError(await h.api('GET', '/orders/99999999999'), 400, 'BAD_REQUEST');
    expect(await allOrders(h.desk)).toEqual(before);
  });

  it('ids beyond the database integer range are a 400, not a 500', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    await addLines(h.desk, [line(f.channelId)]);
    const before = await allOrders(h.desk);
    const huge = 3_000_000_000;
    expectError(await h.api('GET', `/orders?channel=${huge}`), 400, 'BAD_REQUEST');
    expectError(
      await h.api('POST', '/orders/actions/next', { body: { channelIds: [huge] } }),
      400,
      'BAD_REQUEST',
    );
    expectError(
      await h.api('POST', '/orders', {
        body: {
          channelId: huge,
          productId: f.productId,
          quantity: 1,
          unitPriceKrw: 1000,
          ordererName: '김민수',
          ordererPhone: '01012345678',
          recipientName: '김민수',
          recipientPhone: '01012345678',
          address: '서울특별시 강남구 테헤란로 1',
          zip: '06236',
        },
      }),
      400,
      'BAD_REQUEST',
    );
    expect(await allOrders(h.desk)).toEqual(before);
  });
});

describe('language of messages', () => {
  it('Korean by default and for ko, English for en (Accept-Language, with q-values)', async () => {
    const h = await harness();
    const ko = expectError(await h.api('GET', '/orders/424242'), 404, 'NOT_FOUND');
    expect(ko).toBe('찾을 수 없습니다: serial 424242');
    expect(
      expectError(
        await h.api('GET', '/orders/424242', { lang: 'ko-KR,ko;q=0.9,en;q=0.8' }),
        404,
        'NOT_FOUND',
      ),
    ).toBe(ko);
    const en = expectError(
      await h.api('GET', '/orders/424242', { lang: 'en-US,en;q=0.9' }),
      404,
      'NOT_FOUND',
    );
    expect(en).toBe('not found: serial 424242');
    expect(
      expectError(await h.api('GET', '/orders/424242', { lang: 'fr, en; q=0.5' }), 404, 'NOT_FOUND'),
    ).toBe(en);
    expect(
      expectError(await h.api('GET', '/orders/424242', { lang: 'ko;q=0.2, en;q=0.9' }), 404, 'NOT_FOUND'),
    ).toBe(en);
    // A language we do not have: the default (ko).
    expect(expectError(await h.api('GET', '/orders/424242', { lang: 'ja' }), 404, 'NOT_FOUND')).toBe(ko);
    // 401 and validation errors follow the header too.
    expect(expectError(await h.api('GET', '/orders', { auth: null, lang: 'en' }), 401, 'UNAUTHORIZED')).toBe(
      'missing or wrong API token (Authorization: Bearer <API_TOKEN>)',
    );
    expect(
      expectError(await h.api('GET', '/orders?stage=nowhere', { lang: 'en' }), 400, 'BAD_REQUEST'),
    ).toMatch(/^the request is malformed: .*stage/);
    expect(expectError(await h.api('GET', '/orders?stage=nowhere'), 400, 'BAD_REQUEST')).toMatch(
      /^요청 형식이 올바르지 않습니다: .*stage/,
    );
  });

  it('per-order refusals are in the caller language too', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    const serial = created[0]!;
    expect(
      (await h.api('POST', '/orders/actions/hold', { body: { serials: [serial], reason: '보류' } }))
        .statusCode,
    ).toBe(200);
    const again = { serials: [serial], reason: 'again' };
    const en = (await h.api('POST', '/orders/actions/hold', { body: again, lang: 'en' })).json();
    expect(en.results).toEqual([
      {
        serial,
        status: 'refused',
        code: 'STAGE_NOT_ALLOWED',
        message: 'not possible in its current stage (held) — last changed by api',
        stage: 'held',
        by: 'api',
      },
    ]);
    const ko = (await h.api('POST', '/orders/actions/hold', { body: again })).json();
    expect(ko.results[0].message).toBe('현재 단계(출고보류)에서는 할 수 없습니다 — 마지막 변경: api');
  });
});

describe('unexpected failures', () => {
  it('a 500 says INTERNAL in the caller language and never leaks the error or a stack', async () => {
    const secret = 'relation "orders" does not exist at /srv/ordermate/src/storage/repositories/orders.ts:42';
    // The store fails while listing, as a broken database would.
    const failing = (tx: DeskTx): DeskTx => ({
      ...tx,
      orders: {
        ...tx.orders,
        list: async () => {
          throw new Error(secret);
        },
      },
    });
    const broken = (base: Desk): Desk => ({
      ...base,
      store: {
        transaction: (fn) => base.store.transaction((tx) => fn(failing(tx))),
        read: (fn) => base.store.read((tx) => fn(failing(tx))),
      },
    });
    const h = await harness({}, broken);
    const res = await h.api('GET', '/orders');
    expect(expectError(res, 500, 'INTERNAL')).toBe('처리 중 문제가 생겼습니다. 잠시 후 다시 시도하세요');
    expect(res.body).not.toContain('relation');
    expect(res.body).not.toContain('/srv/ordermate');
    const en = await h.api('GET', '/orders', { lang: 'en' });
    expect(expectError(en, 500, 'INTERNAL')).toBe(
      'something went wrong on our side; please try again shortly',
    );
    // The rest of the server carries on.
    expect((await h.api('GET', '/channels')).statusCode).toBe(200);
  });
});

describe('over real HTTP', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('listens on a port; fetch sees health, auth, JSON errors and an action', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId), line(f.channelId)]);
    await grantRole(h, VIEWER, 'viewer');
    const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
    close = () => h.app.close();
    expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const health = await fetch(`${address}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const denied = await fetch(`${address}/api/v1/orders`, { headers: { 'accept-language': 'en' } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await denied.json()).toEqual({
      error: {
        code: 'UNAUTHORIZED',
        message: 'missing or wrong API token (Authorization: Bearer <API_TOKEN>)',
      },
    });

    const auth = { authorization: `Bearer ${API_TOKEN}` };
    const list = await fetch(`${address}/api/v1/orders?limit=1`, { headers: auth });
    expect(list.status).toBe(200);
    const page = (await list.json()) as { items: { serial: number }[]; nextCursor: string | null };
    expect(page.items.map((o) => o.serial)).toEqual([created[1]]);
    expect(page.nextCursor).toEqual(expect.any(String));

    const forbidden = await fetch(`${address}/api/v1/orders/actions/hold`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'x-ordermate-actor': VIEWER },
      body: JSON.stringify({ serials: created, reason: '확인' }),
    });
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');

    const hold = await fetch(`${address}/api/v1/orders/actions/hold`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ serials: [created[0]], reason: '재고 확인' }),
    });
    expect(hold.status).toBe(200);
    expect(await hold.json()).toMatchObject({ action: 'hold', done: 1, refused: 0 });
    expect((await rowOf(h.desk, created[0]!)).stage).toBe('held');
    expect((await rowOf(h.desk, created[1]!)).stage).toBe('intake');

    const missing = await fetch(`${address}/api/v1/nothing-here`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('ROUTE_NOT_FOUND');
  });
});
