// POST /discord/interactions: Ed25519 signatures checked against DISCORD_PUBLIC_KEY (401 otherwise, and
// nothing happens), PING answered, and the first response of a command in the user's language.
import { describe, expect, it } from 'vitest';
import { addLines, line, seedCatalog, stageOf } from '../support/desk.js';
import { contentOf, DUSERS, discordHarness } from '../support/discord.js';
import { messageProblems } from '../support/fake-discord.js';

describe('the Discord interactions endpoint', () => {
  it('answers PING with PONG when signed, and 401 when the signature is missing, forged or for another body', async () => {
    const h = await discordHarness();
    expect((await h.post(JSON.stringify({ type: 1, id: '1', token: 't' }))).json).toEqual({ type: 1 });
    const unsigned = await h.post(JSON.stringify({ type: 1 }), null);
    expect(unsigned.status).toBe(401);
    const forged = await h.post(JSON.stringify({ type: 1 }), {
      signature: 'ab'.repeat(64),
      timestamp: String(Math.floor(Date.now() / 1000)),
    });
    expect(forged.status).toBe(401);
    // A valid signature of one body does not carry over to another.
    const f = await seedCatalog(h.desk);
    const { created } = await addLines(h.desk, [line(f.channelId)]);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signedPing = h.sign(JSON.stringify({ type: 1 }), timestamp);
    const release = JSON.stringify({
      type: 2,
      token: 'x',
      member: { user: { id: DUSERS.admin, username: 'admin' } },
      data: {
        name: 'orders',
        options: [
          { type: 1, name: 'hold', options: [{ name: 'serials', type: 3, value: String(created[0]) }] },
        ],
      },
    });
    const tampered = await h.post(release, { signature: signedPing, timestamp });
    expect(tampered.status).toBe(401);
    const otherTime = await h.post(JSON.stringify({ type: 1 }), {
      signature: signedPing,
      timestamp: `${Number(timestamp) + 1}`,
    });
    expect(otherTime.status).toBe(401);
    expect((await stageOf(h.desk, created[0]!))?.stage).toBe('intake');
    expect(h.fake.calls).toEqual([]);
  });

  it('answers /orders summary in Korean or English from the interaction locale', async () => {
    const h = await discordHarness();
    const f = await seedCatalog(h.desk);
    await addLines(h.desk, [line(f.channelId), line(f.channelId, { mallProductCode: 'X-9' })]);
    const ko = await h.command('summary', {}, DUSERS.ko);
    expect(ko.json.type).toBe(4);
    expect((ko.json.data as { flags: number }).flags).toBe(64);
    expect(contentOf(ko)).toContain('### 주문 현황');
    expect(messageProblems(ko.json.data as Record<string, unknown>)).toEqual([]);
    const en = await h.command('summary', {}, DUSERS.en);
    expect(contentOf(en)).toContain('### Order desk');
  });
});
