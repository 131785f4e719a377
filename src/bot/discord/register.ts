// `npm run discord:register`: registers `/orders` (built from the command catalogue) with Discord —
// in one guild when DISCORD_GUILD_ID is set (instant), otherwise globally (Discord limits global
// registrations to 200 new commands a day). A bulk overwrite: running it again replaces the commands.
import { pathToFileURL } from 'node:url';
import { REST } from '@discordjs/rest';
import {
  ApplicationCommandOptionType,
  type RESTPutAPIApplicationCommandsResult,
  Routes,
} from 'discord-api-types/v10';
import { z } from 'zod';
import { DISCORD_COMMAND_NAME, discordCommands } from './commands.js';

export const DISCORD_API_URL = 'https://discord.com/api';

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
const snowflake = (what: string) => z.string().regex(/^\d{17,20}$/, `must be a Discord ${what} id (digits)`);

export const registerEnvSchema = z.object({
  DISCORD_APPLICATION_ID: snowflake('application'),
  DISCORD_BOT_TOKEN: z.string().min(1),
  DISCORD_GUILD_ID: optional(snowflake('guild')),
  DISCORD_API_URL: optional(z.url()),
});

export interface RegisterOptions {
  applicationId: string;
  token: string;
  /** Registers in this guild; globally without it. */
  guildId?: string;
  /** Discord's API base without the version (default https://discord.com/api). */
  apiUrl?: string;
}

export interface RegisterResult {
  scope: 'guild' | 'global';
  guildId?: string;
  /** Subcommands of /orders as Discord registered them. */
  subcommands: number;
  commands: RESTPutAPIApplicationCommandsResult;
}

/** Reads the environment; a bad value becomes one line naming the variable and what is wrong. */
export function registerOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): RegisterOptions {
  const parsed = registerEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    const why = env[name] === undefined || env[name] === '' ? 'is required' : issue.message;
    throw new Error(`Configuration error: ${name} ${why}`);
  }
  const e = parsed.data;
  return {
    applicationId: e.DISCORD_APPLICATION_ID,
    token: e.DISCORD_BOT_TOKEN,
    guildId: e.DISCORD_GUILD_ID,
    apiUrl: e.DISCORD_API_URL,
  };
}

/** PUTs discordCommands() (a bulk overwrite) to the guild, or globally. Rejects with Discord's error. */
export async function registerCommands(options: RegisterOptions): Promise<RegisterResult> {
  const rest = new REST({ version: '10', api: (options.apiUrl ?? DISCORD_API_URL).replace(/\/+$/, '') });
  rest.setToken(options.token);
  const route = options.guildId
    ? Routes.applicationGuildCommands(options.applicationId, options.guildId)
    : Routes.applicationCommands(options.applicationId);
  try {
    const commands = (await rest.put(route, {
      body: discordCommands(),
    })) as RESTPutAPIApplicationCommandsResult;
    const orders = commands.find((c) => c.name === DISCORD_COMMAND_NAME);
    const subcommands = (orders?.options ?? []).filter(
      (o) => o.type === ApplicationCommandOptionType.Subcommand,
    ).length;
    return {
      scope: options.guildId ? 'guild' : 'global',
      ...(options.guildId ? { guildId: options.guildId } : {}),
      subcommands,
      commands,
    };
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}

/** The one line the script prints. */
export const registeredLine = (result: RegisterResult): string =>
  `registered ${result.subcommands} subcommands of /${DISCORD_COMMAND_NAME} ${
    result.scope === 'guild' ? `to guild ${result.guildId}` : 'globally'
  }`;

async function main(): Promise<void> {
  await import('dotenv/config');
  let options: RegisterOptions;
  try {
    options = registerOptionsFromEnv();
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
  try {
    console.log(registeredLine(await registerCommands(options)));
  } catch (e) {
    console.error(`Discord registration failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
