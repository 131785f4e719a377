// Every setting comes from the environment (a .env file is read if present), validated once at start.
import { validate as validCron } from 'node-cron';
import { z } from 'zod';
import { APPROVABLE_ACTIONS, ROLES } from './domain/types.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
/** A cron expression (5 fields, or 6 with seconds), or `off`: null. */
const cron = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      const text = v.trim();
      if (text === 'off' || text === '') return null;
      if (!validCron(text))
        ctx.addIssue({ code: 'custom', message: 'must be a cron expression like `0 9 * * 1-5`, or off' });
      return text;
    });

export const configSchema = z.object({
  DATABASE_URL: optional(z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')),
  DATA_DIR: z.string().min(1).default('./data'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  API_TOKEN: optional(z.string().min(16, 'must be at least 16 characters')),
  SEED_DEMO: optional(bool).transform((v) => v ?? true),
  ADMIN_USERS: optional(list).transform((v) => v ?? []),
  DEFAULT_ROLE: z.enum(ROLES).default('operator'),
  APPROVAL_REQUIRED: z
    .string()
    .default('delete,export,batch_next')
    .transform((v, ctx) => {
      const items = v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      for (const item of items) {
        if (!(APPROVABLE_ACTIONS as readonly string[]).includes(item)) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown action "${item}" (known: ${APPROVABLE_ACTIONS.join(', ')})`,
          });
        }
      }
      return items as (typeof APPROVABLE_ACTIONS)[number][];
    }),
  APPROVAL_TTL_HOURS: z.coerce.number().positive().default(24),
  DEFAULT_LOCALE: z.enum(['ko', 'en']).default('ko'),
  TZ: z.string().default('Asia/Seoul'),
  ORDERMATE_SECRET_KEY: optional(
    z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes), e.g. `openssl rand -hex 32`'),
  ),
  SLACK_BOT_TOKEN: optional(z.string().regex(/^xoxb-/, 'must be a bot token (xoxb-…)')),
  SLACK_SIGNING_SECRET: optional(z.string().min(8)),
  SLACK_APP_TOKEN: optional(z.string().regex(/^xapp-/, 'must be an app-level token (xapp-…)')),
  SLACK_API_URL: optional(z.url()),
  SLACK_APPROVALS_CHANNEL: optional(z.string().min(1)),
  SLACK_COLLECTION_CHANNEL: optional(z.string().min(1)),
  SLACK_DIGEST_CHANNEL: optional(z.string().min(1)),
  /** Known bot ids spare Bolt the auth.test call (offline set-ups, tests). */
  SLACK_BOT_ID: optional(z.string().min(1)),
  SLACK_BOT_USER_ID: optional(z.string().min(1)),
  DISCORD_APPLICATION_ID: optional(z.string().regex(/^\d{5,25}$/, 'must be the numeric application id')),
  DISCORD_PUBLIC_KEY: optional(z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters')),
  DISCORD_BOT_TOKEN: optional(z.string().min(20)),
  DISCORD_API_URL: optional(z.url()),
  DISCORD_GUILD_ID: optional(z.string().regex(/^\d{5,25}$/, 'must be a numeric guild id')),
  /** http: Discord posts interactions to POST /discord/interactions; gateway: discord.js connects out. */
  DISCORD_MODE: z.enum(['http', 'gateway']).default('http'),
  DISCORD_APPROVALS_CHANNEL: optional(z.string().regex(/^\d{5,25}$/, 'must be a numeric channel id')),
  DISCORD_COLLECTION_CHANNEL: optional(z.string().regex(/^\d{5,25}$/, 'must be a numeric channel id')),
  DISCORD_DIGEST_CHANNEL: optional(z.string().regex(/^\d{5,25}$/, 'must be a numeric channel id')),
  UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(50 * 1024 * 1024),
  UPLOAD_MAX_ROWS: z.coerce.number().int().min(1).default(200_000),
  /** How long an import preview waits for Register: seconds, or 30m / 1h / 2h30m. */
  IMPORT_PREVIEW_TTL: z
    .string()
    .default('1h')
    .transform((v, ctx) => {
      const ms = durationMs(v);
      if (ms === null)
        ctx.addIssue({ code: 'custom', message: 'must be seconds or a duration like 30m, 1h, 2h30m' });
      return ms ?? 0;
    }),
  /** The unmatched digest (R1), weekdays 09:00 in TZ by default. */
  DIGEST_CRON: cron('0 9 * * 1-5'),
  /** Scheduled collection: off unless set. */
  COLLECT_CRON: cron('off'),
  /** Accounts the scheduled collection takes (ids); empty: every collectable account. */
  COLLECT_ACCOUNTS: optional(list).transform((v, ctx) => {
    const ids = (v ?? []).map(Number);
    if (ids.some((n) => !Number.isInteger(n) || n < 1))
      ctx.addIssue({ code: 'custom', message: 'must be account ids separated by commas, e.g. 1,2,5' });
    return ids;
  }),
  /** Korean days the scheduled collection covers, ending today (2: yesterday and today). */
  COLLECT_DAYS: z.coerce.number().int().min(1).max(30).default(2),
  /** Expiry of approval requests and import previews. */
  EXPIRY_CRON: cron('*/5 * * * *'),
  /** auto: the console opens when no chat platform is configured and stdin is a terminal. */
  CONSOLE: z.enum(['auto', 'on', 'off']).default('auto'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof configSchema>;

/** `90` (seconds), `30m`, `1h`, `2h30m`, `45s` → milliseconds; null when unreadable. */
export function durationMs(text: string): number | null {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(trimmed);
  if (!m || !trimmed) return null;
  return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
}

/** Slack is on when it has a bot token and either a signing secret (HTTP) or an app token (Socket Mode). */
export const slackEnabled = (c: Config) =>
  Boolean(c.SLACK_BOT_TOKEN && (c.SLACK_SIGNING_SECRET || c.SLACK_APP_TOKEN));

/** Discord is on with an application id and, over HTTP, its public key; through the gateway, a bot token. */
export const discordEnabled = (c: Config) =>
  Boolean(
    c.DISCORD_APPLICATION_ID && (c.DISCORD_MODE === 'gateway' ? c.DISCORD_BOT_TOKEN : c.DISCORD_PUBLIC_KEY),
  );

export class ConfigError extends Error {}

/** Parses the environment; a bad value becomes one line naming the variable and what is wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (parsed.success) {
    const c = parsed.data;
    if (c.DISCORD_MODE === 'gateway' && c.DISCORD_APPLICATION_ID && !c.DISCORD_BOT_TOKEN) {
      throw new ConfigError('Configuration error: DISCORD_BOT_TOKEN is needed with DISCORD_MODE=gateway');
    }
    if (c.SLACK_BOT_TOKEN && !c.SLACK_SIGNING_SECRET && !c.SLACK_APP_TOKEN) {
      throw new ConfigError(
        'Configuration error: SLACK_SIGNING_SECRET is needed with SLACK_BOT_TOKEN (or SLACK_APP_TOKEN for Socket Mode)',
      );
    }
    return c;
  }
  const issue = parsed.error.issues[0]!;
  const name = String(issue.path[0] ?? 'environment');
  throw new ConfigError(
    `Configuration error: ${name} ${issue.message} (got ${JSON.stringify(env[name] ?? '')})`,
  );
}
