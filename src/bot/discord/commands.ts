// Discord's `/orders` command, built from the one command catalogue (src/bot/core/commands.ts): one
// chat-input command whose subcommands are the desk summary, every catalogue command, and help.
// `discordSubcommandText` turns a chosen subcommand back into the text `runCommand` reads, so Discord
// goes through the same parser as Slack and the console.
import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  ApplicationCommandOptionType,
  type LocalizationMap,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type RESTPutAPIApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { type MessageKey, t } from '../../i18n/messages.js';
import { COMMANDS, type Command } from '../core/commands.js';

export const DISCORD_COMMAND_NAME = 'orders';
/** Discord's limits: options (subcommands) per command, lengths of names and descriptions. */
export const DISCORD_MAX_OPTIONS = 25;
export const DISCORD_MAX_NAME = 32;
export const DISCORD_MAX_DESCRIPTION = 100;
/** Discord's pattern for command, subcommand and option names (lowercase where the script has case). */
export const DISCORD_NAME_PATTERN = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** The subcommands that are not catalogue commands. */
export const SUMMARY_SUBCOMMAND = 'summary';
export const HELP_SUBCOMMAND = 'help';

/** Korean names of the subcommands, as Korean Discord clients show (and type) them. */
export const KOREAN_SUBCOMMAND_NAMES: Readonly<Record<string, string>> = {
  summary: '현황',
  list: '목록',
  show: '상세',
  add: '추가',
  hold: '보류',
  release: '보류해제',
  delete: '삭제',
  claim: '클레임',
  next: '다음단계',
  edit: '수정',
  msg: '메시지',
  cs: 'cs메모',
  role: '역할',
  approvals: '승인대기',
  history: '수집내역',
  approve: '승인',
  reject: '반려',
  collect: '주문수집',
  unmatched: '비매칭',
  match: '매칭',
  gift: '사은품',
  upload: '업로드',
  export: '다운로드',
  columns: '항목설정',
  help: '도움말',
};

/** The upload subcommand's options: the file itself, then what the import form would ask. */
export const UPLOAD_OPTIONS = {
  file: 'file',
  template: 'template',
  channel: 'channel',
  password: 'password',
} as const;

/** The help subcommand's one option. */
export const HELP_OPTION = 'command';

// `cmd.needSerials` says "give the serials, e.g. `{example}`": each command's own example.
const SERIAL_EXAMPLES: Readonly<Record<string, string>> = {
  show: '1001',
  edit: '1001',
  match: '1042',
  msg: '1001',
  cs: '1001',
  next: '1001-1010',
};
const DEFAULT_SERIAL_EXAMPLE = '1001,1002 1005-1010';

/** At most `max` UTF-16 units (what Discord counts), never splitting a character; `…` marks a cut. */
export function clip(text: string, max = DISCORD_MAX_DESCRIPTION): string {
  if (text.length <= max) return text;
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max - 1) break;
    out += char;
  }
  return `${out.trimEnd()}…`;
}

interface Texts {
  description: string;
  description_localizations: LocalizationMap;
}

function texts(key: MessageKey, params: Record<string, string> = {}): Texts {
  return {
    description: clip(t('en', key, params)),
    description_localizations: { ko: clip(t('ko', key, params)) },
  };
}

function koreanName(name: string): LocalizationMap {
  const ko = KOREAN_SUBCOMMAND_NAMES[name];
  if (!ko) throw new Error(`discord commands: no Korean name for the subcommand "${name}"`);
  return { ko };
}

function stringOption(name: string, required: boolean, text: Texts): APIApplicationCommandBasicOption {
  return { type: ApplicationCommandOptionType.String, name, required, ...text };
}

/** Required options first, as Discord demands; the catalogue's order otherwise. */
const requiredFirst = <T extends { required?: boolean }>(options: T[]): T[] => [
  ...options.filter((o) => o.required),
  ...options.filter((o) => !o.required),
];

function catalogueOptions(command: Command): APIApplicationCommandBasicOption[] {
  if (command.name === 'upload') {
    return [
      {
        type: ApplicationCommandOptionType.Attachment,
        name: UPLOAD_OPTIONS.file,
        required: true,
        ...texts('cmd.upload'),
      },
      stringOption(UPLOAD_OPTIONS.template, false, texts('field.template')),
      stringOption(UPLOAD_OPTIONS.channel, false, texts('field.channel')),
      stringOption(UPLOAD_OPTIONS.password, false, texts('field.password')),
    ];
  }
  const example = SERIAL_EXAMPLES[command.name] ?? DEFAULT_SERIAL_EXAMPLE;
  return requiredFirst(
    command.args.map((arg) =>
      stringOption(arg.name.toLowerCase(), arg.required, texts(arg.description, { example })),
    ),
  );
}

function subcommand(
  name: string,
  text: Texts,
  options: APIApplicationCommandBasicOption[],
): APIApplicationCommandSubcommandOption {
  return {
    type: ApplicationCommandOptionType.Subcommand,
    name,
    name_localizations: koreanName(name),
    ...text,
    ...(options.length ? { options } : {}),
  };
}

/**
 * The `/orders` command with its subcommands: what `npm run discord:register` PUTs to Discord. Throws
 * when the catalogue (plus summary and help) exceeds Discord's 25 subcommands.
 */
export function discordCommands(
  catalogue: readonly Command[] = COMMANDS,
): RESTPutAPIApplicationCommandsJSONBody {
  const count = catalogue.length + 2;
  if (count > DISCORD_MAX_OPTIONS) {
    throw new Error(
      `discord commands: /${DISCORD_COMMAND_NAME} has ${count} subcommands; Discord allows ${DISCORD_MAX_OPTIONS}`,
    );
  }
  const help: APIApplicationCommandBasicOption = {
    type: ApplicationCommandOptionType.String,
    name: HELP_OPTION,
    required: false,
    description: t('en', 'cmd.helpOption'),
    description_localizations: { ko: t('ko', 'cmd.helpOption') },
    // At most 23 catalogue commands fit (25 subcommands), so they fit Discord's 25 choices too.
    choices: catalogue.map((c) => ({ name: c.name, value: c.name })),
  };
  const subcommands = [
    subcommand(SUMMARY_SUBCOMMAND, texts('cmd.summary'), []),
    ...catalogue.map((c) => subcommand(c.name, texts(c.summary), catalogueOptions(c))),
    subcommand(HELP_SUBCOMMAND, texts('cmd.help'), [help]),
  ];
  const names = new Set(subcommands.map((s) => s.name));
  if (names.size !== subcommands.length) throw new Error('discord commands: duplicate subcommand names');
  const command: RESTPostAPIChatInputApplicationCommandsJSONBody = {
    name: DISCORD_COMMAND_NAME,
    ...texts('cmd.summary'),
    // A guild bot: /orders is not offered in DMs with the app.
    dm_permission: false,
    options: subcommands,
  };
  return [command];
}

/** The catalogue command a subcommand stands for, if any. */
export const catalogueCommand = (name: string): Command | undefined => COMMANDS.find((c) => c.name === name);

/**
 * The text `runCommand(ctx, text)` expects for a chosen subcommand and its option values (keyed by
 * option name): `summary` → '', `help` → 'help <command>', `upload` → 'upload' (the file comes as an
 * attachment, not as text), otherwise the name and the catalogue arguments' values in order.
 */
export function discordSubcommandText(name: string, options: Record<string, string>): string {
  const value = (key: string) => (options[key] ?? '').trim();
  if (name === SUMMARY_SUBCOMMAND) return '';
  if (name === HELP_SUBCOMMAND) return `help ${value(HELP_OPTION)}`.trim();
  if (name === 'upload') return 'upload';
  const command = catalogueCommand(name);
  if (!command) return name;
  const values = command.args.map((arg) => value(arg.name.toLowerCase())).filter(Boolean);
  return `${name} ${values.join(' ')}`.trim();
}
