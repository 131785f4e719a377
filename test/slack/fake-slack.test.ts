// The fake Slack Web API the other tests rely on, driven by the real @slack/web-api client: it answers
// like Slack, checks the bot token, and records what it was sent. (@slack/web-api comes through Bolt.)
import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';

let fake: FakeSlack | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const client = (f: FakeSlack, token = 'xoxb-test') =>
  new webApi.WebClient(token, { slackApiUrl: f.apiUrl, retryConfig: { retries: 0 } });

describe('fake Slack Web API', () => {
  it('checks the bot token: anything else is invalid_auth', async () => {
    fake = await startFakeSlack();
    await expect(client(fake, 'xoxb-wrong').auth.test()).rejects.toMatchObject({
      data: { ok: false, error: 'invalid_auth' },
    });
    const ok = await client(fake).auth.test();
    expect(ok).toMatchObject({ ok: true, team_id: 'T1', user_id: 'UBOT', bot_id: 'B1' });
    expect(fake.calls.map((c) => [c.method, c.auth])).toEqual([
      ['auth.test', 'Bearer xoxb-wrong'],
      ['auth.test', 'Bearer xoxb-test'],
    ]);
  });

  it('answers users.info with the configured locale (only when asked for it)', async () => {
    fake = await startFakeSlack({ locales: { UKO: 'ko-KR', UEN: 'en-US' } });
    const web = client(fake);
    expect((await web.users.info({ user: 'UKO', include_locale: true })).user?.locale).toBe('ko-KR');
    expect((await web.users.info({ user: 'UEN', include_locale: true })).user?.locale).toBe('en-US');
    expect((await web.users.info({ user: 'UEN' })).user?.locale).toBeUndefined();
    expect(fake.of('users.info').map((c) => c.body.user)).toEqual(['UKO', 'UEN', 'UEN']);
  });

  it('opens, updates and pushes views; posts, updates and opens conversations', async () => {
    fake = await startFakeSlack();
    const web = client(fake);
    const view = {
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: '출고보류' },
      blocks: [],
    };
    const opened = await web.views.open({ trigger_id: 't1', view });
    expect(opened.view?.id).toMatch(/^V\d+$/);
    const updated = await web.views.update({ view_id: opened.view!.id!, view });
    expect(updated.view?.id).toBe(opened.view?.id);
    expect((await web.views.push({ trigger_id: 't2', view })).ok).toBe(true);

    const im = await web.conversations.open({ users: 'UKO' });
    expect(im.channel?.id).toBe('DUKO');
    const posted = await web.chat.postMessage({ channel: 'C1', text: 'hi', blocks: [{ type: 'divider' }] });
    expect(posted).toMatchObject({ ok: true, channel: 'C1', ts: expect.stringMatching(/^\d+\.\d{6}$/) });
    expect((await web.chat.update({ channel: 'C1', ts: posted.ts!, text: 'edited' })).ts).toBe(posted.ts);
    expect((await web.chat.postEphemeral({ channel: 'C1', user: 'UKO', text: 'psst' })).ok).toBe(true);
    // JSON-valued form fields arrive parsed.
    expect(fake.of('chat.postMessage')[0]!.body.blocks).toEqual([{ type: 'divider' }]);
    expect(fake.of('views.open')[0]!.body.view).toEqual(view);
  });

  it('uploads a file the v2 way: upload URL, bytes, complete', async () => {
    fake = await startFakeSlack();
    const bytes = Buffer.from('PK\u0003\u0004 fake workbook');
    const result = await client(fake).filesUploadV2({
      channel_id: 'C1',
      filename: 'orders.xlsx',
      file: bytes,
      title: '주문서',
    });
    expect(result.ok).toBe(true);
    expect(fake.calls.map((c) => c.method)).toEqual([
      'files.getUploadURLExternal',
      'upload',
      'files.completeUploadExternal',
    ]);
    expect(fake.of('upload')[0]).toMatchObject({ bytes: bytes.length, auth: 'Bearer xoxb-test' });
    expect(fake.of('files.completeUploadExternal')[0]!.body).toMatchObject({
      channel_id: 'C1',
      files: [{ id: fake.of('upload')[0]!.id, title: '주문서' }],
    });
  });

  it('records response URL posts and refuses oversized messages there too', async () => {
    fake = await startFakeSlack();
    const url = fake.responseUrl();
    const ok = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hello', replace_original: false }),
    });
    expect(ok.status).toBe(200);
    const tooMany = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) }),
    });
    expect(tooMany.status).toBe(400);
    expect(fake.responses(url).map((c) => c.response.ok)).toEqual([true, false]);
  });

  it('waitFor resolves on a later call, honours `after`, and times out with what it saw', async () => {
    fake = await startFakeSlack();
    const web = client(fake);
    await web.auth.test();
    const mark = fake.mark();
    const waiting = fake.waitFor('auth.test', { after: mark });
    await web.auth.test();
    expect((await waiting).seq).toBe(mark + 1);
    await expect(fake.waitFor('views.open', { timeoutMs: 50 })).rejects.toThrow(
      'fake Slack: no views.open call within 50 ms (calls: 1:auth.test, 2:auth.test)',
    );
    fake.failNext('auth.test', 'ratelimited');
    await expect(web.auth.test()).rejects.toMatchObject({ data: { error: 'ratelimited' } });
    expect((await web.auth.test()).ok).toBe(true);
  });
});
