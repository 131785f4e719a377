// The endpoint itself: Slack's signature and timestamp checks, ssl_check and url_verification, and a
// whole exchange over a real socket.
import { describe, expect, it } from 'vitest';
import { allOrders, auditOf } from '../domain/helpers.js';
import { addLines, line, seedCatalog } from '../support/desk.js';
import {
  expectAck,
  reply,
  SIGNING_SECRET,
  type SlackHarness,
  sign,
  slackHarness,
  USERS,
  visibleText,
} from '../support/slack.js';

async function withOrders() {
  const h = await slackHarness();
  const f = await seedCatalog(h.desk);
  const { created } = await addLines(h.desk, [line(f.channelId), line(f.channelId)]);
  return { h, serials: created };
}

/** Nothing reached Bolt, Slack was not called, the database did not change. */
async function expectUntouched(h: SlackHarness, before: Awaited<ReturnType<typeof allOrders>>) {
  await h.idle();
  expect(h.events()).toBe(0);
  expect(h.fake.calls).toEqual([]);
  expect(await allOrders(h.desk)).toEqual(before);
  expect(await auditOf(h.desk, { action: 'next' })).toEqual([]);
}

describe('request signing', () => {
  it('a forged signature gets 401 and changes nothing', async () => {
    const { h, serials } = await withOrders();
    const before = await allOrders(h.desk);
    const forged = await h.command(`next ${serials[0]}`, USERS.operator, {
      signature: `v0=${'0'.repeat(64)}`,
    });
    expect(forged.status).toBe(401);
    const otherSecret = await h.command(`next ${serials[0]}`, USERS.operator, {
      signature: sign(
        `command=/orders&text=next+${serials[0]}`,
        Math.floor(Date.now() / 1000),
        'not-the-secret',
      ),
    });
    expect(otherSecret.status).toBe(401);
    const unsigned = await h.command(`next ${serials[0]}`, USERS.operator, { signature: null });
    expect(unsigned.status).toBe(401);
    await expectUntouched(h, before);
  });

  it('a body changed after signing gets 401', async () => {
    const { h, serials } = await withOrders();
    const before = await allOrders(h.desk);
    const now = Math.floor(Date.now() / 1000);
    const signed = `command=%2Forders&text=list&team_id=T1&user_id=${USERS.operator}`;
    const tampered = `command=%2Forders&text=next+${serials[0]}&team_id=T1&user_id=${USERS.operator}`;
    const sent = await h.post(tampered, 'application/x-www-form-urlencoded', {
      timestamp: now,
      signature: sign(signed, now),
    });
    expect(sent.status).toBe(401);
    await expectUntouched(h, before);
  });

  it('a correctly signed request older than five minutes gets 401 (a replay)', async () => {
    const { h, serials } = await withOrders();
    const before = await allOrders(h.desk);
    const old = Math.floor(Date.now() / 1000) - 5 * 60 - 1;
    const sent = await h.command(`next ${serials[0]}`, USERS.operator, { timestamp: old });
    expect(sent.status).toBe(401);
    const payload = await h.interact(
      { type: 'block_actions', user: { id: USERS.operator } },
      { timestamp: old },
    );
    expect(payload.status).toBe(401);
    await expectUntouched(h, before);

    // The same request signed now goes through.
    const fresh = await h.command(`next ${serials[0]}`);
    expectAck(fresh);
    expect(visibleText(await reply(h, fresh))).toContain(`*주문서처리로 이동 1건*: ${serials[0]}`);
  });

  it('a timestamp that is not a number gets 401', async () => {
    const { h } = await withOrders();
    const body = 'command=%2Forders&text=';
    const sent = await h.post(body, 'application/x-www-form-urlencoded', {
      timestamp: Number.NaN,
      signature: sign(body, Number.NaN),
    });
    expect(sent.status).toBe(401);
    expect(h.events()).toBe(0);
  });
});

describe('Slack housekeeping requests', () => {
  it('ssl_check answers 200 with an empty body and reaches no listener', async () => {
    const { h } = await withOrders();
    const sent = await h.post(
      'ssl_check=1&token=legacy-verification-token',
      'application/x-www-form-urlencoded',
    );
    expectAck(sent);
    expect(h.events()).toBe(0);
    expect(h.fake.calls).toEqual([]);
  });

  it('url_verification echoes the challenge', async () => {
    const { h } = await withOrders();
    const body = JSON.stringify({
      token: 'legacy',
      challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
      type: 'url_verification',
    });
    const sent = await h.post(body, 'application/json');
    expect(sent.status).toBe(200);
    expect(sent.json()).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
    const unsigned = await h.post(body, 'application/json', { signature: null });
    expect(unsigned.status).toBe(401);
    expect(h.events()).toBe(0);
  });

  it('an unreadable body is a 400; the REST routes keep their JSON parser', async () => {
    const { h } = await withOrders();
    const sent = await h.post('{not json', 'application/json');
    expect(sent.status).toBe(400);
    const health = await h.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.json()).toEqual({ status: 'ok' });
  });
});

describe('over a real socket', () => {
  it('command → modal → field errors in the HTTP response → valid submission → answer on the response URL', async () => {
    const { h, serials } = await withOrders();
    const base = await h.listen();
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const mark = h.fake.mark();
    const sent = await h.command(`hold ${serials[0]}`, USERS.operator, { http: true });
    expectAck(sent);
    const opened = await h.fake.waitFor('views.open', { after: mark });

    const invalid = await h.submit(opened, { reason: '' }, USERS.operator, { http: true });
    expect(invalid.status).toBe(200);
    expect(invalid.json()).toEqual({ response_action: 'errors', errors: { reason: '필수 입력입니다' } });

    const submitted = await h.submit(opened, { reason: '주소 확인 필요' }, USERS.operator, { http: true });
    expectAck(submitted);
    const answer = await reply(h, sent);
    expect(visibleText(answer)).toBe(`*출고보류 1건*: ${serials[0]}`);
    const held = (await allOrders(h.desk)).find((o) => o.serial === serials[0]);
    expect(held).toMatchObject({ stage: 'held', holdReason: '주소 확인 필요' });
  });

  it('the signing secret on the wire is checked the same way', async () => {
    const { h } = await withOrders();
    await h.listen();
    const forged = await h.command('', USERS.operator, {
      http: true,
      signature: sign('x', 1, SIGNING_SECRET),
    });
    expect(forged.status).toBe(401);
    expect(h.events()).toBe(0);
  });
});
