// The order desk through Discord: signed interactions to the real endpoint, the fake Discord REST API
// capturing what is deferred, and the database checked after. The same core as Slack: nothing here is
// Discord-specific logic beyond rendering.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { CollectionRunner } from '../../src/collect/runner.js';
import { defaultConnectors } from '../../src/connectors/registry.js';
import { queryRows } from '../../src/storage/db.js';
import { addLines, demoAccount, line, seedCatalog, stageOf } from '../support/desk.js';
import {
  type Answer,
  APPROVALS,
  CHANNEL,
  contentOf,
  DUSERS,
  dataOf,
  didentity,
  discordHarness,
} from '../support/discord.js';
import { messageProblems, modalProblems } from '../support/fake-discord.js';
import { SMARTSTORE_CHAT_LAYOUT, smartstoreChatRow, smartstoreXlsx } from '../support/smartstore-xlsx.js';

type Json = Record<string, unknown>;

/** The modal of a MODAL answer (type 9), checked against Discord's rules. */
function modalOf(answer: Answer): Json {
  expect(answer.json.type, JSON.stringify(answer.json)).toBe(9);
  const data = answer.json.data as Json;
  expect(modalProblems(data)).toEqual([]);
  return data;
}

/** A message answer (type 4 or 7), checked against Discord's rules. */
function messageOf(answer: Answer): Json {
  expect([4, 7], JSON.stringify(answer.json)).toContain(answer.json.type);
  const data = dataOf(answer);
  expect(messageProblems(data)).toEqual([]);
  return data;
}

const labelsOf = (data: Json) =>
  ((data.components as Json[]) ?? []).flatMap((row) =>
    ((row.components as Json[]) ?? []).filter((c) => c.type === 2).map((c) => String(c.label)),
  );

const fieldIds = (modal: Json) =>
  (modal.components as Json[])
    .filter((c) => c.type === 18)
    .map((c) => String((c.component as Json).custom_id));

describe('/orders on Discord', () => {
  it('list → tick three orders → Hold → reason modal → held, refused and gifts removed, in Korean', async () => {
    const h = await discordHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId), line(f.channelId), line(f.channelId)]);
    const list = messageOf(await h.command('list', { filter: 'intake' }, DUSERS.ko));
    expect(String(list.content)).toContain(String(created[0]));
    expect(labelsOf(list)).toContain('출고보류');
    // Ticking changes nothing visible: a deferred update.
    expect((await h.tick(list, created, DUSERS.ko)).json).toEqual({ type: 6 });
    const modal = modalOf(await h.click(list, '출고보류', DUSERS.ko));
    expect(modal.title).toBe('출고보류');
    expect(fieldIds(modal)).toEqual(['reason']);
    const done = messageOf(await h.submit(modal, { reason: '주소 확인 필요' }, DUSERS.ko));
    expect(String(done.content)).toContain('3건');
    for (const serial of created) {
      const row = await stageOf(h.desk, serial);
      expect(row).toMatchObject({ stage: 'held', holdReason: '주소 확인 필요' });
    }
  });

  it('splits a form of more fields than a modal holds into steps with a Continue button', async () => {
    const h = await discordHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    const serial = created[0]!;
    const first = modalOf(await h.command('edit', { serials: String(serial) }, DUSERS.en));
    expect(first.title).toBe('Edit delivery (1/2)');
    // The intro takes one of the five components: four fields, then the fifth on the next step.
    expect(fieldIds(first)).toEqual(['recipientName', 'recipientPhone', 'address', 'zip']);
    const saved = messageOf(await h.submit(first, { recipientName: '박지민', zip: '06236' }, DUSERS.en));
    expect(String(saved.content)).toContain('step 1 of 2 saved');
    const second = modalOf(await h.click(saved, 'Continue (2/2)', DUSERS.en));
    expect(second.title).toBe('Edit delivery (2/2)');
    expect(fieldIds(second)).toEqual(['deliveryMessage']);
    const done = messageOf(await h.submit(second, { deliveryMessage: '경비실' }, DUSERS.en));
    expect(String(done.content)).not.toContain('Please check');
    const row = await stageOf(h.desk, serial);
    expect(row).toMatchObject({ recipientName: '박지민', deliveryMessage: '경비실', locallyEdited: true });
  });

  it('says what is wrong with a step and reopens it with what was typed', async () => {
    const h = await discordHarness();
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    const first = modalOf(await h.command('edit', { serials: String(created[0]) }, DUSERS.ko));
    const wrong = messageOf(await h.submit(first, { recipientPhone: '12', zip: '1' }, DUSERS.ko));
    expect(String(wrong.content)).toContain('입력값을 확인하세요');
    expect(String(wrong.content)).toContain('전화번호');
    const again = modalOf(await h.click(wrong, '다시 입력', DUSERS.ko));
    const phone = (again.components as Json[]).find(
      (c) => c.type === 18 && (c.component as Json).custom_id === 'recipientPhone',
    );
    expect((phone!.component as Json).value).toBe('12');
    expect((await stageOf(h.desk, created[0]!))?.recipientPhone).toBe('010-9876-5432');
  });

  it('adds an order through a four-step modal with a typed product code and channel select', async () => {
    const h = await discordHarness();
    const f = await seedCatalog(h.desk);
    let modal = modalOf(await h.command('add', {}, DUSERS.ko));
    const answers: Record<string, string | string[]> = {
      channel: [String(f.channelId)],
      product: 'A-001',
      quantity: '2',
      unitPrice: '32000',
      ordererName: '김민수',
      ordererPhone: '010-1234-5678',
      recipientName: '이영희',
      recipientPhone: '010-2222-3333',
      address: '서울특별시 중구 세종대로 110',
      zip: '04524',
      kind: ['B2C'],
    };
    let steps = 0;
    for (;;) {
      steps++;
      const mine = Object.fromEntries(Object.entries(answers).filter(([k]) => fieldIds(modal).includes(k)));
      const answer = await h.submit(modal, mine, DUSERS.ko);
      const data = messageOf(answer);
      const next = labelsOf(data).find((l) => l.startsWith('계속'));
      if (!next) {
        expect(String(data.content)).toContain('주문서');
        break;
      }
      modal = modalOf(await h.click(data, next, DUSERS.ko));
    }
    expect(steps).toBe(3);
    const [row] = await queryRows<Json>(
      h.database.db,
      sql`select product_id, quantity, recipient_name, source from orders`,
    );
    expect(row).toEqual({ product_id: f.productId, quantity: 2, recipient_name: '이영희', source: 'manual' });
  });

  it('under the approval policy, a delete goes to the approvals channel and the approver decides there', async () => {
    const h = await discordHarness({ policy: { approvalRequired: ['delete'] }, approvalsChannel: APPROVALS });
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    await h.grant(DUSERS.approver, 'approver');
    const modal = modalOf(await h.command('delete', { serials: String(created[0]) }, DUSERS.ko));
    const asked = messageOf(await h.submit(modal, { reason: '중복 주문' }, DUSERS.ko));
    expect(String(asked.content)).toContain('승인');
    const [posted] = h.fake.messagesIn(APPROVALS);
    expect(String(posted!.body.content)).toContain('중복 주문');
    expect(messageProblems(posted!.body)).toEqual([]);
    // The approver clicks Approve on the channel message: the order is deleted, the message updated,
    // the requester told by DM.
    const decided = await h.click({ id: posted!.id, ...posted!.body }, '승인', DUSERS.approver);
    expect([4, 7]).toContain(decided.json.type);
    await h.idle();
    expect((await stageOf(h.desk, created[0]!))?.deletedAt).not.toBeNull();
    expect(h.fake.messagesIn(APPROVALS)[0]!.edits).toBeGreaterThan(0);
    const dm = h.fake.messagesIn(`DM${DUSERS.ko}`);
    expect(dm.map((m) => String(m.body.content)).join('\n')).toContain('승인');
  });

  it('claim: the type as a select in the modal; an approver rejects a request through the reason modal', async () => {
    const h = await discordHarness({ policy: { approvalRequired: ['claim'] }, approvalsChannel: APPROVALS });
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    await h.grant(DUSERS.approver, 'approver');
    const modal = modalOf(await h.command('claim', { serials: String(created[0]) }, DUSERS.en));
    expect(fieldIds(modal)).toEqual(['type', 'reason', 'newProduct']);
    messageOf(await h.submit(modal, { type: ['return'], reason: 'damaged box', newProduct: '' }, DUSERS.en));
    const [posted] = h.fake.messagesIn(APPROVALS);
    const reasonModal = modalOf(await h.click({ id: posted!.id, ...posted!.body }, '반려', DUSERS.approver));
    const rejected = await h.submit(reasonModal, { reason: '사진 확인 후 다시 요청' }, DUSERS.approver);
    expect([4, 7]).toContain(rejected.json.type);
    await h.idle();
    const [row] = await queryRows<{ status: string; decision_reason: string }>(
      h.database.db,
      sql`select status, decision_reason from approval_requests`,
    );
    expect(row).toEqual({ status: 'rejected', decision_reason: '사진 확인 후 다시 요청' });
    const dm = h.fake.messagesIn(`DM${DUSERS.en}`).map((m) => String(m.body.content));
    expect(dm.join('\n')).toContain('rejected');
    expect((await stageOf(h.desk, created[0]!))?.stage).toBe('intake');
  });

  it('export: the reason modal, then the file as the deferred reply', async () => {
    const h = await discordHarness({ policy: { approvalRequired: [] } });
    const f = await seedCatalog(h.desk);
    await addLines(h.desk, [line(f.channelId), line(f.channelId)]);
    const modal = modalOf(await h.command('export', {}, DUSERS.ko));
    const answer = await h.submit(modal, { reason: '택배사 전달', format: ['csv'] }, DUSERS.ko);
    expect(answer.json).toEqual({ type: 5, data: { flags: 64 } });
    await h.idle();
    const original = h.fake.original(answer.token);
    expect(String(original?.body.content)).toContain('택배사 전달');
    expect(original?.files[0]?.name).toMatch(/^orders-.*\.csv$/);
    expect(original?.files[0]?.data.toString('utf8')).toContain(',');
    const [audit] = await queryRows<{ reason: string }>(
      h.database.db,
      sql`select reason from audit_log where action = 'export'`,
    );
    expect(audit?.reason).toBe('택배사 전달');
  });

  it('upload: the attachment opens the template form with the suggestion chosen, then the preview and Register', async () => {
    const h = await discordHarness();
    const f = await seedCatalog(h.desk);
    const xlsx = smartstoreXlsx([smartstoreChatRow(1, { 수취인명: '이서연' })], SMARTSTORE_CHAT_LAYOUT);
    const attachment = h.fake.attachment('orders.xlsx', xlsx);
    const opened = await h.command('upload', { file: attachment.id }, DUSERS.ko, {
      resolved: { attachments: { [attachment.id]: attachment } },
    });
    const modal = modalOf(opened);
    expect(fieldIds(modal)).toEqual(['template', 'channel', 'password']);
    const template = (modal.components as Json[]).find(
      (c) => c.type === 18 && (c.component as Json).custom_id === 'template',
    );
    const chosen = ((template!.component as Json).options as Json[]).filter((o) => o.default);
    expect(chosen.map((o) => o.value)).toEqual(['smartstore']);
    const preview = await h.submit(modal, { channel: [String(f.channelId)] }, DUSERS.ko);
    const data = messageOf(preview);
    expect(String(data.content)).toContain('orders.xlsx');
    const registered = messageOf(await h.click(data, '등록', DUSERS.ko));
    expect(String(registered.content)).toContain('1');
    const [row] = await queryRows<{ n: number }>(h.database.db, sql`select count(*)::int as n from orders`);
    expect(row!.n).toBe(1);
  });

  it('every subcommand answers with something Discord accepts, for Korean and English users', async () => {
    const h = await discordHarness({ policy: { approvalRequired: [] } });
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [
      line(f.channelId),
      line(f.channelId, { mallProductCode: 'NEW' }),
    ]);
    const s = String(created[0]);
    const u = String(created[1]);
    const calls: [string, Record<string, string>][] = [
      ['summary', {}],
      ['help', {}],
      ['help', { command: 'hold' }],
      ['list', {}],
      ['show', { serials: s }],
      ['add', {}],
      ['hold', { serials: s }],
      ['release', { serials: s }],
      ['delete', { serials: s }],
      ['claim', { serials: s }],
      ['next', {}],
      ['next', { serials: s }],
      ['edit', { serials: s }],
      ['msg', { serial: s, text: '안녕하세요' }],
      ['cs', { serial: s, text: '전화 요청' }],
      ['role', { user: `<@${DUSERS.viewer}>`, role: 'viewer' }],
      ['approvals', {}],
      ['history', {}],
      ['approve', { id: '99' }],
      ['reject', { id: '99', reason: '아니요' }],
      ['collect', {}],
      ['unmatched', {}],
      ['match', { serials: u }],
      ['gift', {}],
      ['export', {}],
      ['columns', {}],
    ];
    for (const user of [DUSERS.admin, DUSERS.en]) {
      for (const [sub, options] of calls) {
        const answer = await h.command(sub, options, user);
        expect(answer.status, `${sub}`).toBe(200);
        if (answer.json.type === 9) modalOf(answer);
        else messageOf(answer);
      }
    }
    await h.grant(DUSERS.viewer, 'viewer');
    const refused = messageOf(await h.command('hold', { serials: s }, DUSERS.viewer));
    expect(String(refused.content)).toContain('권한');
    expect(contentOf(await h.command('help', {}, DUSERS.en))).toContain('/orders');
  });

  it('collect: progress in the channel through the bot, the result with Match now, and to the collection channel', async () => {
    const h = await discordHarness({
      now: () => new Date('2026-11-26T01:00:00Z'),
      collector: (desk) => new CollectionRunner(desk, defaultConnectors()),
      collectionChannel: '700000000000000009',
    });
    const f = await seedCatalog(h.desk);
    const id = await demoAccount(h.desk, f.channelId);
    const modal = modalOf(await h.command('collect', {}, DUSERS.ko));
    expect(fieldIds(modal)).toEqual(['from', 'to', 'accounts']);
    const started = messageOf(await h.submit(modal, { accounts: [String(id)] }, DUSERS.ko));
    expect(String(started.content)).toContain('주문수집 #1');
    const result = await h.fake.waitFor('PATCH /channels/:id/messages/:mid', {
      match: (c) => String(c.body.content).includes('완료'),
    });
    expect(result.params.id).toBe(CHANNEL);
    expect(String(result.body.content)).toContain('수집 8 · 신규 0 · 중복 0 · 비매칭 8');
    expect(labelsOf(result.body)).toEqual(['지금 매칭']);
    await h.fake.waitFor('POST /channels/:id/messages', {
      match: (c) => c.params.id === '700000000000000009',
    });
    const list = messageOf(await h.click(result.body, '지금 매칭', DUSERS.ko));
    expect(String(list.content)).toContain('비매칭 주문 7건');
    expect(didentity(DUSERS.ko)).toBe(`discord:${DUSERS.ko}`);
  });
});
