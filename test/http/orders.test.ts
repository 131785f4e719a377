// /api/v1/orders: the list (filters, masking, paging), one order's detail (full data, audited), orders
// added by hand (R11), messages and CS notes.
import { describe, expect, it } from 'vitest';
import { addLines, line, seedCatalog } from '../support/desk.js';
import {
  allOrders,
  auditOf,
  expectError,
  grantRole,
  type Harness,
  harness,
  OPERATOR,
  rowOf,
  VIEWER,
} from './helpers.js';

interface ListedOrder {
  serial: number;
  channelId: number;
  stage: string;
  ordererName: string;
  ordererPhone: string;
  recipientName: string;
  recipientPhone: string;
  address: string;
  csCount: number;
}
interface Page {
  items: ListedOrder[];
  nextCursor: string | null;
}

async function list(h: Harness, query: string, actor?: string): Promise<Page> {
  const res = await h.api('GET', `/orders${query}`, { actor });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Page;
}

const serialsOf = (page: Page) => page.items.map((o) => o.serial);

describe('GET /api/v1/orders', () => {
  it('filters by stage, channel, CS notes and text, newest first', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [
      line(f.channelId, { recipientName: '홍길동', mallOrderNo: 'SS-1' }),
      line(f.channelId, { recipientName: '이순신', mallOrderNo: 'SS-2' }),
      line(f.otherChannelId, { recipientName: '강감찬', mallOrderNo: 'CP-1' }),
      line(f.channelId, { mallProductCode: 'P-UNKNOWN', mallOrderNo: 'SS-3' }),
    ]);
    const [a, b, c, unmatched] = created as [number, number, number, number];
    expect(
      (await h.api('POST', '/orders/actions/hold', { body: { serials: [b], reason: '확인' } })).statusCode,
    ).toBe(200);
    const note = await h.api('POST', `/orders/${c}/cs-notes`, {
      body: { body: '고객 요청: 부재 시 경비실' },
    });
    expect(note.statusCode, note.body).toBe(201);

    expect(serialsOf(await list(h, ''))).toEqual([unmatched, c, b, a]);
    expect(serialsOf(await list(h, '?stage=intake'))).toEqual([c, a]);
    expect(serialsOf(await list(h, '?stage=held'))).toEqual([b]);
    expect(serialsOf(await list(h, '?stage=unmatched'))).toEqual([unmatched]);
    expect(serialsOf(await list(h, `?channel=${f.channelId}`))).toEqual([unmatched, b, a]);
    expect(serialsOf(await list(h, `?channel=${f.otherChannelId}`))).toEqual([c]);
    expect(serialsOf(await list(h, `?channel=${f.channelId}&stage=intake`))).toEqual([a]);
    const cs = await list(h, '?cs=true');
    expect(serialsOf(cs)).toEqual([c]);
    expect(cs.items[0]!.csCount).toBe(1);
    expect(serialsOf(await list(h, '?cs=1'))).toEqual([c]);
    expect(serialsOf(await list(h, '?cs=false'))).toHaveLength(4);
    // Text: the full recipient name matches although the list shows it masked; mall order no; serial.
    expect(serialsOf(await list(h, `?q=${encodeURIComponent('이순신')}`))).toEqual([b]);
    expect(serialsOf(await list(h, '?q=CP-1'))).toEqual([c]);
    expect(serialsOf(await list(h, `?q=${a}`))).toEqual([a]);
    expect(serialsOf(await list(h, `?q=${encodeURIComponent('유기농')}`))).toEqual([c, b, a]);
    expect(serialsOf(await list(h, '?q=nothing-like-this'))).toEqual([]);
    expect(serialsOf(await list(h, `?q=${encodeURIComponent('%')}`))).toEqual([]);

    expectError(await h.api('GET', '/orders?stage=lost'), 400, 'BAD_REQUEST');
    expectError(await h.api('GET', '/orders?cs=maybe'), 400, 'BAD_REQUEST');
    expectError(await h.api('GET', '/orders?limit=0'), 400, 'BAD_REQUEST');
    expectError(await h.api('GET', '/orders?limit=201'), 400, 'BAD_REQUEST');
  });

  it('masks names, phones and addresses; a viewer may list', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    await addLines(h.desk, [
      line(f.channelId, {
        ordererName: '김민수',
        ordererPhone: '01012345678',
        recipientName: '남궁민수',
        recipientPhone: '010-9876-5432',
        address: '서울특별시 강남구 테헤란로 1 101동 1001호',
      }),
    ]);
    await grantRole(h, VIEWER, 'viewer');
    const res = await h.api('GET', '/orders', { actor: VIEWER });
    expect(res.statusCode).toBe(200);
    const [order] = (res.json() as Page).items;
    expect(order).toMatchObject({
      ordererName: '김*수',
      ordererPhone: '010-****-5678',
      recipientName: '남**수',
      recipientPhone: '010-****-5432',
      address: '서울특별시 강남구 …',
    });
    for (const full of ['김민수', '남궁민수', '1234-5678', '9876-5432', '테헤란로']) {
      expect(res.body).not.toContain(full);
    }
  });

  it('pages with nextCursor until exhausted, each order once', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(
      h.desk,
      Array.from({ length: 7 }, () => line(f.channelId)),
    );
    const seen: number[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await list(h, `?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...serialsOf(page));
      sizes.push(page.items.length);
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual([...created].sort((x, y) => y - x));
    // Exactly a page's worth: no cursor to an empty page after it.
    const all = await list(h, '?limit=7');
    expect(all.items).toHaveLength(7);
    expect(all.nextCursor).toBeNull();
    // Filters hold across pages.
    const first = await list(h, `?limit=2&channel=${f.channelId}&stage=intake`);
    const second = await list(h, `?limit=2&channel=${f.channelId}&stage=intake&cursor=${first.nextCursor}`);
    expect([...serialsOf(first), ...serialsOf(second)]).toEqual(seen.slice(0, 4));
    expectError(await h.api('GET', '/orders?cursor=not-a-cursor'), 400, 'VALIDATION');
  });
});

describe('GET /api/v1/orders/{serial}', () => {
  it('an unknown serial is a 404 NOT_FOUND and no audit entry', async () => {
    const h = await harness();
    expectError(await h.api('GET', '/orders/1001'), 404, 'NOT_FOUND');
    expect(await auditOf(h.desk, { action: 'view_personal_data' })).toEqual([]);
  });

  it('shows the order in full with its stage, badges, reasons and history; the read is audited', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [
      line(f.channelId, { ordererName: '김민수', recipientName: '남궁민수', ordererPhone: '01012345678' }),
    ]);
    const serial = created[0]!;
    await h.api('POST', '/orders/actions/hold', { body: { serials: [serial], reason: '주소 불명확' } });
    await h.api('POST', `/orders/${serial}/messages`, { body: { body: '창고에 확인 요청했습니다' } });
    await h.api('POST', `/orders/${serial}/cs-notes`, { actor: OPERATOR, body: { body: '고객 통화 완료' } });

    const res = await h.api('GET', `/orders/${serial}`, { actor: OPERATOR });
    expect(res.statusCode, res.body).toBe(200);
    const detail = res.json();
    expect(detail).toMatchObject({
      serial,
      stage: 'held',
      closedStatus: null,
      badges: ['excel'],
      holdReason: '주소 불명확',
      deleteReason: null,
      ordererName: '김민수',
      ordererPhone: '010-1234-5678',
      recipientName: '남궁민수',
      address: '서울특별시 강남구 테헤란로 1',
      claims: [],
      gifts: [],
      messages: [expect.objectContaining({ body: '창고에 확인 요청했습니다', author: 'api' })],
      csNotes: [expect.objectContaining({ body: '고객 통화 완료', author: OPERATOR })],
    });
    expect(detail.history.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['hold', 'message', 'cs_note']),
    );

    const views = await auditOf(h.desk, { action: 'view_personal_data' });
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({ actor: OPERATOR, source: 'api', serials: [serial] });
    // Every read is one more entry, also visible through the audit API to an approver.
    await h.api('GET', `/orders/${serial}`);
    const trail = await h.api('GET', `/audit?serial=${serial}&action=view_personal_data`, {
      actor: 'slack:T1:UADMIN',
    });
    expect(trail.statusCode, trail.body).toBe(200);
    expect(trail.json().items.map((e: { actor: string }) => e.actor)).toEqual(['api', OPERATOR]);
  });
});

const manual = (channelId: number, productId: number) => ({
  channelId,
  productId,
  quantity: 2,
  unitPriceKrw: 15000,
  ordererName: '박지민',
  ordererPhone: '010-2222-3333',
  recipientName: '박지민',
  recipientPhone: '01022223333',
  address: '부산광역시 해운대구 해운대로 100',
  zip: '48095',
  deliveryMessage: '문 앞에 놓아주세요',
});

describe('POST /api/v1/orders (by hand, R11)', () => {
  it('201: the order is in intake with the manual badge, stored as answered', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const res = await h.api('POST', '/orders', {
      body: { ...manual(f.channelId, f.productId), mallOrderNo: 'TEL-1' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      stage: 'intake',
      source: 'manual',
      badges: ['manual'],
      mallOrderNo: 'TEL-1',
      productId: f.productId,
      quantity: 2,
      amountKrw: 30000,
      recipientPhone: '010-2222-3333',
      gifts: [],
    });
    const row = await rowOf(h.desk, body.serial);
    expect(row).toMatchObject({ stage: 'intake', badges: ['manual'], channelId: f.channelId, zip: '48095' });
    expect((await auditOf(h.desk, { action: 'add' }))[0]).toMatchObject({
      actor: 'api',
      serials: [body.serial],
    });
    const listed = await list(h, '?stage=intake');
    expect(serialsOf(listed)).toEqual([body.serial]);
    // Without a mall order number one is made up.
    const second = await h.api('POST', '/orders', { body: manual(f.channelId, f.productId) });
    expect(second.statusCode).toBe(201);
    expect(second.json().mallOrderNo).toMatch(/^M\d{8}-[A-Z0-9]+$/);
  });

  it('bad bodies are 400 with a message, and nothing is stored', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const good = manual(f.channelId, f.productId);
    const { quantity: _q, ...noQuantity } = good;
    const badBodies: [unknown, RegExp][] = [
      [{}, /channelId/],
      [noQuantity, /quantity/],
      [{ ...good, quantity: 0 }, /quantity/],
      [{ ...good, quantity: 1.5 }, /quantity/],
      [{ ...good, unitPriceKrw: -1 }, /unitPriceKrw/],
      [{ ...good, unitPriceKrw: '15000' }, /unitPriceKrw/],
      [{ ...good, recipientName: '   ' }, /recipientName/],
      [{ ...good, address: '' }, /address/],
      [{ ...good, kind: 'B2X' }, /kind/],
      [{ ...good, surprise: true }, /surprise|Unrecognized/],
      [{ ...good, quantity: 100_000, unitPriceKrw: 1_000_000 }, /unitPriceKrw/],
      [[good], /expected object/],
    ];
    for (const [body, mentions] of badBodies) {
      const message = expectError(await h.api('POST', '/orders', { body }), 400, 'BAD_REQUEST');
      expect(message, JSON.stringify(body)).toMatch(/^요청 형식이 올바르지 않습니다: /);
      expect(message, JSON.stringify(body)).toMatch(mentions);
    }
    // Well-formed but not valid: the domain says which field (code VALIDATION, still a 400).
    for (const [over, field] of [
      [{ recipientPhone: '12' }, 'recipientPhone'],
      [{ ordererPhone: 'call me' }, 'ordererPhone'],
      [{ zip: '1234567' }, 'zip'],
    ] as const) {
      const message = expectError(
        await h.api('POST', '/orders', { body: { ...good, ...over } }),
        400,
        'VALIDATION',
      );
      expect(message).toBe(`입력값을 확인하세요: ${field}`);
    }
    expect(await allOrders(h.desk)).toEqual([]);
    expect(await auditOf(h.desk, { action: 'add' })).toEqual([]);
  });

  it('an unknown product or channel is a 404, a taken mall order number a 409; nothing stored', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const product = expectError(
      await h.api('POST', '/orders', { body: manual(f.channelId, 999), lang: 'en' }),
      404,
      'NOT_FOUND',
    );
    expect(product).toBe('not found: productId');
    expectError(await h.api('POST', '/orders', { body: manual(999, f.productId) }), 404, 'NOT_FOUND');
    expect(await allOrders(h.desk)).toEqual([]);
    const body = { ...manual(f.channelId, f.productId), mallOrderNo: 'TEL-9' };
    expect((await h.api('POST', '/orders', { body })).statusCode).toBe(201);
    expectError(await h.api('POST', '/orders', { body }), 409, 'CONFLICT');
    expect(await allOrders(h.desk)).toHaveLength(1);
  });

  it('a viewer may not add orders (403, nothing stored)', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    await grantRole(h, VIEWER, 'viewer');
    const res = await h.api('POST', '/orders', { body: manual(f.channelId, f.productId), actor: VIEWER });
    expect(expectError(res, 403, 'FORBIDDEN')).toBe('권한이 없습니다 (필요한 역할: operator)');
    expect(await allOrders(h.desk)).toEqual([]);
  });
});

describe('messages and CS notes', () => {
  it('anyone may add a message; CS notes need an operator; both are listed', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    const serial = created[0]!;
    await grantRole(h, VIEWER, 'viewer');
    const message = await h.api('POST', `/orders/${serial}/messages`, {
      actor: VIEWER,
      body: { body: ' 확인 부탁 ' },
    });
    expect(message.statusCode, message.body).toBe(201);
    expect(message.json()).toMatchObject({ orderSerial: serial, author: VIEWER, body: '확인 부탁' });
    expectError(
      await h.api('POST', `/orders/${serial}/cs-notes`, { actor: VIEWER, body: { body: '메모' } }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await h.api('POST', `/orders/${serial}/cs-notes`, { body: { body: '   ' } }),
      400,
      'BAD_REQUEST',
    );
    expectError(await h.api('POST', '/orders/5555/messages', { body: { body: '메모' } }), 404, 'NOT_FOUND');
    const messages = await h.api('GET', `/orders/${serial}/messages`, { actor: VIEWER });
    expect(messages.json().items.map((n: { body: string }) => n.body)).toEqual(['확인 부탁']);
    const notes = await h.api('GET', `/orders/${serial}/cs-notes`);
    expect(notes.json()).toEqual({ items: [] });
  });
});

describe('PATCH /api/v1/orders/{serial}/delivery (R9)', () => {
  it('edits delivery details locally; a stale version or a bad phone changes nothing', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    const serial = created[0]!;
    const seen = (await rowOf(h.desk, serial)).version;
    const fields = {
      recipientName: '최유리',
      recipientPhone: '01055556666',
      address: '대전광역시 유성구 대학로 99',
      zip: '34141',
      deliveryMessage: '경비실',
    };
    const res = await h.api('PATCH', `/orders/${serial}/delivery`, { body: { ...fields, version: seen } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ action: 'edit', done: 1, results: [{ serial, status: 'done' }] });
    const edited = await rowOf(h.desk, serial);
    expect(edited).toMatchObject({ ...fields, recipientPhone: '010-5555-6666', locallyEdited: true });

    const stale = await h.api('PATCH', `/orders/${serial}/delivery`, {
      body: { ...fields, recipientName: '다른사람', version: seen },
    });
    expect(stale.json().results).toEqual([
      expect.objectContaining({ status: 'refused', code: 'STALE_VERSION' }),
    ]);
    expectError(
      await h.api('PATCH', `/orders/${serial}/delivery`, { body: { ...fields, recipientPhone: '12' } }),
      400,
      'VALIDATION',
    );
    expectError(
      await h.api('PATCH', `/orders/${serial}/delivery`, { body: { zip: '34141' } }),
      400,
      'BAD_REQUEST',
    );
    expect(await rowOf(h.desk, serial)).toEqual(edited);
  });
});
