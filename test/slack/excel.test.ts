// Exports (R13) and column settings (R14) from Slack, and the upload how-to: modal → submission →
// a streamed xlsx sent to the requester's DM through files.uploadV2; an approval under the policy.
import { describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { auditOf } from '../domain/helpers.js';
import { addLines, line, seedCatalog } from '../support/desk.js';
import type { FakeCall } from '../support/fake-slack.js';
import { expectAck, reply, type SlackHarness, slackHarness, USERS, visibleText } from '../support/slack.js';

type Json = Record<string, unknown>;

async function openModal(h: SlackHarness, text: string, user: string = USERS.operator) {
  const mark = h.fake.mark();
  const sent = await h.command(text, user);
  expectAck(sent);
  const opened = await h.fake.waitFor('views.open', { after: mark });
  await h.idle();
  return { sent, opened, view: opened.body.view as Json };
}

function sheetOf(upload: FakeCall): string[][] {
  const book = XLSX.read(upload.data!);
  return XLSX.utils.sheet_to_json<string[]>(book.Sheets[book.SheetNames[0]!]!, { header: 1, raw: false });
}

describe('/orders export', () => {
  it('asks for a reason, writes the filtered orders unmasked, and sends the xlsx to the DM; the export is audited', async () => {
    const h = await slackHarness({ policy: { approvalRequired: [] } });
    const f = await seedCatalog(h.desk);
    await addLines(h.desk, [
      line(f.channelId, {
        recipientName: '김민수',
        recipientPhone: '010-1234-5678',
        mallOrderNo: '202611260000000001',
      }),
      line(f.channelId, { mallProductCode: 'UNKNOWN' }),
    ]);
    const { sent, opened, view } = await openModal(h, 'export intake');
    expect(view).toMatchObject({ callback_id: 'om:form:export', title: { text: '엑셀 다운로드' } });
    expect(visibleText(view)).toContain('다운로드 대상: 1건 (intake)');

    const mark = h.fake.mark();
    expectAck(await h.submit(opened, { reason: '택배사 전달', format: 'xlsx' }));
    const upload = await h.fake.waitFor('upload', { after: mark });
    const completed = await h.fake.waitFor('files.completeUploadExternal', { after: mark });
    expect(String(completed.body.channel_id)).toBe(`D${USERS.operator}`);
    expect(String(completed.body.initial_comment)).toContain('사유: 택배사 전달');
    const rows = sheetOf(upload);
    expect(rows[0]).toContain('주문일련번호');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain('김민수');
    expect(rows[1]).toContain('010-1234-5678');
    expect(rows[1]).toContain('202611260000000001');
    expect(visibleText(await reply(h, sent))).toContain('엑셀 파일을 DM으로 보냈습니다 (1건)');
    const audit = await auditOf(h.desk, { action: 'export' });
    expect(audit).toEqual([
      expect.objectContaining({ reason: '택배사 전달', actor: `slack:T1:${USERS.operator}` }),
    ]);
    expect((audit[0]!.detail as Json).rows).toBe(1);
  });

  it('under the approval policy the export waits for an approver; on approval the requester gets the file', async () => {
    const h = await slackHarness({ policy: { approvalRequired: ['export'] } });
    const f = await seedCatalog(h.desk);
    await addLines(h.desk, [line(f.channelId), line(f.channelId)]);
    await h.grant(USERS.approver, 'approver');
    const { sent, opened } = await openModal(h, 'export');
    const mark = h.fake.mark();
    expectAck(await h.submit(opened, { reason: '택배사 전달', format: 'csv' }));
    const posted = await h.fake.waitFor('chat.postMessage', { after: mark });
    expect(visibleText(posted.body as Json)).toContain('엑셀 다운로드 2건');
    expect(visibleText(await reply(h, sent))).toContain('승인 요청 #1');
    expect(h.fake.of('upload')).toEqual([]);

    const approved = h.fake.mark();
    await h.click(posted.body as Json, { button: '승인' }, USERS.approver, {
      posted: { channel: String(posted.response.channel), ts: String(posted.response.ts) },
    });
    const upload = await h.fake.waitFor('upload', { after: approved });
    await h.idle();
    const csv = upload.data!.toString('utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(3);
    const completed = await h.fake.waitFor('files.completeUploadExternal', { after: approved });
    expect(String(completed.body.channel_id)).toBe(`D${USERS.operator}`);
  });

  it('an empty reason keeps the modal open with the error under the reason field, and nothing is exported', async () => {
    const h = await slackHarness({ policy: { approvalRequired: [] } });
    const f = await seedCatalog(h.desk);
    await addLines(h.desk, [line(f.channelId)]);
    const { opened } = await openModal(h, 'export');
    const sent = await h.submit(opened, { reason: '   ', format: 'xlsx' });
    expect(sent.status).toBe(200);
    expect(JSON.parse(sent.body)).toEqual({
      response_action: 'errors',
      errors: { reason: '필수 입력입니다' },
    });
    await h.idle();
    expect(h.fake.of('upload')).toEqual([]);
    expect(await auditOf(h.desk, { action: 'export' })).toEqual([]);
  });
});

describe('/orders columns', () => {
  it('saves which columns show, per user, and the next export follows them', async () => {
    const h = await slackHarness({ policy: { approvalRequired: [] } });
    const f = await seedCatalog(h.desk);
    await addLines(h.desk, [line(f.channelId)]);
    const { sent, opened, view } = await openModal(h, 'columns', USERS.en);
    expect(view).toMatchObject({ callback_id: 'om:form:columns', title: { text: 'Column settings' } });
    expectAck(await h.submit(opened, { visible: ['serial', 'recipientName', 'zip'] }, USERS.en));
    expect(visibleText(await reply(h, sent))).toContain('Saved your columns: Serial');

    const exported = await openModal(h, 'export', USERS.en);
    const mark = h.fake.mark();
    expectAck(await h.submit(exported.opened, { reason: 'carrier', format: 'xlsx' }, USERS.en));
    const rows = sheetOf(await h.fake.waitFor('upload', { after: mark }));
    await h.idle();
    expect(rows[0]).toHaveLength(3);
  });
});

describe('/orders upload', () => {
  it('tells how to bring a file in', async () => {
    const h = await slackHarness();
    const sent = await h.command('upload');
    expectAck(sent);
    expect(visibleText(await reply(h, sent))).toContain('POST /api/v1/imports');
  });
});
