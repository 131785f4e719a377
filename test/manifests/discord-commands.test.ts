// The committed Discord command registration is the one the catalogue generates, it is one Discord
// would take, and `npm run discord:register` PUTs it to the right route.
import { readFileSync } from 'node:fs';
import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  ApplicationCommandOptionType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/bot/core/commands.js';
import {
  DISCORD_NAME_PATTERN,
  discordCommands,
  discordSubcommandText,
  KOREAN_SUBCOMMAND_NAMES,
} from '../../src/bot/discord/commands.js';
import { registerCommands, registeredLine, registerOptionsFromEnv } from '../../src/bot/discord/register.js';
import { discordCommandsJson } from '../../src/bot/manifests/discord.js';
import {
  commandProblems,
  FAKE_DISCORD_APPLICATION_ID,
  FAKE_DISCORD_TOKEN,
  type FakeDiscord,
  startFakeDiscord,
} from '../support/fake-discord.js';

const committed = readFileSync(new URL('../../manifests/discord-commands.json', import.meta.url), 'utf8');

const [orders] = discordCommands() as RESTPostAPIChatInputApplicationCommandsJSONBody[];
const subcommands = (orders?.options ?? []) as APIApplicationCommandSubcommandOption[];
const optionsOf = (name: string) =>
  (subcommands.find((s) => s.name === name)?.options ?? []) as APIApplicationCommandBasicOption[];

describe('manifests/discord-commands.json', () => {
  it('is what `npm run manifests` generates from the command catalogue (regenerate with npm run manifests)', () => {
    expect(committed, 'regenerate with npm run manifests').toBe(discordCommandsJson());
  });

  it('is one /orders command: summary, every catalogue command in order, then help; at most 25', () => {
    const parsed = JSON.parse(committed) as RESTPostAPIChatInputApplicationCommandsJSONBody[];
    expect(parsed).toHaveLength(1);
    expect(parsed[0]!.name).toBe('orders');
    expect(parsed[0]!.dm_permission).toBe(false);
    expect(subcommands.length).toBeLessThanOrEqual(25);
    expect(subcommands.map((s) => s.name)).toEqual(['summary', ...COMMANDS.map((c) => c.name), 'help']);
    for (const s of subcommands) expect(s.type).toBe(ApplicationCommandOptionType.Subcommand);
    // Discord's 25 would be exceeded by one more catalogue command: the builder refuses it.
    const extra = [...COMMANDS, { ...COMMANDS[0]!, name: 'extra' }];
    expect(() => discordCommands(extra)).toThrow(/26 subcommands; Discord allows 25/);
    expect(() => discordCommands(COMMANDS)).not.toThrow();
    expect(discordCommands()).toEqual(parsed);
  });

  it('names every subcommand in Korean too, and every name fits Discord', () => {
    for (const s of subcommands) {
      expect(s.name_localizations?.ko, s.name).toBe(KOREAN_SUBCOMMAND_NAMES[s.name]);
    }
    expect(subcommands.find((s) => s.name === 'release')?.name_localizations?.ko).toBe('보류해제');
    for (const s of subcommands) {
      const all = [
        'orders',
        s.name,
        String(s.name_localizations?.ko),
        ...(s.options ?? []).map((o) => o.name),
      ];
      for (const name of all) {
        expect(name, name).toMatch(DISCORD_NAME_PATTERN);
        expect(name.length).toBeLessThanOrEqual(32);
        expect(name, `${name} is lowercase`).toBe(name.toLowerCase());
      }
    }
    const ko = new Set(subcommands.map((s) => s.name_localizations?.ko));
    expect(ko.size, 'Korean names are unique').toBe(subcommands.length);
  });

  it('describes everything in 1–100 characters, in English and Korean, with no unfilled {placeholder}', () => {
    const check = (text: unknown, where: string) => {
      expect(typeof text, where).toBe('string');
      const s = text as string;
      expect(s.length, where).toBeGreaterThanOrEqual(1);
      expect(s.length, where).toBeLessThanOrEqual(100);
      expect(s, where).not.toMatch(/\{\w+\}/);
    };
    const visit = (o: {
      name: string;
      description: string;
      description_localizations?: Record<string, string | null> | null;
      options?: unknown[];
    }) => {
      check(o.description, o.name);
      check(o.description_localizations?.ko, `${o.name} (ko)`);
      for (const child of (o.options ?? []) as (typeof o)[]) visit(child);
    };
    visit(orders as Parameters<typeof visit>[0]);
    expect(optionsOf('hold')[0]!.description).toBe('give the serials, e.g. `1001,1002 1005-1010`');
  });

  it('has one option per catalogue argument, required ones first; upload takes a file; help a command', () => {
    for (const c of COMMANDS.filter((c) => c.name !== 'upload')) {
      const options = optionsOf(c.name);
      expect(options.map((o) => o.name).sort()).toEqual(c.args.map((a) => a.name.toLowerCase()).sort());
      for (const o of options) {
        expect(o.type).toBe(ApplicationCommandOptionType.String);
        expect(o.required).toBe(c.args.find((a) => a.name.toLowerCase() === o.name)!.required);
      }
    }
    for (const s of subcommands) {
      const required = (s.options ?? []).map((o) => Boolean((o as { required?: boolean }).required));
      expect(required, s.name).toEqual([...required].sort((a, b) => Number(b) - Number(a)));
    }
    expect(optionsOf('reject').map((o) => [o.name, o.required])).toEqual([
      ['id', true],
      ['reason', true],
    ]);
    expect(optionsOf('next').map((o) => [o.name, o.required])).toEqual([['serials', false]]);
    expect(optionsOf('upload').map((o) => [o.name, o.type, o.required])).toEqual([
      ['file', ApplicationCommandOptionType.Attachment, true],
      ['template', ApplicationCommandOptionType.String, false],
      ['channel', ApplicationCommandOptionType.String, false],
      ['password', ApplicationCommandOptionType.String, false],
    ]);
    const [help] = optionsOf('help');
    expect(help).toMatchObject({
      name: 'command',
      type: ApplicationCommandOptionType.String,
      required: false,
    });
    expect(optionsOf('summary')).toEqual([]);
  });

  it('is a body the fake Discord (with its limits, 8000 characters included) accepts', () => {
    expect(commandProblems(discordCommands())).toEqual([]);
    expect(commandProblems([{ ...orders, name: 'Orders' }])).toEqual([expect.stringMatching(/bad name/)]);
  });
});

describe('discordSubcommandText', () => {
  it('turns a subcommand and its options back into the text runCommand reads', () => {
    expect(discordSubcommandText('summary', {})).toBe('');
    expect(discordSubcommandText('help', {})).toBe('help');
    expect(discordSubcommandText('help', { command: 'hold' })).toBe('help hold');
    expect(discordSubcommandText('list', {})).toBe('list');
    expect(discordSubcommandText('list', { filter: 'intake cs 홍길동' })).toBe('list intake cs 홍길동');
    expect(discordSubcommandText('hold', { serials: '1001,1002 1005-1010' })).toBe(
      'hold 1001,1002 1005-1010',
    );
    expect(discordSubcommandText('msg', { text: '내일 출고', serial: '1001' })).toBe('msg 1001 내일 출고');
    expect(discordSubcommandText('reject', { id: '12', reason: 'wrong address' })).toBe(
      'reject 12 wrong address',
    );
    expect(discordSubcommandText('role', { user: '<@100000000000000001>', role: 'approver' })).toBe(
      'role <@100000000000000001> approver',
    );
    expect(discordSubcommandText('upload', { template: 'naver', password: 'x' })).toBe('upload');
    expect(discordSubcommandText('approvals', {})).toBe('approvals');
  });
});

describe('registerCommands (npm run discord:register)', () => {
  let fake: FakeDiscord;
  beforeAll(async () => {
    fake = await startFakeDiscord();
  });
  afterAll(async () => {
    await fake.close();
  });

  const options = (extra: { guildId?: string; token?: string } = {}) => ({
    applicationId: FAKE_DISCORD_APPLICATION_ID,
    token: extra.token ?? FAKE_DISCORD_TOKEN,
    apiUrl: fake.apiUrl,
    ...(extra.guildId ? { guildId: extra.guildId } : {}),
  });

  it('PUTs /orders to the guild when a guild id is given (instant)', async () => {
    const after = fake.mark();
    const result = await registerCommands(options({ guildId: '800000000000000001' }));
    const call = await fake.waitFor('PUT /applications/:app/guilds/:guild/commands', { after });
    expect(call.params).toEqual({ app: FAKE_DISCORD_APPLICATION_ID, guild: '800000000000000001' });
    expect(call.auth).toBe(`Bot ${FAKE_DISCORD_TOKEN}`);
    expect(call.list).toEqual(discordCommands());
    expect(call.status).toBe(200);
    expect(result).toMatchObject({ scope: 'guild', guildId: '800000000000000001', subcommands: 25 });
    expect(result.commands[0]).toMatchObject({ name: 'orders', id: expect.stringMatching(/^\d+$/) });
    expect(fake.commands.get('800000000000000001')).toHaveLength(1);
    expect(registeredLine(result)).toBe('registered 25 subcommands of /orders to guild 800000000000000001');
  });

  it('PUTs globally without a guild id', async () => {
    const after = fake.mark();
    const result = await registerCommands(options());
    const call = await fake.waitFor('PUT /applications/:app/commands', { after });
    expect(call.params).toEqual({ app: FAKE_DISCORD_APPLICATION_ID });
    expect(fake.of('PUT /applications/:app/guilds/:guild/commands', after)).toEqual([]);
    expect(result.scope).toBe('global');
    expect(registeredLine(result)).toBe('registered 25 subcommands of /orders globally');
  });

  it('rejects with Discord’s 401 when the bot token is wrong', async () => {
    const after = fake.mark();
    await expect(registerCommands(options({ token: 'wrong-token' }))).rejects.toThrow(/401: Unauthorized/);
    const call = await fake.waitFor('PUT /applications/:app/commands', { after });
    expect(call.status).toBe(401);
    expect(call.auth).toBe('Bot wrong-token');
  });

  it('reads its settings from the environment, refusing a bad one in one line', () => {
    expect(
      registerOptionsFromEnv({
        DISCORD_APPLICATION_ID: FAKE_DISCORD_APPLICATION_ID,
        DISCORD_BOT_TOKEN: 't',
        DISCORD_GUILD_ID: '',
      }),
    ).toEqual({
      applicationId: FAKE_DISCORD_APPLICATION_ID,
      token: 't',
      guildId: undefined,
      apiUrl: undefined,
    });
    expect(() => registerOptionsFromEnv({ DISCORD_APPLICATION_ID: FAKE_DISCORD_APPLICATION_ID })).toThrow(
      'Configuration error: DISCORD_BOT_TOKEN is required',
    );
    expect(() =>
      registerOptionsFromEnv({ DISCORD_APPLICATION_ID: 'my-app', DISCORD_BOT_TOKEN: 't' }),
    ).toThrow(/^Configuration error: DISCORD_APPLICATION_ID must be a Discord application id/);
    expect(() =>
      registerOptionsFromEnv({
        DISCORD_APPLICATION_ID: FAKE_DISCORD_APPLICATION_ID,
        DISCORD_BOT_TOKEN: 't',
        DISCORD_API_URL: 'not a url',
      }),
    ).toThrow(/^Configuration error: DISCORD_API_URL /);
  });
});
