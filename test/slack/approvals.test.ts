// Actions under the approval policy: the request posted to the approvals channel (or the approvers'
// DMs), decided by clicks on that message; what Slack was sent and what the database shows.
import { describe, expect, it } from 'vitest';
import { chatRefs } from '../../src/storage/repositories/chat.js';
import { auditOf, putInShipping, rowOf } from '../domain/helpers.js';
import { addLines, line, seedCatalog } from '../support/desk.js';
import type { FakeCall } from '../support/fake-slack.js';
import {
  APPROVALS_CHANNEL,
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

/** Operator files `/orders delete <serial>` with a reason; returns the approval message posted. */
async function requestDelete(
  h: SlackHarness,
  serial: number,
  user: string = USERS.operator,
): Promise<FakeCall> {
  const mark = h.fake.mark();
  const sent = await h.command(`delete ${serial}`, user);
  expectAck(sent);
  const opened = await h.fake.waitFor('views.open', { after: mark });
  expectAck(await h.submit(opened, { reason: '중복 주문' }, user));
  const answer = await reply(h, sent);
  expect(visibleText(answer)).toMatch(/^승인 요청 #\d+을 보냈습니다\. 승인되면 알려드리겠습니다\.$/);
  const posted = h.fake.of('chat.postMessage', mark);
  expect(posted).toHaveLength(1);
  return posted[0]!;
}

/** A click on a message the bot posted (chat.postMessage), as `user`. */
function clickPosted(h: SlackHarness, posted: FakeCall, button: string, user: string) {
  return h.click(posted.body, { button }, user, {
    posted: { channel: String(posted.response.channel), ts: String(posted.response.ts) },
  });
}

const approvalOf = (h: SlackHarness, id: number) => h.desk.store.transaction((tx) => tx.approvals.get(id));

async function setup(options: Parameters<typeof slackHarness>[0] = {}) {
  const h = await slackHarness({ policy: { approvalRequired: ['delete'] }, ...options });
  const f = await seedCatalog(h.desk);
  const { created } = await addLines(h.desk, [line(f.channelId), line(f.channelId)]);
  await h.grant(USERS.approver, 'approver');
  await h.grant(USERS.approver2, 'approver');
  return { h, f, serial: created[0]!, other: created[1]! };
}

describe('a delete under the approval policy', () => {
  it('is posted to the approvals channel with Approve / Reject, and nothing is deleted yet', async () => {
    const { h, serial } = await setup();
    const posted = await requestDelete(h, serial);
    expect(posted.body.channel).toBe(APPROVALS_CHANNEL);
    expect(posted.body.text).toBe(`<@${USERS.operator}>님이 삭제 1건을 요청했습니다 — 사유: 중복 주문`);
    expect(visibleText(posted.body)).toContain(String(serial));
    expect(buttonsOf(posted.body)).toEqual([
      expect.objectContaining({
        action_id: 'om:approve:0',
        value: '{"id":1}',
        style: 'primary',
        text: expect.objectContaining({ text: '승인' }),
      }),
      expect.objectContaining({
        action_id: 'om:reject:1',
        value: '{"id":1}',
        style: 'danger',
        text: expect.objectContaining({ text: '반려' }),
      }),
    ]);
    expect((await rowOf(h.desk, serial)).deletedAt).toBeNull();
    expect(await approvalOf(h, 1)).toMatchObject({
      status: 'pending',
      action: 'delete',
      requester: identity(USERS.operator),
      reason: '중복 주문',
      itemCount: 1,
    });
    // The message is remembered, to be updated when decided.
    expect(await chatRefs(h.database.db).messages('approval', '1', 'slack')).toEqual([
      { channel: APPROVALS_CHANNEL, ts: posted.response.ts },
    ]);
  });

  it('approved by another approver: deleted, the approval message updated with the decider, the requester told by DM', async () => {
    const { h, serial } = await setup();
    const posted = await requestDelete(h, serial);
    const mark = h.fake.mark();
    const click = await clickPosted(h, posted, '승인', USERS.approver);
    expectAck(click);
    const answer = await reply(h, click);

    // What Slack saw, in order: the approver's locale, the channel message updated, the DM opened and sent,
    // then the clicked message replaced through its response URL.
    const after = h.fake.calls.filter((c) => c.seq > mark);
    expect(after.map((c) => c.method)).toEqual([
      'users.info',
      'chat.update',
      'conversations.open',
      'chat.postMessage',
      'response',
    ]);
    const [, update, open, dm] = after as [FakeCall, FakeCall, FakeCall, FakeCall];
    expect(update.body).toMatchObject({ channel: APPROVALS_CHANNEL, ts: posted.response.ts });
    expect(visibleText(update.body)).toContain(`✅ <@${USERS.approver}>님이 승인했습니다`);
    expect(buttonsOf(update.body)).toEqual([]);
    expect(open.body).toEqual({ users: USERS.operator });
    expect(dm.body).toMatchObject({
      channel: `D${USERS.operator}`,
      text: `승인 요청 #1(삭제)이 <@${USERS.approver}>님에게 승인되었습니다.`,
    });
    expect(answer.replace_original).toBe(true);
    expect(visibleText(answer)).toContain(`✅ <@${USERS.approver}>님이 승인했습니다`);
    expect(visibleText(answer)).toContain(`*삭제 1건*: ${serial}`);

    expect(await rowOf(h.desk, serial)).toMatchObject({
      deleteReason: '중복 주문',
      deletedAt: expect.any(Date),
    });
    expect(await approvalOf(h, 1)).toMatchObject({
      status: 'approved',
      decidedBy: identity(USERS.approver),
      result: { done: 1, refused: 0 },
    });
    // The delete runs as the requester, the decision is the approver's.
    const deletes = await auditOf(h.desk, { action: 'delete' });
    expect(deletes.map((a) => [a.actor, a.serials])).toEqual([[identity(USERS.operator), [serial]]]);
    expect((await auditOf(h.desk, { action: 'approval_approved' }))[0]?.actor).toBe(identity(USERS.approver));
  });

  it('approved after the order went to the WMS: approved, and the result says why nothing was deleted', async () => {
    const { h, serial } = await setup();
    const posted = await requestDelete(h, serial);
    await putInShipping(h.desk, [serial]);
    const answer = await reply(h, await clickPosted(h, posted, '승인', USERS.approver));
    expect(visibleText(answer)).toContain('*삭제 0건*');
    expect(visibleText(answer)).toContain(`• ${serial} — 이미 WMS에 출고등록된 주문서입니다`);
    expect((await rowOf(h.desk, serial)).deletedAt).toBeNull();
    expect((await approvalOf(h, 1))?.result).toEqual({ done: 0, refused: 1 });
  });

  it('rejected: the reason modal, then the message updated and the requester told why; nothing deleted', async () => {
    const { h, serial } = await setup();
    const posted = await requestDelete(h, serial);
    const mark = h.fake.mark();
    const click = await clickPosted(h, posted, '반려', USERS.approver);
    expectAck(click);
    const opened = await h.fake.waitFor('views.open', { after: mark });
    const view = opened.body.view as Json;
    expect(view).toMatchObject({ callback_id: 'om:form:reject', title: { text: '승인 요청 반려' } });
    expect(visibleText(view)).toContain(
      `요청 #1: <@${USERS.operator}>님이 삭제 1건을 요청했습니다 — 사유: 중복 주문`,
    );
    expect(JSON.parse(String(view.private_metadata))).toEqual({ approvalId: 1, reply: click.responseUrl });
    expect(await approvalOf(h, 1)).toMatchObject({ status: 'pending' });

    const empty = await h.submit(opened, { reason: '' }, USERS.approver);
    expect(empty.json()).toEqual({ response_action: 'errors', errors: { reason: '필수 입력입니다' } });

    expectAck(await h.submit(opened, { reason: '정상 주문입니다' }, USERS.approver));
    const answer = await reply(h, click);
    expect(answer.replace_original).toBe(true);
    expect(visibleText(answer)).toContain(`❌ <@${USERS.approver}>님이 반려했습니다 — 사유: 정상 주문입니다`);
    const update = h.fake.of('chat.update', mark);
    expect(update).toHaveLength(1);
    expect(update[0]!.body).toMatchObject({ channel: APPROVALS_CHANNEL, ts: posted.response.ts });
    expect(visibleText(update[0]!.body)).toContain('❌');
    expect(buttonsOf(update[0]!.body)).toEqual([]);
    const dm = h.fake.of('chat.postMessage', mark);
    expect(dm.map((c) => [c.body.channel, c.body.text])).toEqual([
      [
        `D${USERS.operator}`,
        `승인 요청 #1(삭제)이 <@${USERS.approver}>님에게 반려되었습니다 — 사유: 정상 주문입니다`,
      ],
    ]);
    expect(await approvalOf(h, 1)).toMatchObject({
      status: 'rejected',
      decidedBy: identity(USERS.approver),
      decisionReason: '정상 주문입니다',
    });
    expect((await rowOf(h.desk, serial)).deletedAt).toBeNull();
  });

  it('self-approval is refused with an ephemeral sentence; the approval message is not replaced or updated', async () => {
    const { h, serial } = await setup();
    const posted = await requestDelete(h, serial, USERS.approver);
    const mark = h.fake.mark();
    const click = await clickPosted(h, posted, '승인', USERS.approver);
    const answer = await reply(h, click);
    expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(visibleText(answer)).toBe('처리하지 못했습니다: 본인이 요청한 건은 승인할 수 없습니다');
    expect(h.fake.calls.filter((c) => c.seq > mark).map((c) => c.method)).toEqual(['response']);
    expect(await approvalOf(h, 1)).toMatchObject({ status: 'pending', decidedBy: null });
    expect((await rowOf(h.desk, serial)).deletedAt).toBeNull();
  });

  it('an operator clicking Approve is refused (needs role approver)', async () => {
    const { h, serial } = await setup();
    const posted = await requestDelete(h, serial);
    const answer = await reply(h, await clickPosted(h, posted, '승인', USERS.ko));
    expect(visibleText(answer)).toBe('처리하지 못했습니다: 권한이 없습니다 (필요한 역할: approver)');
    expect(h.fake.of('chat.update')).toEqual([]);
    expect((await approvalOf(h, 1))?.status).toBe('pending');
  });

  it('a double click (and a second approver at the same moment) decides once', async () => {
    const { h, serial } = await setup();
    const posted = await requestDelete(h, serial);
    const mark = h.fake.mark();
    const clicks = await Promise.all([
      clickPosted(h, posted, '승인', USERS.approver),
      clickPosted(h, posted, '승인', USERS.approver),
      clickPosted(h, posted, '승인', USERS.approver2),
    ]);
    for (const click of clicks) expectAck(click);
    await h.idle();
    const answers = clicks.map((c) => h.fake.responses(c.responseUrl!));
    for (const a of answers) expect(a).toHaveLength(1);
    const bodies = answers.map((a) => a[0]!.body);
    const decided = bodies.filter((b) => b.replace_original === true);
    expect(decided).toHaveLength(1);
    const refused = bodies.filter((b) => b.replace_original === false).map((b) => visibleText(b));
    expect(refused).toHaveLength(2);
    for (const text of refused) {
      expect(text).toMatch(
        /^(처리하지 못했습니다: 이미 처리된 요청입니다 \(approved, <@UAPPROVER2?>\)|Could not do that: this request was already decided \(approved by <@UAPPROVER2?>\))$/,
      );
    }
    expect(h.fake.of('chat.update', mark)).toHaveLength(1);
    expect(h.fake.of('conversations.open', mark)).toHaveLength(1);
    expect(h.fake.of('chat.postMessage', mark)).toHaveLength(1);
    expect(await auditOf(h.desk, { action: 'delete' })).toHaveLength(1);
    expect(await auditOf(h.desk, { action: 'approval_approved' })).toHaveLength(1);
    expect((await rowOf(h.desk, serial)).deletedAt).toEqual(expect.any(Date));
  });

  it('without an approvals channel, each approver but the requester gets a DM in their language; the decision updates all of them', async () => {
    const { h, serial } = await setup({ approvalsChannel: null });
    const mark = h.fake.mark();
    const sent = await h.command(`delete ${serial}`, USERS.approver);
    const opened = await h.fake.waitFor('views.open', { after: mark });
    expectAck(await h.submit(opened, { reason: '중복 주문' }, USERS.approver));
    await reply(h, sent);
    const posted = h.fake.of('chat.postMessage', mark);
    expect(posted.map((c) => c.body.channel).sort()).toEqual([`D${USERS.admin}`, `D${USERS.approver2}`]);
    expect(
      h.fake
        .of('conversations.open', mark)
        .map((c) => c.body.users)
        .sort(),
    ).toEqual([USERS.admin, USERS.approver2]);
    const english = posted.find((c) => c.body.channel === `D${USERS.approver2}`)!;
    expect(english.body.text).toBe(`<@${USERS.approver}> wants to delete 1 orders — reason: 중복 주문`);
    expect(buttonsOf(english.body).map((b) => textOf(b.text))).toEqual(['Approve', 'Reject']);

    const decided = h.fake.mark();
    const answer = await reply(h, await clickPosted(h, english, 'Approve', USERS.approver2));
    expect(visibleText(answer)).toContain(`✅ Approved by <@${USERS.approver2}>`);
    expect(
      h.fake
        .of('chat.update', decided)
        .map((c) => [c.body.channel, c.body.ts])
        .sort(),
    ).toEqual(posted.map((c) => [c.response.channel, c.response.ts]).sort());
    expect((await rowOf(h.desk, serial)).deletedAt).toEqual(expect.any(Date));
  });

  it('can be approved from the `/orders approvals` list too', async () => {
    const { h, serial } = await setup();
    await requestDelete(h, serial);
    const listSent = await h.command('approvals', USERS.approver);
    const list = await reply(h, listSent);
    const answer = await reply(h, await h.click(list, { button: '승인' }, USERS.approver));
    expect(visibleText(answer)).toContain(`*삭제 1건*: ${serial}`);
    expect(h.fake.of('chat.update')).toHaveLength(1);
    expect((await rowOf(h.desk, serial)).deletedAt).toEqual(expect.any(Date));
  });
});

describe('/orders approve, /orders reject (typed instead of clicked)', () => {
  it('approve <id> decides like the button: deleted, the approval message updated, the requester told', async () => {
    const { h, serial } = await setup();
    const posted = await requestDelete(h, serial);
    const mark = h.fake.mark();
    const sent = await h.command('approve #1', USERS.approver);
    expectAck(sent);
    const answer = await reply(h, sent);
    expect(answer.replace_original).toBe(false);
    expect(visibleText(answer)).toContain(`✅ <@${USERS.approver}>님이 승인했습니다`);
    expect(visibleText(answer)).toContain(`*삭제 1건*: ${serial}`);
    expect(h.fake.of('chat.update', mark).map((c) => c.body.ts)).toEqual([posted.response.ts]);
    expect(h.fake.of('chat.postMessage', mark).map((c) => c.body.channel)).toEqual([`D${USERS.operator}`]);
    expect((await rowOf(h.desk, serial)).deletedAt).toEqual(expect.any(Date));
    // Typed again: already decided, by whom.
    expect(visibleText(await reply(h, await h.command('approve 1', USERS.approver2)))).toBe(
      `Could not do that: this request was already decided (approved by <@${USERS.approver}>)`,
    );
  });

  it('reject <id> needs a reason; with one, the request is rejected and nothing deleted', async () => {
    const { h, serial } = await setup();
    await requestDelete(h, serial);
    expect(visibleText(await reply(h, await h.command('reject 1', USERS.approver)))).toBe(
      '처리하지 못했습니다: 입력값을 확인하세요: reason',
    );
    expect(visibleText(await reply(h, await h.command('reject', USERS.approver)))).toBe(
      '사용법: `/orders reject 12 …`',
    );
    expect((await approvalOf(h, 1))?.status).toBe('pending');
    const answer = await reply(h, await h.command('reject 1 정상 주문', USERS.approver));
    expect(visibleText(answer)).toContain(`❌ <@${USERS.approver}>님이 반려했습니다 — 사유: 정상 주문`);
    expect(await approvalOf(h, 1)).toMatchObject({ status: 'rejected', decisionReason: '정상 주문' });
    expect((await rowOf(h.desk, serial)).deletedAt).toBeNull();
  });
});
