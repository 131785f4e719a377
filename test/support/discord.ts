// The Discord endpoint as production builds it (createDiscordAdapter → buildServer with its plugin), over
// the worker's test database and a fake Discord REST API, driven with interactions signed by an Ed25519
// key pair made here. The first response is the HTTP answer; deferred work goes through the fake.
import { sign as edSign, generateKeyPairSync } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, onTestFinished } from 'vitest';
import {
  createDiscordAdapter,
  DISCORD_INTERACTIONS_PATH,
  type DiscordAdapter,
} from '../../src/bot/discord/adapter.js';
import type { CollectionRunner } from '../../src/collect/runner.js';
import type { Desk, DeskPolicy } from '../../src/domain/context.js';
import { setRole } from '../../src/domain/services/actors.js';
import type { Role } from '../../src/domain/types.js';
import { buildServer } from '../../src/http/server.js';
import type { Locale } from '../../src/i18n/catalog.js';
import { chatRefs } from '../../src/storage/repositories/chat.js';
import { type TestDatabase, testDatabase } from './db.js';
import { actor, freshDesk } from './desk.js';
import { type FakeDiscord, startFakeDiscord } from './fake-discord.js';

export const APP_ID = '900000000000000001';
export const BOT_TOKEN = 'test-discord-bot-token-0123456789';
export const GUILD = '800000000000000001';
export const CHANNEL = '700000000000000001';
export const APPROVALS = '700000000000000002';

/** Discord user ids the tests act as, and the client language each sends. */
export const DUSERS = {
  ko: '100000000000000001',
  en: '100000000000000002',
  admin: '100000000000000003',
  operator: '100000000000000004',
  approver: '100000000000000005',
  viewer: '100000000000000006',
} as const;
const LOCALE_OF: Record<string, string> = {
  [DUSERS.ko]: 'ko',
  [DUSERS.en]: 'en-US',
  [DUSERS.admin]: 'ko',
  [DUSERS.operator]: 'ko',
  [DUSERS.approver]: 'ko',
  [DUSERS.viewer]: 'ko',
};
export const didentity = (user: string) => `discord:${user}`;

type Json = Record<string, unknown>;

export interface Answer {
  status: number;
  json: Json;
  /** The interaction's token (deferred replies and follow-ups go to the fake under it). */
  token: string;
}

export interface DiscordHarness {
  app: FastifyInstance;
  adapter: DiscordAdapter;
  desk: Desk;
  database: TestDatabase;
  fake: FakeDiscord;
  publicKeyHex: string;
  /** The Ed25519 signature Discord would send for this body and timestamp. */
  sign(body: string, timestamp: string): string;
  /** Posts a raw body with the given (or a correct) signature. */
  post(body: string, signature?: { signature: string; timestamp: string } | null): Promise<Answer>;
  /** `/orders <sub> option:value …` as `user`. */
  command(sub: string, options?: Record<string, string>, user?: string, extra?: Json): Promise<Answer>;
  /** Presses a button (by label) of a message the bot answered with. */
  click(message: Json, label: string | RegExp, user?: string): Promise<Answer>;
  /** Ticks orders (by serial) in a list message's select. */
  tick(message: Json, serials: number[], user?: string): Promise<Answer>;
  /** Submits a modal the bot opened with these values (custom_id → text, or option values). */
  submit(modal: Json, values: Record<string, string | string[]>, user?: string): Promise<Answer>;
  grant(user: string, role: Role): Promise<void>;
  idle(): Promise<void>;
}

// Opening the database takes seconds (PGlite): in a hook, under the hook timeout.
beforeAll(async () => {
  await testDatabase();
});

export interface DiscordHarnessOptions {
  policy?: Partial<DeskPolicy>;
  approvalsChannel?: string;
  collectionChannel?: string;
  digestChannel?: string;
  defaultLocale?: Locale;
  now?: () => Date;
  collector?: (desk: Desk) => CollectionRunner;
  deferAfterMs?: number;
}

let counter = 0;
const snowflake = () => String(600000000000000000n + BigInt(++counter));

export async function discordHarness(options: DiscordHarnessOptions = {}): Promise<DiscordHarness> {
  const { database, desk } = await freshDesk(
    { adminUsers: [didentity(DUSERS.admin)], ...options.policy },
    options.now,
  );
  const fake = await startFakeDiscord({ botToken: BOT_TOKEN, applicationId: APP_ID });
  onTestFinished(() => fake.close());
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicKeyHex = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  const errors: string[] = [];
  const adapter = createDiscordAdapter(
    desk,
    chatRefs(database.db),
    {
      publicKey: publicKeyHex,
      applicationId: APP_ID,
      botToken: BOT_TOKEN,
      apiUrl: `${fake.url}/api`,
      approvalsChannel: options.approvalsChannel,
      collectionChannel: options.collectionChannel,
      digestChannel: options.digestChannel,
      defaultLocale: options.defaultLocale ?? 'ko',
      collector: options.collector?.(desk),
      deferAfterMs: options.deferAfterMs,
      progressGapMs: 0,
    },
    { warn: () => {}, error: (m) => errors.push(m) },
  );
  const app = await buildServer({
    desk,
    db: database.db,
    apiToken: null,
    defaultLocale: options.defaultLocale ?? 'ko',
    logLevel: 'silent',
    chatPlugins: [adapter.plugin],
  });
  onTestFinished(async () => {
    await adapter.idle();
    await app.close();
    expect(errors, 'errors the Discord adapter logged').toEqual([]);
  });

  async function post(body: string, signature?: { signature: string; timestamp: string } | null) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const signed =
      signature === undefined
        ? {
            signature: edSign(null, Buffer.from(timestamp + body), privateKey).toString('hex'),
            timestamp,
          }
        : signature;
    if (signed) {
      headers['x-signature-ed25519'] = signed.signature;
      headers['x-signature-timestamp'] = signed.timestamp;
    }
    const res = await app.inject({ method: 'POST', url: DISCORD_INTERACTIONS_PATH, headers, payload: body });
    const token = (() => {
      try {
        return String((JSON.parse(body) as Json).token ?? '');
      } catch {
        return '';
      }
    })();
    return { status: res.statusCode, json: res.body ? (JSON.parse(res.body) as Json) : {}, token };
  }

  const base = (type: number, user: string, data: Json, extra: Json = {}): Json => ({
    id: snowflake(),
    application_id: APP_ID,
    type,
    token: `itoken-${snowflake()}`,
    version: 1,
    locale: LOCALE_OF[user] ?? 'ko',
    guild_id: GUILD,
    channel_id: CHANNEL,
    channel: { id: CHANNEL, type: 0 },
    member: { user: { id: user, username: `u${user.slice(-2)}`, global_name: null }, roles: [] },
    data,
    ...extra,
  });

  const send = (interaction: Json) => post(JSON.stringify(interaction));

  /** The message a response carried, with the id Discord gave it (the same for every later click). */
  const messageOf = (message: Json): Json => {
    message.id ??= snowflake();
    return message;
  };

  function components(message: Json): Json[] {
    const out: Json[] = [];
    for (const row of (message.components as Json[] | undefined) ?? [])
      for (const c of (row.components as Json[] | undefined) ?? []) out.push(c);
    return out;
  }

  const harness: DiscordHarness = {
    app,
    adapter,
    desk,
    database,
    fake,
    publicKeyHex,
    sign: (body, timestamp) => edSign(null, Buffer.from(timestamp + body), privateKey).toString('hex'),
    post,
    command(sub, values = {}, user = DUSERS.operator, extra = {}) {
      const options = Object.entries(values).map(([name, value]) => ({
        name,
        type: name === 'file' ? 11 : 3,
        value,
      }));
      return send(
        base(2, user, {
          id: snowflake(),
          name: 'orders',
          type: 1,
          options: [{ type: 1, name: sub, options }],
          ...extra,
        }),
      );
    },
    click(message, label, user = DUSERS.operator) {
      const m = messageOf(message);
      const button = components(m).find(
        (c) => c.type === 2 && (typeof label === 'string' ? c.label === label : label.test(String(c.label))),
      );
      if (!button) throw new Error(`no button ${String(label)} in ${JSON.stringify(m.components)}`);
      return send(
        base(3, user, { custom_id: button.custom_id, component_type: 2 }, { message: { ...m, flags: 64 } }),
      );
    },
    tick(message, serials, user = DUSERS.operator) {
      const m = messageOf(message);
      const select = components(m).find((c) => c.type === 3);
      if (!select) throw new Error('no select');
      const values = (select.options as Json[])
        .map((o) => String(o.value))
        .filter((v) => serials.includes((JSON.parse(v) as { s: number }).s));
      return send(
        base(
          3,
          user,
          { custom_id: select.custom_id, component_type: 3, values },
          { message: { ...m, flags: 64 } },
        ),
      );
    },
    submit(modal, values, user = DUSERS.operator) {
      const data = modal as { custom_id: string; components: Json[] };
      const fields = new Set<string>();
      const walk = (node: unknown) => {
        if (Array.isArray(node)) return node.forEach(walk);
        if (!node || typeof node !== 'object') return;
        const n = node as Json;
        if (typeof n.custom_id === 'string') fields.add(n.custom_id);
        for (const v of Object.values(n)) if (typeof v === 'object') walk(v);
      };
      walk(data.components);
      for (const key of Object.keys(values))
        if (!fields.has(key))
          throw new Error(`the modal has no field ${key} (it has ${[...fields].join(', ')})`);
      // What Discord sends back: each Label with its input's value (typed, or the initial one) or choices.
      const submitted = (data.components ?? [])
        .filter((c) => c.type === 18)
        .map((label) => {
          const input = label.component as Json;
          const id = String(input.custom_id);
          if (input.type === 3) {
            const given = values[id];
            const chosen =
              given === undefined
                ? ((input.options as Json[]) ?? []).filter((o) => o.default).map((o) => String(o.value))
                : Array.isArray(given)
                  ? given
                  : [given];
            return { type: 18, component: { type: 3, custom_id: id, values: chosen } };
          }
          const given = values[id];
          return {
            type: 18,
            component: { type: 4, custom_id: id, value: given === undefined ? (input.value ?? '') : given },
          };
        });
      return send(base(5, user, { custom_id: data.custom_id, components: submitted }));
    },
    async grant(user, role) {
      await setRole(desk, actor('admin', didentity(DUSERS.admin)), didentity(user), role);
    },
    idle: () => adapter.idle(),
  };
  return harness;
}

/** The visible text of a message answer (content), for assertions. */
export const contentOf = (answer: Answer | Json): string => {
  const json = 'json' in answer ? (answer.json as Json) : answer;
  const data = (json.data as Json | undefined) ?? json;
  return String(data.content ?? '');
};

/** The message data of a CHANNEL_MESSAGE_WITH_SOURCE / UPDATE_MESSAGE answer. */
export const dataOf = (answer: Answer): Json => (answer.json.data as Json) ?? {};
