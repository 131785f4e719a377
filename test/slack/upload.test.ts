// R12 from Slack: a file on a message → "Import orders" shortcut → template form (the suggestion
// preselected once the file is read) → preview with Register / Close → Register runs once.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { queryRows } from '../../src/storage/db.js';
import { seedCatalog } from '../support/desk.js';
import { expectAck, type SlackHarness, slackHarness, TEAM, USERS, visibleText } from '../support/slack.js';
import { SMARTSTORE_CHAT_LAYOUT, smartstoreChatRow, smartstoreXlsx } from '../support/smartstore-xlsx.js';

type Json = Record<string, unknown>;

const smartstoreFile = (rows: string[][]) => smartstoreXlsx(rows, SMARTSTORE_CHAT_LAYOUT);

const good = (i: number) => smartstoreChatRow(i);

async function shortcut(h: SlackHarness, fileId: string | null, responseUrl: string) {
  return h.interact({
    type: 'message_action',
    callback_id: 'om:import',
    trigger_id: `${Date.now()}.1700000000.shortcut`,
    team: { id: TEAM, domain: 'acme' },
    user: { id: USERS.operator, team_id: TEAM },
    channel: { id: 'CORDERS' },
    response_url: responseUrl,
    message: { type: 'message', ts: '1.1', files: fileId ? [{ id: fileId, name: 'smartstore.xlsx' }] : [] },
  });
}

const orderCount = async (h: SlackHarness) =>
  (await queryRows<{ n: number }>(h.database.db, sql`select count(*)::int as n from orders`))[0]!.n;

describe('Excel upload from Slack', () => {
  it('shortcut → form with the suggested template → preview → Register once; the database has the orders', async () => {
    const h = await slackHarness();
    await seedCatalog(h.desk);
    h.fake.files.set('F1', {
      name: 'smartstore.xlsx',
      bytes: smartstoreFile([good(1), good(2), [...good(3).slice(0, 3), 'not a phone', ...good(3).slice(4)]]),
      mimetype: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    const responseUrl = h.fake.responseUrl('upload-1');
    const mark = h.fake.mark();
    expectAck(await shortcut(h, 'F1', responseUrl));
    const opened = await h.fake.waitFor('views.open', { after: mark });
    const updated = await h.fake.waitFor('views.update', { after: mark });
    await h.idle();
    const template = ((updated.body.view as Json).blocks as Json[]).find((b) => b.block_id === 'template')!;
    expect((template.element as Json).initial_option).toMatchObject({ value: 'smartstore' });
    expect(opened.body.trigger_id).toBeTruthy();
    const download = h.fake.of('download', mark)[0]!;
    expect(download.auth).toBe('Bearer xoxb-test');
    expect(await orderCount(h)).toBe(0);

    expectAck(await h.submit(updated, { template: 'smartstore', channel: '1' }));
    const preview = await h.fake.waitFor('response', { match: (c) => c.id === 'upload-1' });
    await h.idle();
    const text = visibleText(preview.body as Json);
    expect(text).toContain('양식 smartstore · 읽음 3 · 매칭 2 · 비매칭 0 · 오류 1 · 이미 있음 0');
    expect(text).toContain('5행 수취인연락처1: 전화번호 형식이 아닙니다');
    expect(await orderCount(h)).toBe(0);

    // The full list of rejected rows comes as an xlsx in the person's DM; the preview stays open.
    const listed = h.fake.mark();
    await h.click(preview.body as Json, { button: '오류 목록 받기 (엑셀)' });
    const file = await h.fake.waitFor('upload', { after: listed });
    const told = await h.fake.waitFor('response', { after: listed });
    await h.idle();
    const book = XLSX.read(file.data!);
    const rows = XLSX.utils.sheet_to_json<string[]>(book.Sheets[book.SheetNames[0]!]!, { header: 1 });
    expect(rows).toEqual([
      ['행', '열', '이유', '값'],
      [5, '수취인연락처1', '전화번호 형식이 아닙니다', 'not a phone'],
    ]);
    const completed = h.fake.of('files.completeUploadExternal', listed)[0]!;
    expect(JSON.stringify(completed.body)).toContain('smartstore-rejected.xlsx');
    expect(visibleText(told.body as Json)).toContain('오류 목록을 DM으로 보냈습니다 (1건)');
    expect((told.body as Json).replace_original).toBe(false);

    const registered = h.fake.mark();
    await h.click(preview.body as Json, { button: '등록' });
    const done = await h.fake.waitFor('response', { after: registered });
    await h.idle();
    expect((done.body as Json).replace_original).toBe(true);
    expect(visibleText(done.body as Json)).toContain('등록했습니다: 주문서 2건');
    expect(await orderCount(h)).toBe(2);

    const again = h.fake.mark();
    await h.click(preview.body as Json, { button: '등록' });
    const twice = await h.fake.waitFor('response', { after: again });
    await h.idle();
    expect(visibleText(twice.body as Json)).toContain('이미 등록되었거나 닫힌 미리보기입니다');
    expect(await orderCount(h)).toBe(2);
  });

  it('a message with no file is told so, and Close saves nothing', async () => {
    const h = await slackHarness();
    await seedCatalog(h.desk);
    const noFile = h.fake.responseUrl('nofile');
    expectAck(await shortcut(h, null, noFile));
    const said = await h.fake.waitFor('response', { match: (c) => c.id === 'nofile' });
    expect(visibleText(said.body as Json)).toContain('이 메시지에는 파일이 없습니다');

    h.fake.files.set('F2', {
      name: 'x.xlsx',
      bytes: smartstoreFile([good(1)]),
      mimetype: 'application/octet-stream',
    });
    const url = h.fake.responseUrl('close');
    const mark = h.fake.mark();
    expectAck(await shortcut(h, 'F2', url));
    const updated = await h.fake.waitFor('views.update', { after: mark });
    await h.idle();
    expectAck(await h.submit(updated, { template: 'smartstore', channel: '1' }));
    const preview = await h.fake.waitFor('response', { match: (c) => c.id === 'close' });
    await h.idle();
    const closed = h.fake.mark();
    await h.click(preview.body as Json, { button: '닫기' });
    const answer = await h.fake.waitFor('response', { after: closed });
    await h.idle();
    expect(visibleText(answer.body as Json)).toContain('미리보기를 닫았습니다');
    expect(await orderCount(h)).toBe(0);
  });

  it('a file sent to the bot by DM gets an Import button (the event is handled once even when Slack retries)', async () => {
    const h = await slackHarness();
    const event = {
      type: 'event_callback',
      team_id: TEAM,
      api_app_id: 'A1',
      event_id: 'Ev1',
      event_time: 1_700_000_000,
      event: {
        type: 'message',
        subtype: 'file_share',
        channel_type: 'im',
        channel: `D${USERS.operator}`,
        user: USERS.operator,
        ts: '1.2',
        files: [{ id: 'F9', name: 'orders.xlsx' }],
      },
    };
    const mark = h.fake.mark();
    await h.post(JSON.stringify(event), 'application/json');
    await h.post(JSON.stringify(event), 'application/json', {
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    await h.idle();
    const posted = h.fake.of('chat.postMessage', mark);
    expect(posted).toHaveLength(1);
    expect(visibleText(posted[0]!.body as Json)).toContain('파일을 받았습니다: orders.xlsx');
  });
});
