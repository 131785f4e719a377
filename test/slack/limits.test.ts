// Slack's Block Kit limits on what the bot sends: message blocks and size, button texts and values,
// modal titles and private_metadata (stashed when too big). The fake refuses what Slack would refuse,
// and the tests check the numbers themselves.
import { describe, expect, it } from 'vitest';
import { submitAction } from '../../src/domain/services/approvals.js';
import { chatState } from '../../src/storage/schema.js';
import { rowOf } from '../domain/helpers.js';
import { actor, addLines, line, seedCatalog } from '../support/desk.js';
import { type FakeCall, messageProblems, viewProblems } from '../support/fake-slack.js';
import {
  buttonsOf,
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

/** Every element of a message or modal, however deep. */
function elements(node: unknown, out: Json[] = []): Json[] {
  if (Array.isArray(node)) for (const n of node) elements(n, out);
  else if (node && typeof node === 'object') {
    const n = node as Json;
    if (typeof n.type === 'string') out.push(n);
    for (const value of Object.values(n)) if (typeof value === 'object') elements(value, out);
  }
  return out;
}

/** The checks the brief names, on one message: 50 blocks, ~12k characters, button text 75, value 2000. */
function expectMessageWithinLimits(message: Json): void {
  const blocks = message.blocks as Json[];
  expect(blocks.length).toBeLessThanOrEqual(50);
  expect(JSON.stringify(blocks).length).toBeLessThanOrEqual(12_000);
  for (const e of elements(blocks)) {
    if (e.type === 'button') {
      expect([...textOf(e.text)].length).toBeLessThanOrEqual(75);
      expect(String(e.value).length).toBeLessThanOrEqual(2000);
    }
  }
  expect(messageProblems(message)).toEqual([]);
}

function expectModalWithinLimits(view: Json): void {
  expect([...textOf(view.title)].length).toBeLessThanOrEqual(24);
  expect([...textOf(view.submit)].length).toBeLessThanOrEqual(24);
  expect([...textOf(view.close)].length).toBeLessThanOrEqual(24);
  expect(String(view.private_metadata).length).toBeLessThanOrEqual(3000);
  expect((view.blocks as Json[]).length).toBeLessThanOrEqual(100);
  expect(viewProblems(view)).toEqual([]);
}

async function ask(h: SlackHarness, text: string, user: string = USERS.operator): Promise<Json> {
  const sent = await h.command(text, user);
  expectAck(sent);
  return reply(h, sent);
}

async function modal(h: SlackHarness, text: string, user: string = USERS.operator) {
  const mark = h.fake.mark();
  const sent = await h.command(text, user);
  expectAck(sent);
  const opened = await h.fake.waitFor('views.open', { after: mark });
  await h.idle();
  expect(opened.response.ok, JSON.stringify(opened.response)).toBe(true);
  return { sent, opened, view: opened.body.view as Json };
}

/** Long names everywhere a list line shows something, with characters mrkdwn must escape. */
async function longOrders(h: SlackHarness, n: number) {
  const f = await seedCatalog(h.desk);
  const channelId = await h.desk.store.transaction(async (tx) => {
    const id = await tx.catalog.createChannel({
      code: 'brand',
      name: '스마트스토어 <공식> 브랜드관 & 본사 직영 온라인몰 (서울 강남 1호점) 프리미엄 전용 채널',
      kind: 'mall',
    });
    const productId = await tx.catalog.createProduct({
      code: 'LONG-0001-PREMIUM-GIFT-SET',
      name: `[무료배송] 유기농 현미 5kg & 찹쌀 2kg <명절 선물세트> ${'프리미엄 '.repeat(12)}한정판`,
      priceKrw: 59000,
    });
    await tx.catalog.saveMatch(
      { channelId: id, mallProductCode: 'P-LONG', mallOption: '' },
      [{ productId, quantity: 1 }],
      'test',
    );
    return id;
  });
  const { created } = await addLines(
    h.desk,
    Array.from({ length: n }, (_, i) =>
      line(channelId, {
        mallOrderNo: `2026112612345678901234-${String(i).padStart(4, '0')}`,
        mallProductCode: 'P-LONG',
        mallOption: '',
        recipientName: `남궁 옥분 & <가족> ${'김'.repeat(20)}`,
      }),
    ),
  );
  return { f, channelId, created };
}

describe('messages', () => {
  it('a full list page of long orders stays within 50 blocks and 12k characters and keeps every checkbox and button', async () => {
    const h = await slackHarness();
    const { created } = await longOrders(h, 25);
    for (const user of [USERS.ko, USERS.en]) {
      const page = await ask(h, 'list', user);
      expectMessageWithinLimits(page);
      const blocks = page.blocks as Json[];
      expect(blocks.filter((b) => String(b.block_id).startsWith('order:'))).toHaveLength(10);
      const boxes = (blocks.find((b) => b.block_id === 'pick:0')!.elements as Json[])[0]!.options as Json[];
      expect(boxes).toHaveLength(10);
      expect(buttonsOf(page)).toHaveLength(5); // four bulk buttons and the next page
      expect(blocks.some((b) => b.type === 'context' && JSON.stringify(b).includes('"…"'))).toBe(false);
      // Lines may be shortened to fit, but each still starts with the serial and its channel.
      const first = blocks.find((b) => b.block_id === `order:${created[24]}`)!;
      expect(textOf(first.text)).toMatch(
        new RegExp(`^\\*${created[24]} · 스마트스토어 &lt;공식&gt; 브랜드관 &amp; `),
      );
    }
    // The second page, reached by the button, too.
    const page = await ask(h, 'list');
    const second = await reply(h, await h.click(page, { button: '다음 페이지' }));
    expectMessageWithinLimits(second);
    expect(buttonsOf(second)).toHaveLength(6);
  });

  it('a typical page of ten keeps each line whole', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    await addLines(
      h.desk,
      Array.from({ length: 10 }, () => line(f.channelId)),
    );
    const page = await ask(h, 'list');
    expectMessageWithinLimits(page);
    for (const block of (page.blocks as Json[]).filter((b) => String(b.block_id).startsWith('order:'))) {
      expect(textOf(block.text)).toMatch(/ · 주문\(발주\)관리$/);
    }
  });

  it('the detail of an order with many long notes, help, and a long list of approvals stay within the limits', async () => {
    const h = await slackHarness({ policy: { approvalRequired: ['next'] } });
    const { created } = await longOrders(h, 12);
    for (let i = 0; i < 12; i++) {
      await ask(h, `msg ${created[0]} ${`${i}번째 메시지 & <확인> `.repeat(40)}`);
      await ask(h, `cs ${created[0]} ${`${i}번째 CS `.repeat(60)}`);
    }
    expectMessageWithinLimits(await ask(h, `show ${created[0]}`));
    expectMessageWithinLimits(await ask(h, 'help'));
    expectMessageWithinLimits(await ask(h, 'help', USERS.en));
    const op = actor('operator', identity(USERS.operator));
    for (const serial of created) await submitAction(h.desk, op, { action: 'next', serials: [serial] });
    const list = await ask(h, 'approvals');
    expectMessageWithinLimits(list);
    expect(buttonsOf(list)).toHaveLength(20); // ten requests shown, each with Approve and Reject
  });

  it('every message the bot posted in these flows was accepted by the fake (no Slack refusals)', async () => {
    const h = await slackHarness({ policy: { approvalRequired: ['delete'] } });
    const { created } = await longOrders(h, 3);
    await h.grant(USERS.approver, 'approver');
    const { sent, opened } = await modal(h, `delete ${created.join(' ')}`);
    expectAck(await h.submit(opened, { reason: '중복 & 테스트 <주문>'.repeat(20) }));
    await reply(h, sent);
    const posted = h.fake.of('chat.postMessage')[0]!;
    expectMessageWithinLimits(posted.body);
    await reply(
      h,
      await h.click(posted.body, { button: '승인' }, USERS.approver, {
        posted: { channel: String(posted.response.channel), ts: String(posted.response.ts) },
      }),
    );
    await h.idle();
    for (const call of h.fake.calls)
      expect(call.response.ok, `${call.method}: ${JSON.stringify(call.response)}`).toBe(true);
  });
});

describe('modals', () => {
  it('every modal, in both languages, has a title and buttons of at most 24 characters and small metadata', async () => {
    const h = await slackHarness({ policy: { approvalRequired: ['delete'] } });
    const { created } = await longOrders(h, 3);
    await h.grant(USERS.approver, 'approver');
    await h.grant(USERS.en, 'approver');
    const titles: string[] = [];
    for (const user of [USERS.ko, USERS.en]) {
      for (const text of [
        'add',
        `hold ${created[0]}`,
        `delete ${created[0]}`,
        `claim ${created[0]}`,
        'next',
        `edit ${created[0]}`,
      ]) {
        const { view } = await modal(h, text, user);
        expectModalWithinLimits(view);
        titles.push(textOf(view.title));
      }
    }
    // The reject modal, from an approval message.
    const { sent, opened } = await modal(h, `delete ${created[1]}`);
    expectAck(await h.submit(opened, { reason: '중복' }));
    await reply(h, sent);
    const posted = h.fake.of('chat.postMessage').at(-1)!;
    for (const user of [USERS.approver, USERS.en]) {
      const mark = h.fake.mark();
      expectAck(
        await h.click(posted.body, { button: /^(반려|Reject)$/ }, user, {
          posted: { channel: String(posted.response.channel), ts: String(posted.response.ts) },
        }),
      );
      const reject = await h.fake.waitFor('views.open', { after: mark });
      expectModalWithinLimits(reject.body.view as Json);
      titles.push(textOf((reject.body.view as Json).title));
    }
    expect(titles).toEqual([
      '주문서 추가',
      '출고보류',
      '주문서 삭제',
      '클레임 등록',
      '일괄 주문서처리로',
      '배송 정보 수정',
      'Add an order',
      'Hold orders',
      'Delete orders',
      'File a claim',
      'Batch next step',
      'Edit delivery',
      '승인 요청 반려',
      'Reject request',
    ]);
  });

  it('1000 serials: the form context is stashed (metadata stays under 3000) and the submission acts on all of them', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const created: number[] = [];
    for (let i = 0; i < 4; i++) {
      const result = await addLines(
        h.desk,
        Array.from({ length: 250 }, () => line(f.channelId)),
      );
      created.push(...result.created);
    }
    expect(created).toHaveLength(1000);
    const first = created[0]!;
    const last = created[999]!;
    const { sent, opened, view } = await modal(h, `hold ${first}-${last}`);
    expectModalWithinLimits(view);
    expect(String(view.private_metadata)).toMatch(/^stash:[0-9a-f-]{36}$/);
    expect(visibleText(view)).toContain(`대상 주문서: ${first}-${last}`);
    const stashed = await h.database.db.select().from(chatState);
    expect(stashed).toHaveLength(1);
    expect((stashed[0]!.data as { serials: number[] }).serials).toHaveLength(1000);

    expectAck(await h.submit(opened, { reason: '주소 확인 필요' }));
    const answer = await reply(h, sent);
    expectMessageWithinLimits(answer);
    expect(visibleText(answer)).toBe(`*출고보류 1000건*: ${first}-${last}`);
    expect(await rowOf(h.desk, last)).toMatchObject({ stage: 'held', holdReason: '주소 확인 필요' });

    // 500 scattered serials (every second one) still fit inline; the modal's intro lists the first few.
    const scattered = created.filter((_, i) => i % 2 === 0);
    const { view: claim } = await modal(h, `claim ${scattered.join(',')}`);
    expectModalWithinLimits(claim);
    expect(JSON.parse(String(claim.private_metadata)).serials).toEqual(scattered);
    expect(visibleText(claim)).toContain(`대상 주문서: ${scattered.slice(0, 12).join(', ')} … (+488)`);
  });

  it('a short form context stays inline as JSON', async () => {
    const h = await slackHarness();
    const { view } = await modal(h, 'hold 1001-1100');
    expect(JSON.parse(String(view.private_metadata)).serials).toHaveLength(100);
    expect(String(view.private_metadata).length).toBeLessThanOrEqual(3000);
  });
});

describe('the fake refuses what Slack refuses', () => {
  it('oversized blocks and modals are reported as Slack reports them', async () => {
    const h = await slackHarness();
    const tooMany = { blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) };
    expect(messageProblems(tooMany)).toEqual(['51 blocks > 50']);
    const longButton = {
      blocks: [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'a',
              text: { type: 'plain_text', text: 'x'.repeat(76) },
              value: 'v'.repeat(2001),
            },
          ],
        },
      ],
    };
    expect(messageProblems(longButton)).toEqual([
      'blocks[0] actions: button text > 75',
      'blocks[0] actions: button value > 2000',
    ]);
    expect(
      viewProblems({
        type: 'modal',
        title: { type: 'plain_text', text: 'x'.repeat(25) },
        blocks: [],
        private_metadata: 'm'.repeat(3001),
      }),
    ).toEqual(['title > 24', 'private_metadata > 3000']);
    const answer = await h.adapter.app.client.views
      .open({
        trigger_id: 't',
        view: { type: 'modal', title: { type: 'plain_text', text: 'x'.repeat(25) }, blocks: [] },
      })
      .catch((e: { data?: unknown }) => e.data);
    expect(answer).toMatchObject({ ok: false, error: 'invalid_arguments' });
    const calls: FakeCall[] = h.fake.of('views.open');
    expect(calls).toHaveLength(1);
  });
});
