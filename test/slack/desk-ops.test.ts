// Unmatched orders and the Match modal (R1), gift events (R18) and collection runs (R2, R16) through
// signed Slack requests: what the fake Slack API was sent, and what the database holds after.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { CollectionRunner } from '../../src/collect/runner.js';
import { defaultConnectors } from '../../src/connectors/registry.js';
import { queryRows } from '../../src/storage/db.js';
import { addLines, demoAccount, line, seedCatalog } from '../support/desk.js';
import {
  buttonsOf,
  CHANNEL,
  expectAck,
  reply,
  type SlackHarness,
  slackHarness,
  textOf,
  USERS,
  visibleText,
} from '../support/slack.js';

type Json = Record<string, unknown>;

async function ask(h: SlackHarness, text: string, user: string = USERS.operator): Promise<Json> {
  const sent = await h.command(text, user);
  expectAck(sent);
  return reply(h, sent);
}

/** Clicks a button of an ephemeral answer and returns the next answer on the click's response URL. */
async function clickReply(
  h: SlackHarness,
  message: Json,
  button: string | RegExp,
  user: string = USERS.operator,
) {
  const sent = await h.click(message, { button }, user);
  expectAck(sent);
  return reply(h, sent);
}

/** Clicks a button that opens a modal; the views.open call. */
async function clickForm(
  h: SlackHarness,
  message: Json,
  button: string | RegExp,
  user: string = USERS.operator,
) {
  const mark = h.fake.mark();
  expectAck(await h.click(message, { button }, user));
  return h.fake.waitFor('views.open', { after: mark });
}

const inputIds = (opened: { body: Json }) =>
  ((opened.body.view as Json).blocks as Json[]).filter((b) => b.type === 'input').map((b) => b.block_id);

/** Three orders waiting on one mall product/option, one on another; one matched order besides. */
async function waiting(h: SlackHarness) {
  const f = await seedCatalog(h.desk);
  const unknown = { mallProductCode: 'NEW-7', mallOption: '블루 / L', mallProductName: '린넨 셔츠' };
  const stored = await addLines(h.desk, [
    line(f.channelId, unknown),
    line(f.channelId, { ...unknown, quantity: 2 }),
    line(f.channelId, unknown),
    line(f.channelId, { mallProductCode: 'NEW-8', mallOption: '', mallProductName: '머그컵' }),
    line(f.channelId),
  ]);
  return { f, serials: stored.created };
}

describe('/orders unmatched and the Match modal (R1)', () => {
  it('groups waiting orders by mall product and option; a bundle match releases the group in one go', async () => {
    const h = await slackHarness();
    const { f, serials } = await waiting(h);
    const list = await ask(h, 'unmatched');
    const text = visibleText(list);
    expect(text).toContain('비매칭 주문 4건 · 매칭할 상품 2개');
    expect(text).toContain('*스마트스토어* · `NEW-7` / 블루 / L');
    expect(text).toContain('린넨 셔츠 — 주문 3건 (수량 4) · 0분째 대기');
    expect(text).toContain('머그컵 — 주문 1건 (수량 1)');
    const match = buttonsOf(list).filter((b) => textOf(b.text).startsWith('매칭 · '));
    expect(match.map((b) => JSON.parse(String(b.value)))).toEqual([{ s: serials[0] }, { s: serials[3] }]);

    const opened = await clickForm(h, list, '매칭 · NEW-7');
    const view = opened.body.view as Json;
    expect(view.callback_id).toBe('om:form:match');
    expect(visibleText(view)).toContain('대기 주문 3건이 매칭 후 주문(발주)관리로 이동합니다');
    expect(inputIds(opened)).toEqual([
      'product',
      'quantity',
      'product2',
      'quantity2',
      'product3',
      'quantity3',
    ]);
    // Typing in the product field searches the catalogue.
    const found = await h.suggest(opened, 'product2', '에코');
    expect(found.json().options).toEqual([
      { text: { type: 'plain_text', text: '사은품 에코백 (G-001)' }, value: String(f.giftProductId) },
    ]);

    const submitted = await h.submit(opened, {
      product: { value: String(f.productId), label: '유기농 현미 5kg (A-001)' },
      quantity: '2',
      product2: { value: String(f.giftProductId), label: '사은품 에코백 (G-001)' },
      quantity2: '1',
    });
    expectAck(submitted);
    const done = await h.fake.waitFor('response', { after: opened.seq });
    await h.idle();
    expect(visibleText(done.body)).toContain(
      '`NEW-7` / 블루 / L 매칭을 저장했습니다 (상품 2개). 주문서 6건이 주문(발주)관리로 이동했습니다.',
    );
    // The three waiting orders are intake orders of product A (twice the mall quantity); the bundle's
    // second product became lines of their own; the other group still waits.
    const rows = await queryRows<Json>(
      h.database.db,
      sql`select mall_line_no, stage, product_id, quantity from orders
          where mall_product_code = 'NEW-7' order by serial`,
    );
    expect(rows).toEqual([
      { mall_line_no: '1', stage: 'intake', product_id: f.productId, quantity: 2 },
      { mall_line_no: '1', stage: 'intake', product_id: f.productId, quantity: 4 },
      { mall_line_no: '1', stage: 'intake', product_id: f.productId, quantity: 2 },
      { mall_line_no: '1/2', stage: 'intake', product_id: f.giftProductId, quantity: 1 },
      { mall_line_no: '1/2', stage: 'intake', product_id: f.giftProductId, quantity: 2 },
      { mall_line_no: '1/2', stage: 'intake', product_id: f.giftProductId, quantity: 1 },
    ]);
    const saved = await h.desk.store.read((tx) => tx.catalog.matchFor(f.channelId, 'NEW-7', '블루 / L'));
    expect(saved).toEqual([
      { productId: f.productId, quantity: 2 },
      { productId: f.giftProductId, quantity: 1 },
    ]);

    // The old list's button for the matched group now says so; the list shows what is left.
    const stale = await clickReply(h, list, '매칭 · NEW-7');
    expect(visibleText(stale)).toContain(
      `이미 매칭되었거나 더 이상 기다리는 주문이 아닙니다 (주문서 ${serials[0]})`,
    );
    const after = visibleText(await clickReply(h, done.body, '남은 비매칭 보기'));
    expect(after).toContain('비매칭 주문 1건 · 매칭할 상품 1개');
  });

  it('refuses a quantity without its product in the modal, and speaks English to English users', async () => {
    const h = await slackHarness();
    const { f } = await waiting(h);
    const list = await ask(h, 'unmatched', USERS.en);
    expect(visibleText(list)).toContain('Unmatched: 4 orders waiting on 2 mall products');
    expect(visibleText(list)).toContain('린넨 셔츠 — 3 orders (qty 4) · waiting 0 min');
    const opened = await clickForm(h, list, 'Match · NEW-7', USERS.en);
    expect(visibleText(opened.body.view as Json)).toContain('3 waiting orders move to intake once matched');
    const noProduct = await h.submit(opened, {}, USERS.en);
    expect(noProduct.json()).toEqual({
      response_action: 'errors',
      errors: { product: 'choose at least one' },
    });
    const product = { value: String(f.productId), label: '유기농 현미 5kg (A-001)' };
    const halfBundle = await h.submit(opened, { product, quantity2: '3' }, USERS.en);
    expect(halfBundle.json()).toEqual({
      response_action: 'errors',
      errors: { product2: 'a quantity without a product' },
    });
    const stillWaiting = await queryRows<{ n: number }>(
      h.database.db,
      sql`select count(*)::int as n from orders where stage = 'unmatched'`,
    );
    expect(stillWaiting[0]!.n).toBe(4);
  });

  it('lets viewers look but not match; a channel code narrows the list; nothing waiting says so', async () => {
    const h = await slackHarness();
    expect(visibleText(await ask(h, 'unmatched'))).toBe('매칭을 기다리는 주문이 없습니다.');
    await waiting(h);
    await h.grant(USERS.viewer, 'viewer');
    const list = await ask(h, 'unmatched smartstore', USERS.viewer);
    expect(visibleText(list)).toContain('비매칭 주문 4건');
    expect(visibleText(await ask(h, 'unmatched coupang'))).toBe('매칭을 기다리는 주문이 없습니다.');
    expect(visibleText(await ask(h, 'unmatched nowhere'))).toBe('`nowhere` 판매채널을 찾을 수 없습니다.');
    const refused = await clickReply(h, list, /^매칭 · /, USERS.viewer);
    expect(visibleText(refused)).toContain('권한이 없습니다');
    expect(h.fake.of('views.open')).toEqual([]);
  });
});

describe('/orders gift (R18)', () => {
  it('lists events, opens the form, refuses unknown codes before closing it, and saves the event', async () => {
    const h = await slackHarness({ now: () => new Date('2026-11-26T01:00:00Z') });
    const f = await seedCatalog(h.desk);
    const empty = await ask(h, 'gift');
    expect(visibleText(empty)).toContain('등록된 사은품 이벤트가 없습니다.');
    const opened = await clickForm(h, empty, '새 이벤트');
    const view = opened.body.view as Json;
    expect(view.callback_id).toBe('om:form:gift');
    expect(inputIds(opened)).toEqual([
      'channel',
      'name',
      'products',
      'startsOn',
      'endsOn',
      'minQuantity',
      'minAmount',
      'giftProduct',
      'giftQuantity',
    ]);
    const values = {
      channel: String(f.channelId),
      name: '겨울 현미 이벤트',
      products: 'A-001, Z-404',
      minQuantity: '2',
      giftProduct: { value: String(f.giftProductId), label: '사은품 에코백 (G-001)' },
    };
    const refused = await h.submit(opened, values);
    expect(refused.json()).toEqual({
      response_action: 'errors',
      errors: { products: '없는 상품코드: Z-404' },
    });
    const noMinimum = await h.submit(opened, { ...values, products: 'A-001', minQuantity: '' });
    expect(noMinimum.json()).toMatchObject({
      errors: { minQuantity: '수량이나 금액 조건을 하나 이상 입력하세요' },
    });

    expectAck(await h.submit(opened, { ...values, products: 'A-001' }));
    const saved = await h.fake.waitFor('response', { after: opened.seq });
    await h.idle();
    expect(visibleText(saved.body)).toContain('사은품 이벤트 #1 “겨울 현미 이벤트”을(를) 등록했습니다.');
    const events = await h.desk.store.read((tx) => tx.gifts.list());
    expect(events).toMatchObject([
      {
        name: '겨울 현미 이벤트',
        channelId: f.channelId,
        productIds: [f.productId],
        startsOn: '2026-11-26',
        endsOn: '2026-12-26',
        minQuantity: 2,
        minAmountKrw: null,
        giftProductId: f.giftProductId,
        giftQuantity: 1,
        active: true,
      },
    ]);
    const listed = visibleText(await ask(h, 'gift', USERS.en));
    expect(listed).toContain('#1 *겨울 현미 이벤트* · 스마트스토어 · 2026-11-26–2026-12-26');
    expect(listed).toContain('on 유기농 현미 5kg (A-001) · when 2+ items → gift 사은품 에코백 (G-001) ×1');
    // An order of two that enters intake now gets its gift order.
    const stored = await addLines(h.desk, [line(f.channelId, { quantity: 2, orderedAt: new Date() })]);
    expect(stored.gifts).toHaveLength(1);
  });
});

describe('/orders collect (R2, R16)', () => {
  const collectHarness = () =>
    slackHarness({
      now: () => new Date('2026-11-26T01:00:00Z'),
      collector: (desk) => new CollectionRunner(desk, defaultConnectors()),
      collectionChannel: 'CCOLLECT',
    });

  it('opens the modal for yesterday with the eligible accounts, shows progress in the channel, and posts the result', async () => {
    const h = await collectHarness();
    const f = await seedCatalog(h.desk);
    const id = await demoAccount(h.desk, f.channelId);
    await demoAccount(h.desk, f.channelId, 'suspended');
    const mark = h.fake.mark();
    expectAck(await h.command('collect'));
    const opened = await h.fake.waitFor('views.open', { after: mark });
    const view = opened.body.view as Json;
    expect(view.callback_id).toBe('om:form:collect');
    const blocks = view.blocks as Json[];
    const element = (id: string) => blocks.find((b) => b.block_id === id)!.element as Json;
    expect(element('from').initial_date).toBe('2026-11-25');
    expect(element('to').initial_date).toBe('2026-11-25');
    expect((element('accounts').options as Json[]).map((o) => textOf(o.text))).toEqual([
      '데모 스토어 (데모)',
    ]);

    const tooLong = await h.submit(opened, { from: '2026-10-01', to: '2026-11-25' });
    expect(tooLong.json()).toEqual({
      response_action: 'errors',
      errors: { to: '최대 30일입니다 (56일 선택)' },
    });
    const backwards = await h.submit(opened, { from: '2026-11-25', to: '2026-11-20' });
    expect(backwards.json()).toMatchObject({ errors: { to: '종료일이 시작일보다 빠릅니다' } });

    expectAck(await h.submit(opened, { from: '2026-11-24', to: '2026-11-25', accounts: [String(id)] }));
    const started = await h.fake.waitFor('response', { after: opened.seq });
    expect(visibleText(started.body)).toContain(
      '주문수집 #1을(를) 시작했습니다 (2026-11-24~2026-11-25, 계정 1개)',
    );
    // The progress message goes to the channel the command came from, then becomes the result.
    const progress = await h.fake.waitFor('chat.postMessage', {
      after: opened.seq,
      match: (c) => c.body.channel === CHANNEL,
    });
    expect(visibleText(progress.body)).toContain('주문수집 #1');
    const final = await h.fake.waitFor('chat.update', {
      after: opened.seq,
      match: (c) => visibleText(c.body).includes('완료'),
    });
    expect(final.body).toMatchObject({ channel: CHANNEL, ts: progress.response.ts });
    const result = visibleText(final.body);
    expect(result).toContain('주문수집 #1 완료 · 2026-11-24~2026-11-25');
    expect(result).toMatch(/✅ \*데모 스토어 \(데모\)\* — 수집 16 · 신규 0 · 중복 0 · 비매칭 16 · 클레임 2/);
    expect(buttonsOf(final.body).map((b) => textOf(b.text))).toEqual(['지금 매칭']);
    // …and to SLACK_COLLECTION_CHANNEL.
    const posted = await h.fake.waitFor('chat.postMessage', { match: (c) => c.body.channel === 'CCOLLECT' });
    expect(visibleText(posted.body)).toContain('주문수집 #1 완료');

    const orders = await queryRows<{ n: number; demo: number }>(
      h.database.db,
      sql`select count(*)::int as n, count(*) filter (where is_demo)::int as demo from orders`,
    );
    expect(orders[0]).toEqual({ n: 16, demo: 16 });
    // "Match now" opens the unmatched list; history shows the run.
    const list = await clickReply(h, final.body, '지금 매칭');
    expect(visibleText(list)).toContain('[데모]');
    expect(visibleText(await ask(h, 'history'))).toContain(
      '#1 2026-11-24~2026-11-25 · done · 수집 16 · 신규 0 · 중복 0 · 비매칭 16',
    );
  });

  it('says when no account can be collected, and collecting the same period again adds nothing', async () => {
    const h = await collectHarness();
    const f = await seedCatalog(h.desk);
    expect(visibleText(await ask(h, 'collect'))).toContain('수집할 수 있는 쇼핑몰 계정이 없습니다');
    const id = await demoAccount(h.desk, f.channelId);
    for (const run of [1, 2]) {
      const mark = h.fake.mark();
      expectAck(await h.command('collect'));
      const opened = await h.fake.waitFor('views.open', { after: mark });
      expectAck(await h.submit(opened, { accounts: [String(id)] }));
      await h.fake.waitFor('chat.update', {
        after: opened.seq,
        match: (c) => visibleText(c.body).includes(`#${run} 완료`),
      });
    }
    const result = h.fake.of('chat.update').at(-1)!;
    expect(visibleText(result.body)).toContain('수집 8 · 신규 0 · 중복 8');
    await h.idle();
  });
});
