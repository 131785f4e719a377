// Clicks on the messages the bot posted: block_actions built from the very blocks the fake recorded,
// with the message's checkbox state, as Slack sends them.
import { describe, expect, it } from 'vitest';
import { holdOrders, releaseOrders } from '../../src/domain/services/order-actions.js';
import { allOrders, auditOf, rowOf } from '../domain/helpers.js';
import { actor, addLines, line, seedCatalog } from '../support/desk.js';
import {
  buttonsOf,
  expectAck,
  identity,
  reply,
  type Sent,
  type SlackHarness,
  slackHarness,
  USERS,
  visibleText,
} from '../support/slack.js';

type Json = Record<string, unknown>;

async function ask(h: SlackHarness, text: string, user: string = USERS.operator): Promise<Json> {
  const sent = await h.command(text, user);
  expectAck(sent);
  return reply(h, sent);
}

/** The answer to a click that answers with a message on the click's response URL. */
async function answer(h: SlackHarness, sent: Sent): Promise<Json> {
  expectAck(sent);
  return reply(h, sent);
}

const serialsIn = (message: Json) =>
  (message.blocks as Json[])
    .filter((b) => String(b.block_id).startsWith('order:'))
    .map((b) => Number(String(b.block_id).slice(6)));

describe('summary buttons', () => {
  it('open a list as a new ephemeral message (the summary stays)', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [
      line(f.channelId),
      line(f.otherChannelId, { mallProductCode: 'X' }),
    ]);
    const summary = await ask(h, '');
    const list = await answer(h, await h.click(summary, { button: '주문관리 목록' }));
    expect(list).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(visibleText(list)).toContain('주문서 주문(발주)관리');
    expect(serialsIn(list)).toEqual([created[0]]);
    const unmatched = await answer(h, await h.click(summary, { button: '비매칭 (1)' }));
    expect(serialsIn(unmatched)).toEqual([created[1]]);
  });
});

describe('list buttons', () => {
  it('paging: the next page replaces the message; "first page" goes back', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(
      h.desk,
      Array.from({ length: 23 }, () => line(f.channelId)),
    );
    const newestFirst = [...created].reverse();
    const first = await ask(h, 'list intake');
    expect(serialsIn(first)).toEqual(newestFirst.slice(0, 10));

    const second = await answer(h, await h.click(first, { button: '다음 페이지' }));
    expect(second.replace_original).toBe(true);
    expect(serialsIn(second)).toEqual(newestFirst.slice(10, 20));
    expect(visibleText(second)).toContain('11–20번째');
    expect(buttonsOf(second).map((b) => b.text && (b.text as Json).text)).toEqual([
      '다음단계',
      '출고보류',
      '클레임',
      '삭제',
      '다음 페이지',
      '처음으로',
    ]);

    const third = await answer(h, await h.click(second, { button: '다음 페이지' }));
    expect(serialsIn(third)).toEqual(newestFirst.slice(20));
    expect(buttonsOf(third).map((b) => (b.text as Json).text)).not.toContain('다음 페이지');

    const back = await answer(h, await h.click(third, { button: '처음으로' }));
    expect(back.replace_original).toBe(true);
    expect(serialsIn(back)).toEqual(newestFirst.slice(0, 10));
  });

  it('a paging button carries the filters along', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [
      ...Array.from({ length: 12 }, () => line(f.otherChannelId)),
      ...Array.from({ length: 3 }, () => line(f.channelId)),
    ]);
    const first = await ask(h, 'list intake coupang');
    const next = await answer(h, await h.click(first, { button: '다음 페이지' }));
    expect(serialsIn(next)).toEqual([created[1], created[0]]);
  });

  it('a bulk button with nothing checked says to check some orders first, and does nothing', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    await addLines(h.desk, [line(f.channelId), line(f.channelId)]);
    const list = await ask(h, 'list');
    const before = await allOrders(h.desk);
    for (const button of ['다음단계', '출고보류', '클레임', '삭제']) {
      const message = await answer(h, await h.click(list, { button }));
      expect(message).toMatchObject({ replace_original: false, response_type: 'ephemeral' });
      expect(visibleText(message)).toBe('먼저 주문서를 체크하세요.');
    }
    expect(h.fake.of('views.open')).toEqual([]);
    expect(await allOrders(h.desk)).toEqual(before);
  });

  it('bulk next on checked orders moves them; a checked order changed since the page was shown is refused as stale', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId), line(f.channelId), line(f.channelId)]);
    const [a, b, c] = created as [number, number, number];
    const list = await ask(h, 'list');
    // Someone else holds and releases `a` after the page was shown: same stage, newer version.
    const other = actor('operator', 'slack:T1:UOTHER');
    await holdOrders(h.desk, other, { serials: [a], reason: '확인' });
    await releaseOrders(h.desk, other, { serials: [a] });
    expect((await rowOf(h.desk, a)).version).toBe(3);

    const message = await answer(
      h,
      await h.click(list, { button: '다음단계' }, USERS.operator, { checked: [a, b] }),
    );
    const text = visibleText(message);
    expect(text).toContain(`*주문서처리로 이동 1건*: ${b}`);
    expect(text).toContain('*처리하지 못한 1건*');
    expect(text).toContain(
      `• ${a} — 다른 사람이 먼저 변경했습니다(<@UOTHER>, 현재 주문(발주)관리). 목록을 새로 고친 뒤 다시 시도하세요`,
    );
    expect((await rowOf(h.desk, a)).stage).toBe('intake');
    expect((await rowOf(h.desk, b)).stage).toBe('processing');
    expect((await rowOf(h.desk, c)).stage).toBe('intake');
  });

  it('the stale refusal reads in English for an English user', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    const list = await ask(h, 'list', USERS.en);
    await h.desk.store.transaction((tx) =>
      tx.orders.setStage([created[0]!], 'held', 'slack:T1:UOTHER', { holdReason: 'x' }),
    );
    const message = await answer(
      h,
      await h.click(list, { button: 'Next step' }, USERS.en, { checked: [created[0]!] }),
    );
    expect(visibleText(message)).toContain(
      `• ${created[0]} — changed by <@UOTHER> in the meantime (now held); refresh and try again`,
    );
  });

  it('bulk hold on checked orders opens the hold modal with the versions seen; submitting holds them', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId), line(f.channelId), line(f.channelId)]);
    const [a, , c] = created as [number, number, number];
    const list = await ask(h, 'list');
    const mark = h.fake.mark();
    const click = await h.click(list, { button: '출고보류' }, USERS.operator, { checked: [a, c] });
    expectAck(click);
    const opened = await h.fake.waitFor('views.open', { after: mark });
    const view = opened.body.view as Json;
    expect(JSON.parse(String(view.private_metadata))).toEqual({
      serials: [c, a],
      versions: { [a]: 1, [c]: 1 },
      reply: click.responseUrl,
    });
    expectAck(await h.submit(opened, { reason: '재고 확인' }));
    const message = await reply(h, click);
    expect(visibleText(message)).toBe(`*출고보류 2건*: ${a}, ${c}`);
    expect(await rowOf(h.desk, a)).toMatchObject({ stage: 'held', holdReason: '재고 확인' });
    expect((await rowOf(h.desk, created[1]!)).stage).toBe('intake');
  });

  it('ticking a checkbox alone is acknowledged and changes nothing', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    const list = await ask(h, 'list');
    const mark = h.fake.mark();
    const sent = await h.click(list, { checkbox: true }, USERS.operator, { checked: [created[0]!] });
    expectAck(sent);
    await h.idle();
    expect(h.fake.calls.filter((c) => c.seq > mark)).toEqual([]);
  });
});

describe('the per-order menu', () => {
  it('hold takes the packing group along: the modal says so and the result names the orders that came along', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const same = {
      recipientName: '이영희',
      recipientPhone: '010-2222-3333',
      address: '대전광역시 유성구 대학로 99',
      zip: '34134',
    };
    const { created } = await addLines(h.desk, [
      line(f.channelId, same),
      line(f.channelId, same),
      line(f.channelId),
    ]);
    const [a, b, c] = created as [number, number, number];
    const list = await ask(h, 'list');
    const mark = h.fake.mark();
    const click = await h.click(list, { menu: a, option: '출고 보류 (합포장)' });
    expectAck(click);
    const opened = await h.fake.waitFor('views.open', { after: mark });
    const view = opened.body.view as Json;
    expect(visibleText(view)).toContain('합포장 기준에 맞는 주문서가 함께 처리됩니다.');
    expect(JSON.parse(String(view.private_metadata))).toEqual({
      serials: [a],
      versions: { [a]: 1 },
      packingGroup: true,
      reply: click.responseUrl,
    });
    expectAck(await h.submit(opened, { reason: '합포장 주소 확인' }));
    const text = visibleText(await reply(h, click));
    expect(text).toContain(`*출고보류 2건*: ${a}-${b}`);
    expect(text).toContain(`합포장 기준으로 함께 처리: ${b}`);
    expect(await rowOf(h.desk, b)).toMatchObject({ stage: 'held', holdReason: '합포장 주소 확인' });
    expect((await rowOf(h.desk, c)).stage).toBe('intake');
  });

  it('next moves the packing group at once; detail and messages answer with the order', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const same = { recipientName: '이영희', recipientPhone: '010-2222-3333' };
    const { created } = await addLines(h.desk, [line(f.channelId, same), line(f.channelId, same)]);
    const [a, b] = created as [number, number];
    await ask(h, `msg ${a} 선물 포장`);
    const list = await ask(h, 'list');

    const detail = visibleText(await answer(h, await h.click(list, { menu: a, option: '주문 상세' })));
    expect(detail).toContain(`주문서 ${a}`);
    expect(detail).toContain('이영희 010-2222-3333');
    const messages = visibleText(await answer(h, await h.click(list, { menu: a, option: '메시지' })));
    expect(messages).toContain(`*메시지 · ${a}*`);
    expect(messages).toContain(`• ${identity(USERS.operator)}: 선물 포장`);

    const moved = visibleText(
      await answer(h, await h.click(list, { menu: a, option: '다음단계로 이동 (합포장)' })),
    );
    expect(moved).toContain(`*주문서처리로 이동 2건*: ${a}-${b}`);
    expect((await rowOf(h.desk, b)).stage).toBe('processing');
  });

  it('a viewer choosing hold from the menu is refused before any modal opens', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    await h.grant(USERS.viewer, 'viewer');
    const list = await ask(h, 'list', USERS.viewer);
    const auditBefore = await auditOf(h.desk);
    for (const option of ['출고 보류 (합포장)', '주문 수정', '주문 삭제', '다음단계로 이동 (합포장)']) {
      const message = await answer(h, await h.click(list, { menu: created[0]!, option }, USERS.viewer));
      expect(visibleText(message)).toBe('처리하지 못했습니다: 권한이 없습니다 (필요한 역할: operator)');
    }
    const bulk = await answer(
      h,
      await h.click(list, { button: '출고보류' }, USERS.viewer, { checked: [created[0]!] }),
    );
    expect(visibleText(bulk)).toBe('처리하지 못했습니다: 권한이 없습니다 (필요한 역할: operator)');
    expect(h.fake.of('views.open')).toEqual([]);
    expect((await rowOf(h.desk, created[0]!)).stage).toBe('intake');
    expect(await auditOf(h.desk)).toEqual(auditBefore);
  });

  it('a click whose value was tampered with answers "expired"', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    await addLines(h.desk, [line(f.channelId)]);
    const list = await ask(h, 'list');
    const blocks = (list.blocks as Json[]).map((b) =>
      b.type === 'actions' && !String(b.block_id ?? '').startsWith('pick:')
        ? { ...b, elements: (b.elements as Json[]).map((e) => ({ ...e, value: '{"op":"rm -rf"}' })) }
        : b,
    );
    const message = await answer(h, await h.click({ ...list, blocks }, { button: '다음단계' }));
    expect(visibleText(message)).toBe('이 화면이 만료되었습니다. 명령을 다시 입력하세요.');
  });
});
