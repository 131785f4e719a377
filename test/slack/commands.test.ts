// `/orders …` through signed requests to POST /slack/events: what Slack (the fake) was sent, and what the
// database shows after. Subcommands with a modal are in forms.test.ts.
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/bot/core/commands.js';
import { allOrders, auditOf, putInShipping, rowOf } from '../domain/helpers.js';
import { addLines, line, seedCatalog } from '../support/desk.js';
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

/** `/orders <text>` as `user`; the one message the bot answered on the response URL. */
async function ask(h: SlackHarness, text: string, user: string = USERS.operator): Promise<Json> {
  const sent = await h.command(text, user);
  expectAck(sent);
  return reply(h, sent);
}

const notesOf = (h: SlackHarness, kind: 'message' | 'cs', serial: number) =>
  h.desk.store.transaction((tx) => tx.notes.of(kind, serial));

describe('/orders (summary)', () => {
  it('shows counts per stage and channel with buttons that open the lists, as an ephemeral reply', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    await addLines(h.desk, [
      line(f.channelId),
      line(f.channelId),
      line(f.otherChannelId, { mallProductCode: 'X-9' }),
    ]);
    const message = await ask(h, '');
    expect(message).toMatchObject({ response_type: 'ephemeral', replace_original: false, text: '주문 현황' });
    const text = visibleText(message);
    expect(text).toContain('주문 현황');
    expect(text).toContain('*주문(발주)관리*\n2');
    expect(text).toContain('*비매칭*\n1');
    expect(text).toContain('• 스마트스토어: 주문(발주)관리 2');
    expect(text).toContain('승인 대기 0건');
    const buttons = buttonsOf(message);
    expect(buttons.map((b) => textOf(b.text))).toEqual(['주문관리 목록', '비매칭 (1)', '출고보류 (0)']);
    expect(buttons.map((b) => JSON.parse(String(b.value)))).toEqual([
      { stage: 'intake' },
      { stage: 'unmatched' },
      { stage: 'held' },
    ]);
    expect(buttons[0]).toMatchObject({ action_id: 'om:list:0', style: 'primary' });
    // Slack saw exactly: the locale look-up, then the message on the response URL. No chat.postMessage.
    expect(h.fake.calls.map((c) => c.method)).toEqual(['users.info', 'response']);
    expect(h.fake.calls[0]).toMatchObject({
      auth: 'Bearer xoxb-test',
      body: { user: USERS.operator, include_locale: 'true' },
    });
    expect(h.logged.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('with no orders says so', async () => {
    const h = await slackHarness();
    expect(visibleText(await ask(h, ''))).toContain('아직 주문서가 없습니다.');
  });
});

describe('/orders list', () => {
  it('lists a page masked, with checkboxes carrying versions, bulk buttons and a menu per order', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [
      line(f.channelId, { recipientName: '김민수', recipientPhone: '010-1234-5678' }),
      line(f.channelId),
    ]);
    const message = await ask(h, 'list');
    const text = visibleText(message);
    expect(text).toContain('주문서 전체');
    expect(text).toContain('김*수 010-****-5678');
    expect(JSON.stringify(message)).not.toContain('010-1234-5678');
    const blocks = message.blocks as Json[];
    // One section per order (newest first), each with the order's menu.
    const sections = blocks.filter((b) => String(b.block_id).startsWith('order:'));
    expect(sections.map((b) => b.block_id)).toEqual([`order:${created[1]}`, `order:${created[0]}`]);
    const menu = sections[1]!.accessory as Json;
    expect(menu).toMatchObject({ type: 'static_select', action_id: `om:order:${created[0]}` });
    expect((menu.options as Json[]).map((o) => textOf(o.text))).toEqual([
      '주문 상세',
      '다음단계로 이동 (합포장)',
      '출고 보류 (합포장)',
      '클레임 생성',
      '주문 수정',
      '메시지',
      '주문 삭제',
    ]);
    expect(JSON.parse(String((menu.options as Json[])[2]!.value))).toEqual({
      op: 'hold',
      s: created[0],
      v: 1,
    });
    // Checkboxes: one option per order, with the version the user saw.
    const picks = blocks.find((b) => b.block_id === 'pick:0') as Json;
    const checkboxes = (picks.elements as Json[])[0]!;
    expect(checkboxes.type).toBe('checkboxes');
    expect((checkboxes.options as Json[]).map((o) => JSON.parse(String(o.value)))).toEqual([
      { s: created[1], v: 1 },
      { s: created[0], v: 1 },
    ]);
    expect(buttonsOf(message).map((b) => [textOf(b.text), JSON.parse(String(b.value))])).toEqual([
      ['다음단계', { op: 'next' }],
      ['출고보류', { op: 'hold' }],
      ['클레임', { op: 'claim' }],
      ['삭제', { op: 'delete' }],
    ]);
    // Nothing more: one page, no paging buttons.
    expect(text).toContain('1–2번째');
  });

  it('filters by stage, channel code, CS notes and text, and says which filter applies', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [
      line(f.channelId, { recipientName: '박지성' }),
      line(f.channelId),
      line(f.otherChannelId),
    ]);
    const [a, b, c] = created as [number, number, number];
    await ask(h, `cs ${b} 고객 문의: 배송일 변경`);
    const serialsIn = (message: Json) =>
      (message.blocks as Json[])
        .filter((x) => String(x.block_id).startsWith('order:'))
        .map((x) => Number(String(x.block_id).slice(6)));

    expect(serialsIn(await ask(h, 'list intake coupang'))).toEqual([c]);
    expect(serialsIn(await ask(h, 'list smartstore'))).toEqual([b, a]);
    const cs = await ask(h, 'list cs');
    expect(serialsIn(cs)).toEqual([b]);
    expect(visibleText(cs)).toContain('필터: CS 있음');
    const byName = await ask(h, 'list 박지성');
    expect(serialsIn(byName)).toEqual([a]);
    expect(visibleText(byName)).toContain('필터: 박지성');
    const held = await ask(h, 'list held');
    expect(visibleText(held)).toContain('주문서 출고보류');
    expect(visibleText(held)).toContain('조건에 맞는 주문서가 없습니다.');
    expect(buttonsOf(held)).toEqual([]);
  });

  it('a held list offers release instead of hold; more than a page offers the next page', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(
      h.desk,
      Array.from({ length: 12 }, () => line(f.channelId)),
    );
    const first = await ask(h, 'list intake');
    const labels = buttonsOf(first).map((b) => textOf(b.text));
    expect(labels).toEqual(['다음단계', '출고보류', '클레임', '삭제', '다음 페이지']);
    const more = buttonsOf(first).find((b) => textOf(b.text) === '다음 페이지')!;
    expect(JSON.parse(String(more.value))).toMatchObject({ stage: 'intake', o: 10, c: expect.any(String) });

    await h.desk.store.transaction((tx) =>
      tx.orders.setStage([created[0]!], 'held', 'test', { holdReason: 'x' }),
    );
    const held = await ask(h, 'list held');
    expect(buttonsOf(held).map((b) => textOf(b.text))).toEqual(['다음단계', '보류해제', '클레임', '삭제']);
  });
});

describe('/orders show', () => {
  it('shows one order in full (its read is audited) with claims, messages and history', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [
      line(f.channelId, { recipientName: '김민수', recipientPhone: '010-1234-5678' }),
    ]);
    const serial = created[0]!;
    await ask(h, `msg ${serial} 오후 배송 부탁`);
    const message = await ask(h, `show ${serial}`);
    const text = visibleText(message);
    expect(text).toContain(`주문서 ${serial}`);
    expect(text).toContain('김민수 010-1234-5678');
    expect(text).toContain('유기농 현미 5kg (A-001)');
    expect(text).toContain('오후 배송 부탁');
    expect(text).toContain('*클레임*\n없음');
    const views = await auditOf(h.desk, { action: 'view_personal_data' });
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({ actor: identity(USERS.operator), source: 'slack', serials: [serial] });
  });

  it('without a serial gives an example; an unknown serial is not found', async () => {
    const h = await slackHarness();
    expect(visibleText(await ask(h, 'show'))).toContain('주문일련번호를 입력하세요. 예: `/orders show 1001`');
    expect(visibleText(await ask(h, 'show 4242'))).toContain(
      '처리하지 못했습니다: 찾을 수 없습니다: serial 4242',
    );
    expect(visibleText(await ask(h, 'show 12x'))).toContain('주문일련번호를 읽을 수 없습니다: `12x`');
  });
});

describe('/orders release, next (serials)', () => {
  it('release puts held orders back to intake; next moves intake orders to processing; both say what was refused', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId), line(f.channelId), line(f.channelId)]);
    const [a, b, c] = created as [number, number, number];
    await h.desk.store.transaction((tx) => tx.orders.setStage([a], 'held', 'test', { holdReason: '확인' }));

    const released = visibleText(await ask(h, `release ${a} ${b}`));
    expect(released).toContain(`*보류해제 1건*: ${a}`);
    expect(released).toContain('*처리하지 못한 1건*');
    expect(released).toContain(`• ${b} — 현재 단계(주문(발주)관리)에서는 할 수 없습니다`);
    expect(await rowOf(h.desk, a)).toMatchObject({ stage: 'intake', holdReason: null });

    await putInShipping(h.desk, [c]);
    const moved = visibleText(await ask(h, `next ${a}-${c}`));
    expect(moved).toContain(`*주문서처리로 이동 2건*: ${a}-${b}`);
    expect(moved).toContain(`• ${c} — 현재 단계(WMS 출고등록)에서는 할 수 없습니다`);
    expect((await rowOf(h.desk, a)).stage).toBe('processing');
    expect((await rowOf(h.desk, b)).stage).toBe('processing');
    expect((await rowOf(h.desk, b)).updatedBy).toBe(identity(USERS.operator));
  });

  it('bad serials are refused before anything is done', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    await addLines(h.desk, [line(f.channelId)]);
    const before = await allOrders(h.desk);
    expect(visibleText(await ask(h, 'next 1001-'))).toContain('주문일련번호를 읽을 수 없습니다: `1001-`');
    expect(visibleText(await ask(h, 'release'))).toContain('주문일련번호를 입력하세요');
    expect(await allOrders(h.desk)).toEqual(before);
  });
});

describe('/orders msg, cs', () => {
  it('leaves a message and a CS note on the order', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    const serial = created[0]!;
    expect(visibleText(await ask(h, `msg ${serial} 포장 꼼꼼히 & 빠르게 <부탁>`))).toContain(
      `${serial}번 주문서에 메시지를 남겼습니다.`,
    );
    expect(visibleText(await ask(h, `cs ${serial} 고객이 주소 변경 요청`))).toContain(
      `${serial}번 주문서에 CS 메모를 남겼습니다.`,
    );
    expect(await notesOf(h, 'message', serial)).toMatchObject([
      { author: identity(USERS.operator), body: '포장 꼼꼼히 & 빠르게 <부탁>' },
    ]);
    expect(await notesOf(h, 'cs', serial)).toMatchObject([{ body: '고객이 주소 변경 요청' }]);
    // What the user typed is escaped for mrkdwn on the way back.
    const detail = await ask(h, `show ${serial}`);
    expect(visibleText(detail)).toContain('포장 꼼꼼히 &amp; 빠르게 &lt;부탁&gt;');
  });

  it('without text answers the usage; a viewer may leave messages but not CS notes', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    await h.grant(USERS.viewer, 'viewer');
    expect(visibleText(await ask(h, `msg ${created[0]}`))).toContain('사용법: `/orders msg 1001 …`');
    expect(visibleText(await ask(h, `msg ${created[0]} 확인했습니다`, USERS.viewer))).toContain(
      '메시지를 남겼습니다',
    );
    expect(visibleText(await ask(h, `cs ${created[0]} 메모`, USERS.viewer))).toContain(
      '처리하지 못했습니다: 권한이 없습니다 (필요한 역할: operator)',
    );
    expect(await notesOf(h, 'cs', created[0]!)).toEqual([]);
  });
});

describe('/orders role', () => {
  it('an admin gives a role to a mentioned user (<@U123|name>)', async () => {
    const h = await slackHarness();
    const message = await ask(h, 'role <@U123|kim.minsu> approver', USERS.admin);
    expect(visibleText(message)).toBe('<@U123>님의 역할: approver');
    const row = await h.desk.store.transaction((tx) => tx.identities.get('slack:T1:U123'));
    expect(row?.role).toBe('approver');
    const audit = await auditOf(h.desk, { action: 'set_role' });
    expect(audit[0]).toMatchObject({
      actor: identity(USERS.admin),
      detail: { target: 'slack:T1:U123', role: 'approver' },
    });
  });

  it('refuses non-admins, plain names and unknown roles', async () => {
    const h = await slackHarness();
    expect(visibleText(await ask(h, 'role <@U123> admin'))).toContain('권한이 없습니다 (필요한 역할: admin)');
    expect(visibleText(await ask(h, 'role kim approver', USERS.admin))).toContain(
      '사용자를 @멘션으로 지정하세요',
    );
    expect(visibleText(await ask(h, 'role <@U123> boss', USERS.admin))).toContain(
      '역할은 viewer, operator, approver, admin 중 하나입니다',
    );
    const row = await h.desk.store.transaction((tx) => tx.identities.get('slack:T1:U123'));
    expect(row).toBeNull();
  });
});

describe('/orders approvals', () => {
  it('lists pending requests with Approve / Reject buttons', async () => {
    const h = await slackHarness({ policy: { approvalRequired: ['next'] } });
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId), line(f.channelId)]);
    expect(visibleText(await ask(h, 'approvals'))).toContain('승인 대기 중인 요청이 없습니다.');
    expect(visibleText(await ask(h, `next ${created[0]}-${created[1]}`))).toContain(
      '승인 요청 #1을 보냈습니다.',
    );
    const list = await ask(h, 'approvals', USERS.viewer);
    const text = visibleText(list);
    expect(text).toContain('승인 대기 요청');
    expect(text).toContain(`<@${USERS.operator}>님이 다음단계 2건을 요청했습니다 — 사유: -`);
    expect(buttonsOf(list).map((b) => [textOf(b.text), b.value])).toEqual([
      ['승인', '{"id":1}'],
      ['반려', '{"id":1}'],
    ]);
  });
});

describe('help, unknown and not-yet commands', () => {
  it('/orders help lists every command of the catalogue; `<command> help` gives its usage', async () => {
    const h = await slackHarness();
    const help = visibleText(await ask(h, 'help'));
    expect(help).toContain('OrderMate 명령어');
    for (const c of COMMANDS)
      expect(help).toContain(`\`${c.usage.replace(/</g, '&lt;').replace(/>/g, '&gt;')}\``);
    expect(help).toContain('주문일련번호는 `1001,1002 1005-1010`처럼 쓸 수 있습니다.');
    const one = visibleText(await ask(h, 'hold help'));
    expect(one).toContain('출고보류 (사유 필수)');
    expect(one).toContain('사용법: `/orders hold &lt;serials&gt;`');
    expect(h.fake.of('views.open')).toEqual([]);
  });

  it('an unknown subcommand points to help', async () => {
    const h = await slackHarness();
    expect(visibleText(await ask(h, 'frobnicate 1001'))).toBe(
      '`frobnicate` 명령을 모르겠습니다. `/orders help`를 입력해 보세요.',
    );
  });

  it('/orders history says there is no collection yet', async () => {
    const h = await slackHarness();
    expect(visibleText(await ask(h, 'history'))).toBe('아직 주문수집 내역이 없습니다.');
  });
});

describe('language', () => {
  it('Korean and English users (users.info locale) each get their language, looked up once per user', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    await addLines(h.desk, [line(f.channelId)]);
    const ko = await ask(h, '', USERS.ko);
    const en = await ask(h, '', USERS.en);
    expect(ko.text).toBe('주문 현황');
    expect(en.text).toBe('Order desk');
    expect(buttonsOf(en).map((b) => textOf(b.text))).toEqual(['Intake list', 'Unmatched (0)', 'Held (0)']);
    expect(visibleText(await ask(h, 'list', USERS.en))).toContain(
      'rows 1–1 · the buttons act on the checked orders',
    );
    expect(visibleText(await ask(h, 'list', USERS.ko))).toContain('1–1번째');
    expect(visibleText(await ask(h, 'nope', USERS.en))).toBe("I don't know `nope`. Try `/orders help`.");

    const lookups = h.fake.of('users.info').map((c) => c.body.user);
    expect(lookups.sort()).toEqual([USERS.en, USERS.ko]);
    const stored = await h.desk.store.transaction((tx) => tx.identities.get(identity(USERS.en)));
    expect(stored).toMatchObject({ locale: 'en-US', displayName: `User ${USERS.en}`, role: null });
  });

  it('a users.info failure falls back to the default language and is asked again next time', async () => {
    const h = await slackHarness({ defaultLocale: 'en' });
    h.fake.failNext('users.info', 'ratelimited');
    expect((await ask(h, '', USERS.ko)).text).toBe('Order desk');
    expect((await ask(h, '', USERS.ko)).text).toBe('주문 현황');
    expect(h.fake.of('users.info')).toHaveLength(2);
  });
});

describe('roles', () => {
  it('a viewer trying /orders hold gets a FORBIDDEN sentence, no modal, and nothing changes', async () => {
    const h = await slackHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    await h.grant(USERS.viewer, 'viewer');
    const before = await allOrders(h.desk);
    const auditBefore = await auditOf(h.desk);
    for (const [text, role] of [
      [`hold ${created[0]}`, 'operator'],
      [`delete ${created[0]}`, 'operator'],
      [`next ${created[0]}`, 'operator'],
      ['add', 'operator'],
      ['approve 1', 'approver'],
    ] as const) {
      const message = await ask(h, text, USERS.viewer);
      expect(visibleText(message)).toBe(`처리하지 못했습니다: 권한이 없습니다 (필요한 역할: ${role})`);
    }
    expect(h.fake.of('views.open')).toEqual([]);
    expect(h.fake.of('chat.postMessage')).toEqual([]);
    expect(await allOrders(h.desk)).toEqual(before);
    expect(await auditOf(h.desk)).toEqual(auditBefore);
    // The same viewer can read.
    expect(visibleText(await ask(h, 'list', USERS.viewer))).toContain('주문서 전체');
  });

  it('the English viewer reads the refusal in English', async () => {
    const h = await slackHarness();
    await h.grant(USERS.en, 'viewer');
    expect(visibleText(await ask(h, 'hold 1001', USERS.en))).toBe(
      'Could not do that: you are not allowed to do that (needs role operator)',
    );
  });
});
