// Every setting comes from the environment (a .env file is read if present), validated once at start.
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
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses the environment; a bad value becomes one line naming the variable and what is wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const name = String(issue.path[0] ?? 'environment');
  throw new ConfigError(
    `Configuration error: ${name} ${issue.message} (got ${JSON.stringify(env[name] ?? '')})`,
  );
}
