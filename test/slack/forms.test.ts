// Subcommands that open a modal: the command, views.open with the modal, the view_submission, and the
// answer on the command's response URL — with what the database shows after.
import { describe, expect, it } from 'vitest';
import { allOrders, claimsOf, giftEvent, putInReady, putInShipping, rowOf } from '../domain/helpers.js';
import { addLines, line, seedCatalog } from '../support/desk.js';
import type { FakeCall } from '../support/fake-slack.js';
import {
  expectAck,
  identity,
  reply,
  type SlackHarness,
  slackHarness,
  textOf,
  USERS,
  visibleText,
} from '../support/slack.js';

type Json = Record<string, unknown>;

/** `/orders <text>`: the ack, then the modal Bolt opened with the command's trigger_id. */
async function openModal(h: SlackHarness, text: string, user: string = USERS.operator) {
  const mark = h.fake.mark();
  const sent = await h.command(text, user);
  expectAck(sent);
  const opened = await h.fake.waitFor('views.open', { after: mark });
  await h.idle();
  expect(opened.response.ok, JSON.stringify(opened.response)).toBe(true);
  expect(h.fake.responses(sent.responseUrl!), 'a modal, not a message').toEqual([]);
  return { sent, opened, view: opened.body.view as Json };
}

const inputs = (view: Json) => (view.blocks as Json[]).filter((b) => b.type === 'input');
const field = (view: Json, id: string) =>
  inputs(view).find((b) => b.block_id === id)?.element as Json | undefined;
const optionValues = (element: Json | undefined) => ((element?.options as Json[]) ?? []).map((o) => o.value);
const meta = (view: Json) => JSON.parse(String(view.private_metadata)) as Json;

describe('/orders add', () => {
  const valid = (channelId: number, productId: number) => ({
    channel: String(channelId),
    product: { value: String(productId), label: '유기농 현미 5kg (A-001)' },
    quantity: '2',
    unitPrice: '32000',
    ordererName: '홍길동',
    ordererPhone: '010-1111-2222',
    recipientName: '홍길순',
    recipientPhone: '01033334444',
    address: '부산광역시 해운대구 센텀로 99',
    zip: '48058',
    deliveryMessage: '문 앞에 놓아주세요',
  });

  it('opens the modal, searches products, and a valid submission stores an intake order with the manual badge', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { sent, opened, view } = await openModal(h, 'add');
    expect(opened.body.trigger_id).toMatch(/^\d+\.1700000000\./);
    expect(view).toMatchObject({ type: 'modal', callback_id: 'om:form:add', title: { text: '주문서 추가' } });
    expect(meta(view)).toEqual({ reply: sent.responseUrl });
    expect(optionValues(field(view, 'channel'))).toEqual([String(f.channelId), String(f.otherChannelId)]);
    expect(field(view, 'product')).toMatchObject({
      type: 'external_select',
      action_id: 'product',
      min_query_length: 1,
    });
    expect(field(view, 'quantity')).toMatchObject({ type: 'number_input', initial_value: '1' });
    expect(field(view, 'kind')).toMatchObject({ initial_option: { value: 'B2C' } });

    // While the user types in the product field, Slack asks for options.
    const suggested = await h.suggest(opened, 'product', '현미');
    expect(suggested.status).toBe(200);
    expect(suggested.json()).toEqual({
      options: [
        { text: { type: 'plain_text', text: '유기농 현미 5kg (A-001)' }, value: String(f.productId) },
      ],
    });

    const submitted = await h.submit(opened, valid(f.channelId, f.productId));
    expectAck(submitted);
    const message = await reply(h, sent);
    expect(message).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(visibleText(message)).toBe('주문서 1001번을 등록했습니다 (주문(발주)관리).');
    expect(await rowOf(h.desk, 1001)).toMatchObject({
      stage: 'intake',
      source: 'manual',
      badges: ['manual'],
      channelId: f.channelId,
      productId: f.productId,
      quantity: 2,
      ordererName: '홍길동',
      recipientPhone: '010-3333-4444',
      zip: '48058',
      deliveryMessage: '문 앞에 놓아주세요',
      updatedBy: identity(USERS.operator),
    });
  });

  it('with a single sales channel, the add modal has it chosen already', async () => {
    const h = await slackHarness();
    const only = await h.desk.store.transaction((tx) =>
      tx.catalog.createChannel({ code: 'own', name: '자사몰', kind: 'mall' }),
    );
    const { view } = await openModal(h, 'add');
    expect(field(view, 'channel')).toMatchObject({
      initial_option: { value: String(only), text: { text: '자사몰' } },
    });
  });

  it('an invalid submission answers field errors in the ack, keeps the modal open and stores nothing', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { sent, opened } = await openModal(h, 'add');
    const submitted = await h.submit(opened, {
      ...valid(f.channelId, f.productId),
      product: null,
      quantity: '',
      ordererPhone: '12345',
      zip: '1234567',
      recipientName: '   ',
    });
    expect(submitted.status).toBe(200);
    expect(submitted.json()).toEqual({
      response_action: 'errors',
      errors: {
        product: '하나 이상 선택하세요',
        quantity: '필수 입력입니다',
        ordererPhone: '전화번호 형식이 아닙니다 (예: 010-1234-5678)',
        recipientName: '필수 입력입니다',
        zip: '우편번호는 5자리 숫자입니다',
      },
    });
    await h.idle();
    // Every error names an input block of the modal (Slack only shows errors under input blocks).
    const blockIds = (opened.body.view as Json).blocks as Json[];
    for (const key of Object.keys((submitted.json() as { errors: Json }).errors)) {
      expect(blockIds.some((b) => b.type === 'input' && b.block_id === key)).toBe(true);
    }
    expect(h.fake.responses(sent.responseUrl!)).toEqual([]);
    expect(await allOrders(h.desk)).toEqual([]);
  });

  it('an English user gets the modal and the errors in English', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { opened, view } = await openModal(h, 'add', USERS.en);
    expect(textOf(view.title)).toBe('Add an order');
    expect(textOf(view.submit)).toBe('Submit');
    expect(inputs(view).map((b) => textOf(b.label))).toContain('Recipient phone');
    const submitted = await h.submit(opened, { ...valid(f.channelId, f.productId), zip: 'abc' }, USERS.en);
    expect(submitted.json()).toEqual({
      response_action: 'errors',
      errors: { zip: 'a zip code has five digits' },
    });
  });
});

describe('/orders hold', () => {
  it('modal → reason → the response URL says held, refused and gifts removed; the database shows held with the reason', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    await giftEvent(h.desk, f, { startsOn: '2000-01-01', endsOn: '2999-12-31' });
    const { created, gifts } = await addLines(h.desk, [line(f.channelId), line(f.channelId)]);
    const [parent, shipped] = created as [number, number];
    const gift = (await h.desk.store.transaction((tx) => tx.orders.giftsOf([parent])))[0]!;
    expect(gifts).toContain(gift);
    await putInShipping(h.desk, [shipped]);

    const { sent, opened, view } = await openModal(h, `hold ${parent},${shipped} 99999`);
    expect(view).toMatchObject({ callback_id: 'om:form:hold', title: { text: '출고보류' } });
    expect(visibleText(view)).toContain(`대상 주문서: ${parent}-${shipped}, 99999`);
    expect(meta(view)).toEqual({ serials: [parent, shipped, 99999], reply: sent.responseUrl });
    expect(inputs(view)).toEqual([
      expect.objectContaining({
        block_id: 'reason',
        optional: false,
        element: expect.objectContaining({ type: 'plain_text_input', multiline: true, max_length: 500 }),
      }),
    ]);

    expectAck(await h.submit(opened, { reason: '주소 확인 필요' }));
    const message = await reply(h, sent);
    const text = visibleText(message);
    expect(text).toContain(`*출고보류 1건*: ${parent}`);
    expect(text).toContain('*처리하지 못한 2건*');
    expect(text).toContain(`• ${shipped} — 이미 WMS에 출고등록된 주문서입니다`);
    expect(text).toContain('• 99999 — 주문서를 찾을 수 없습니다');
    expect(text).toContain(`함께 삭제된 사은품 주문서: ${gift}`);

    expect(await rowOf(h.desk, parent)).toMatchObject({
      stage: 'held',
      holdReason: '주소 확인 필요',
      updatedBy: identity(USERS.operator),
    });
    expect(await rowOf(h.desk, gift)).toMatchObject({
      deleteReason: 'parent held',
      deletedAt: expect.any(Date),
    });
    expect((await rowOf(h.desk, shipped)).stage).toBe('shipping');
  });

  it('an empty reason is a field error; the modal stays and nothing is held', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    const { opened } = await openModal(h, `hold ${created[0]}`);
    const submitted = await h.submit(opened, { reason: '  ' });
    expect(submitted.json()).toEqual({ response_action: 'errors', errors: { reason: '필수 입력입니다' } });
    expect((await rowOf(h.desk, created[0]!)).stage).toBe('intake');
  });
});

describe('/orders delete (no approval policy)', () => {
  it('modal → reason → deleted at once', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    const { sent, opened, view } = await openModal(h, `delete ${created[0]}`);
    expect(textOf(view.title)).toBe('주문서 삭제');
    expect(inputs(view).map((b) => textOf(b.label))).toEqual(['삭제 사유']);
    expectAck(await h.submit(opened, { reason: '중복 주문' }));
    expect(visibleText(await reply(h, sent))).toBe(`*삭제 1건*: ${created[0]}`);
    expect(await rowOf(h.desk, created[0]!)).toMatchObject({
      deleteReason: '중복 주문',
      deletedAt: expect.any(Date),
    });
    expect(h.fake.of('chat.postMessage')).toEqual([]);
  });
});

describe('/orders claim', () => {
  it('ready orders: the modal only offers cancel, and a multi-order claim has no product field', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId), line(f.channelId)]);
    const [a, b] = created as [number, number];
    await putInReady(h.desk, [a, b]);
    const { sent, opened, view } = await openModal(h, `claim ${a} ${b}`);
    expect(textOf(view.title)).toBe('클레임 등록');
    expect(optionValues(field(view, 'type'))).toEqual(['cancel']);
    expect(field(view, 'newProduct')).toBeUndefined();
    const intro = visibleText(view);
    expect(intro).toContain('출고준비 단계의 주문서는 취소 클레임만 가능합니다.');
    expect(intro).toContain('다중 클레임에서는 상품 변경과 이미지 등록이 불가능합니다.');

    expectAck(await h.submit(opened, { reason: '고객 변심' }));
    expect(visibleText(await reply(h, sent))).toBe(`*클레임 등록 2건*: ${a}-${b}`);
    expect(await rowOf(h.desk, a)).toMatchObject({
      stage: 'closed',
      closedStatus: 'cancelled',
      badges: ['excel', 'cancel'],
    });
    expect(await claimsOf(h.desk, b)).toMatchObject([
      { type: 'cancel', status: 'completed', reason: '고객 변심' },
    ]);
  });

  it('one intake order: every claim type and a replacement product found through the external select', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    const serial = created[0]!;
    const { sent, opened, view } = await openModal(h, `claim ${serial}`);
    expect(optionValues(field(view, 'type'))).toEqual(['cancel', 'return', 'exchange']);
    expect(field(view, 'type')).toMatchObject({ initial_option: { value: 'cancel' } });
    expect(inputs(view).find((b) => b.block_id === 'newProduct')).toMatchObject({
      optional: true,
      label: { text: '교환 상품 (선택)' },
      element: { type: 'external_select', action_id: 'newProduct' },
    });
    const suggested = await h.suggest(opened, 'newProduct', '에코');
    expect(suggested.json()).toEqual({
      options: [
        { text: { type: 'plain_text', text: '사은품 에코백 (G-001)' }, value: String(f.giftProductId) },
      ],
    });
    expectAck(
      await h.submit(opened, {
        type: 'exchange',
        reason: '사이즈 교환',
        newProduct: { value: String(f.giftProductId), label: '사은품 에코백 (G-001)' },
      }),
    );
    expect(visibleText(await reply(h, sent))).toBe(`*클레임 등록 1건*: ${serial}`);
    expect(await claimsOf(h.desk, serial)).toMatchObject([
      { type: 'exchange', status: 'open', reason: '사이즈 교환', newProductId: f.giftProductId },
    ]);
    expect((await rowOf(h.desk, serial)).badges).toEqual(['excel', 'exchange']);
  });
});

describe('/orders next', () => {
  it('`next` alone opens the channels modal; submitting moves the whole channel batch', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [
      line(f.channelId),
      line(f.channelId),
      line(f.otherChannelId),
    ]);
    const [a, b, c] = created as [number, number, number];
    const { sent, opened, view } = await openModal(h, 'next');
    expect(textOf(view.title)).toBe('일괄 주문서처리로');
    expect(field(view, 'channels')).toMatchObject({ type: 'multi_static_select' });
    expect(optionValues(field(view, 'channels'))).toEqual([String(f.channelId), String(f.otherChannelId)]);

    const empty = await h.submit(opened, {});
    expect(empty.json()).toEqual({ response_action: 'errors', errors: { channels: '하나 이상 선택하세요' } });

    expectAck(await h.submit(opened, { channels: [String(f.channelId)] }));
    expect(visibleText(await reply(h, sent))).toBe(`*일괄 주문서처리로 이동 2건*: ${a}-${b}`);
    expect((await rowOf(h.desk, a)).stage).toBe('processing');
    expect((await rowOf(h.desk, b)).stage).toBe('processing');
    expect((await rowOf(h.desk, c)).stage).toBe('intake');
  });

  it('under the approval policy, serials and a batch both become approval requests posted to the approvers', async () => {
    const h = await slackHarness({ policy: { approvalRequired: ['next', 'batch_next'] } });
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId), line(f.channelId)]);
    const direct = await h.command(`next ${created[0]}`);
    expect(visibleText(await reply(h, direct))).toBe('승인 요청 #1을 보냈습니다. 승인되면 알려드리겠습니다.');

    const { sent, opened } = await openModal(h, 'next');
    expectAck(await h.submit(opened, { channels: [String(f.channelId)], reason: '오후 출고분' }));
    expect(visibleText(await reply(h, sent))).toBe('승인 요청 #2을 보냈습니다. 승인되면 알려드리겠습니다.');

    const posted = h.fake.of('chat.postMessage');
    expect(posted.map((c) => c.body.channel)).toEqual(['CAPPROVALS', 'CAPPROVALS']);
    expect(visibleText(posted[1]!.body)).toContain(
      `<@${USERS.operator}>님이 일괄 다음단계 2건을 요청했습니다 — 사유: 오후 출고분`,
    );
    expect((await rowOf(h.desk, created[0]!)).stage).toBe('intake');
    const approvals = await h.desk.store.transaction((tx) => tx.approvals.list('pending'));
    expect(approvals.map((a) => [a.action, a.itemCount])).toEqual(
      expect.arrayContaining([
        ['next', 1],
        ['batch_next', 2],
      ]),
    );
  });
});

describe('/orders edit', () => {
  it('opens a modal prefilled with the full (unmasked) delivery details; submitting marks the order locally edited', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [
      line(f.channelId, {
        recipientName: '김민수',
        recipientPhone: '010-1234-5678',
        address: '서울특별시 강남구 테헤란로 1, 101동 202호',
        zip: '6236',
        deliveryMessage: '경비실에 맡겨주세요',
      }),
    ]);
    const serial = created[0]!;
    const { sent, opened, view } = await openModal(h, `edit ${serial}`);
    expect(textOf(view.title)).toBe('배송 정보 수정');
    expect(visibleText(view)).toContain('수정한 정보는 쇼핑몰에 전송되지 않습니다.');
    const initial = Object.fromEntries(
      inputs(view).map((b) => [b.block_id, (b.element as Json).initial_value]),
    );
    expect(initial).toEqual({
      recipientName: '김민수',
      recipientPhone: '010-1234-5678',
      address: '서울특별시 강남구 테헤란로 1, 101동 202호',
      zip: '06236',
      deliveryMessage: '경비실에 맡겨주세요',
    });
    expect(meta(view)).toEqual({ serial, version: 1, reply: sent.responseUrl });

    // The user changes the address only; Slack submits the other fields with their initial values.
    expectAck(await h.submit(opened, { address: '서울특별시 서초구 반포대로 58' }));
    expect(visibleText(await reply(h, sent))).toBe(`*배송 정보 수정 1건*: ${serial}`);
    expect(await rowOf(h.desk, serial)).toMatchObject({
      address: '서울특별시 서초구 반포대로 58',
      recipientName: '김민수',
      recipientPhone: '010-1234-5678',
      locallyEdited: true,
      version: 2,
    });
  });

  it('an edit from a modal opened before someone else changed the order is refused as stale', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    const serial = created[0]!;
    const { sent, opened } = await openModal(h, `edit ${serial}`);
    await h.desk.store.transaction((tx) =>
      tx.orders.setStage([serial], 'held', 'slack:T1:UOTHER', { holdReason: '확인' }),
    );
    expectAck(await h.submit(opened, { zip: '04524' }));
    const text = visibleText(await reply(h, sent));
    expect(text).toContain('*배송 정보 수정 0건*');
    expect(text).toContain(`• ${serial} — 다른 사람이 먼저 변경했습니다(<@UOTHER>, 현재 출고보류)`);
    expect((await rowOf(h.desk, serial)).locallyEdited).toBe(false);
  });
});

describe('modal submissions without a usable context', () => {
  it('an unknown stash id answers "expired" on the response URL and changes nothing', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    const { sent, opened } = await openModal(h, `hold ${created[0]}`);
    const view = opened.response.view as Json;
    const forged: FakeCall = {
      ...opened,
      response: {
        ...opened.response,
        view: { ...view, private_metadata: `stash:00000000-0000-0000-0000-000000000000` },
      },
    };
    expectAck(await h.submit(forged, { reason: '확인' }));
    await h.idle();
    // The stash is gone, so is the response URL it carried: the user hears by DM.
    expect(h.fake.responses(sent.responseUrl!)).toEqual([]);
    const dm = h.fake.of('chat.postMessage');
    expect(dm.map((c) => [c.body.channel, c.body.text])).toEqual([
      [USERS.operator, '이 화면이 만료되었습니다. 명령을 다시 입력하세요.'],
    ]);
    expect((await rowOf(h.desk, created[0]!)).stage).toBe('intake');
  });
});
