// What does not fit Discord's first three seconds, the gateway mode, and the digest channel.
import { EventEmitter } from 'node:events';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startGateway } from '../../src/bot/discord/gateway.js';
import { unmatchedDigest } from '../../src/domain/services/unmatched.js';
import { addLines, line, seedCatalog } from '../support/desk.js';
import { BOT_TOKEN, CHANNEL, DUSERS, discordHarness } from '../support/discord.js';
import { messageProblems } from '../support/fake-discord.js';

type Json = Record<string, unknown>;

describe('deferred replies', () => {
  it('a slow answer is deferred, then edited into the original response', async () => {
    const h = await discordHarness({ deferAfterMs: 0 });
    const f = await seedCatalog(h.desk);
    await addLines(h.desk, [line(f.channelId)]);
    const answer = await h.command('list', {}, DUSERS.en);
    expect(answer.json).toEqual({ type: 5, data: { flags: 64 } });
    await h.idle();
    const original = h.fake.original(answer.token);
    expect(String(original?.body.content)).toContain('rows 1–1');
    expect(messageProblems(original!.body, { edit: true })).toEqual([]);
  });

  it('a form that comes after a defer arrives as an Open the form button, which opens the modal', async () => {
    const h = await discordHarness({ deferAfterMs: 0 });
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    const answer = await h.command('hold', { serials: String(created[0]) }, DUSERS.ko);
    expect(answer.json.type).toBe(5);
    await h.idle();
    const original = h.fake.original(answer.token)!;
    expect(String(original.body.content)).toContain('양식을 여세요');
    const opened = await h.click({ id: original.id, ...original.body }, '양식 열기', DUSERS.ko);
    expect(opened.json.type).toBe(9);
    expect((opened.json.data as Json).title).toBe('출고보류');
  });
});

describe('gateway mode', () => {
  it('answers interactions the gateway delivers through the callback endpoint, with the same handler', async () => {
    const h = await discordHarness();
    const f = await seedCatalog(h.desk);
    await addLines(h.desk, [line(f.channelId)]);
    const client = Object.assign(new EventEmitter(), {
      login: async (token: string) => {
        expect(token).toBe(BOT_TOKEN);
        return token;
      },
      destroy: async () => {},
    });
    const gateway = await startGateway(h.adapter, BOT_TOKEN, undefined, client);
    onTestFinished(() => gateway.stop());
    const interaction = {
      id: '990000000000000001',
      application_id: '900000000000000001',
      type: 2,
      token: 'gateway-token-1',
      version: 1,
      locale: 'en-US',
      channel_id: CHANNEL,
      member: { user: { id: DUSERS.en, username: 'en' } },
      data: { name: 'orders', type: 1, options: [{ type: 1, name: 'summary', options: [] }] },
    };
    client.emit('raw', { t: 'INTERACTION_CREATE', d: interaction });
    const callback = await h.fake.waitFor('POST /interactions/:id/:token/callback');
    expect(callback.params).toMatchObject({ id: interaction.id, token: interaction.token });
    expect(callback.body.type).toBe(4);
    expect(String((callback.body.data as Json).content)).toContain('Order desk');
  });
});

describe('the digest on Discord', () => {
  it('goes to DISCORD_DIGEST_CHANNEL with Match now, and nowhere when nothing waits', async () => {
    const h = await discordHarness({ digestChannel: '700000000000000005' });
    const f = await seedCatalog(h.desk);
    await h.adapter.poster.unmatchedDigest(await unmatchedDigest(h.desk));
    expect(h.fake.messagesIn('700000000000000005')).toEqual([]);
    await addLines(h.desk, [line(f.channelId, { mallProductCode: 'NEW-1', mallProductName: '텀블러' })]);
    await h.adapter.poster.unmatchedDigest(await unmatchedDigest(h.desk));
    const [digest] = h.fake.messagesIn('700000000000000005');
    expect(String(digest!.body.content)).toContain('비매칭 주문 알림 · 1건');
    expect(String(digest!.body.content)).toContain('• 텀블러 `NEW-1` / red 1건');
    expect(JSON.stringify(digest!.body.components)).toContain('지금 매칭');
  });
});
