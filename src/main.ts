// The composition root: config → storage → domain → adapters → start.
import 'dotenv/config';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { CONSOLE_IDENTITY, runConsole } from './bot/console/console.js';
import type { Notifier } from './bot/core/context.js';
import {
  createDiscordAdapter,
  DISCORD_INTERACTIONS_PATH,
  type DiscordAdapter,
} from './bot/discord/adapter.js';
import { startGateway } from './bot/discord/gateway.js';
import { createSlackAdapter, type SlackAdapter } from './bot/slack/app.js';
import { SLACK_EVENTS_PATH } from './bot/slack/receiver.js';
import { CollectionRunner } from './collect/runner.js';
import { type Config, ConfigError, discordEnabled, loadConfig, slackEnabled } from './config.js';
import { defaultConnectors } from './connectors/registry.js';
import type { Desk } from './domain/context.js';
import { markInterruptedRuns, RUN_STALE_AFTER_MS } from './domain/services/collection.js';
import { buildServer } from './http/server.js';
import { collectJob, digestJob, expiryJob } from './schedules/jobs.js';
import { type Schedules, startSchedules } from './schedules/scheduler.js';
import { hasAnyChannel, seedDemo } from './seed/demo.js';
import { type Database, openPglite, openPostgres } from './storage/db.js';
import { deskStore } from './storage/desk-store.js';
import { chatRefs } from './storage/repositories/chat.js';
import { scheduleSlots } from './storage/repositories/schedule-slots.js';
import { secretBox } from './storage/secret-box.js';

/** A secret kept in DATA_DIR for the embedded default: made once, then read back. */
function keptSecret(dataDir: string, file: string, make: () => string): string {
  const path = join(dataDir, file);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const value = make();
  writeFileSync(path, `${value}\n`, { mode: 0o600 });
  return value;
}

export interface Started {
  config: Config;
  database: Database;
  desk: Desk;
  url: string;
  apiToken: string | null;
  collector: CollectionRunner;
  schedules: Schedules;
  /** The chat platforms' notifiers, for the console to reach their approvers. */
  notifiers: Notifier[];
  stop(): Promise<void>;
}

export async function start(config: Config): Promise<Started> {
  const embedded = !config.DATABASE_URL;
  const dataDir = resolve(config.DATA_DIR);
  if (embedded) mkdirSync(dataDir, { recursive: true });
  const database = embedded
    ? await openPglite(join(dataDir, 'pglite'))
    : await openPostgres(config.DATABASE_URL!);

  const apiToken =
    config.API_TOKEN ??
    (embedded ? keptSecret(dataDir, 'api-token', () => randomBytes(24).toString('base64url')) : null);
  const secretKey =
    config.ORDERMATE_SECRET_KEY ??
    (embedded ? keptSecret(dataDir, 'secret-key', () => randomBytes(32).toString('hex')) : null);

  const desk: Desk = {
    store: deskStore(database.db),
    policy: {
      approvalRequired: config.APPROVAL_REQUIRED,
      approvalTtlHours: config.APPROVAL_TTL_HOURS,
      // On the embedded database the person at the terminal owns the desk.
      adminUsers: embedded ? [...config.ADMIN_USERS, CONSOLE_IDENTITY] : config.ADMIN_USERS,
      defaultRole: config.DEFAULT_ROLE,
    },
    now: () => new Date(),
    secrets: secretKey ? secretBox(secretKey) : null,
  };

  // Another instance may be collecting on a shared Postgres: only runs nobody touches are dead.
  await markInterruptedRuns(desk, embedded ? 0 : RUN_STALE_AFTER_MS);
  let seeded: number | null = null;
  if (embedded && config.SEED_DEMO && !(await hasAnyChannel(desk))) seeded = (await seedDemo(desk)).orders;

  const uploadLimits = {
    maxBytes: config.UPLOAD_MAX_BYTES,
    maxRows: config.UPLOAD_MAX_ROWS,
    timeoutMs: 120_000,
    previewTtlMs: config.IMPORT_PREVIEW_TTL,
  };
  const collector = new CollectionRunner(desk, defaultConnectors());
  const slack: SlackAdapter | null = slackEnabled(config)
    ? createSlackAdapter(desk, chatRefs(database.db), {
        botToken: config.SLACK_BOT_TOKEN!,
        signingSecret: config.SLACK_SIGNING_SECRET ?? '',
        appToken: config.SLACK_APP_TOKEN,
        apiUrl: config.SLACK_API_URL,
        approvalsChannel: config.SLACK_APPROVALS_CHANNEL,
        defaultLocale: config.DEFAULT_LOCALE,
        botId: config.SLACK_BOT_ID,
        botUserId: config.SLACK_BOT_USER_ID,
        uploadLimits,
        collector,
        collectionChannel: config.SLACK_COLLECTION_CHANNEL,
        digestChannel: config.SLACK_DIGEST_CHANNEL,
        peers: () => (discord ? [discord.notifier] : []),
      })
    : null;
  const warn = (what: string, e: unknown) => console.warn(`${what}: ${(e as Error).message}`);
  const discord: DiscordAdapter | null = discordEnabled(config)
    ? createDiscordAdapter(
        desk,
        chatRefs(database.db),
        {
          publicKey: config.DISCORD_PUBLIC_KEY,
          applicationId: config.DISCORD_APPLICATION_ID!,
          botToken: config.DISCORD_BOT_TOKEN,
          apiUrl: config.DISCORD_API_URL,
          approvalsChannel: config.DISCORD_APPROVALS_CHANNEL,
          collectionChannel: config.DISCORD_COLLECTION_CHANNEL,
          digestChannel: config.DISCORD_DIGEST_CHANNEL,
          defaultLocale: config.DEFAULT_LOCALE,
          collector,
          uploadLimits,
          peers: () => (slack ? [slack.notifier] : []),
        },
        { warn: (m) => console.warn(m), error: (m) => console.error(m) },
      )
    : null;

  const posters = [slack?.poster, discord?.poster].filter((p) => p !== undefined);
  const notifiers = [slack?.notifier, discord?.notifier].filter((n) => n !== undefined);
  const schedules = startSchedules(
    [
      ...(config.DIGEST_CRON ? [digestJob(desk, posters, config.DIGEST_CRON, warn)] : []),
      ...(config.EXPIRY_CRON ? [expiryJob(desk, notifiers, config.EXPIRY_CRON, warn)] : []),
      ...(config.COLLECT_CRON
        ? [
            collectJob(desk, collector, {
              cron: config.COLLECT_CRON,
              accountIds: config.COLLECT_ACCOUNTS,
              days: config.COLLECT_DAYS,
            }),
          ]
        : []),
    ],
    {
      timezone: config.TZ,
      coordinator: scheduleSlots(database.db, `${hostname()}:${process.pid}`),
      onError: (job, e) => warn(`scheduled job ${job} failed`, e),
    },
  );
  const app = await buildServer({
    desk,
    db: database.db,
    collector,
    apiToken,
    defaultLocale: config.DEFAULT_LOCALE,
    logLevel: config.LOG_LEVEL,
    chatPlugins: [
      ...(slack?.receiver ? [slack.receiver.plugin] : []),
      ...(discord && config.DISCORD_MODE === 'http' ? [discord.plugin] : []),
    ],
    uploadLimits,
  });
  await app.listen({ host: config.HOST, port: config.PORT });
  await slack?.start();
  const gateway =
    discord && config.DISCORD_MODE === 'gateway'
      ? await startGateway(discord, config.DISCORD_BOT_TOKEN!, {
          warn: (m) => console.warn(m),
          error: (m) => console.error(m),
        })
      : null;
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;

  printBanner({
    config,
    embedded,
    dataDir,
    url,
    apiToken,
    tokenGenerated: !config.API_TOKEN && embedded,
    seeded,
    slack,
    discord: discord ? config.DISCORD_MODE : null,
  });

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      await schedules.stop();
      await slack?.stop();
      await gateway?.stop();
      await discord?.idle();
      await app.close();
      // Runs in progress store their current page before the database closes (they show interrupted
      // after the next start if they cannot finish in time).
      await Promise.race([collector.idle(), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
      await database.close();
    })();
    return stopping;
  };
  return { config, database, desk, url, apiToken, collector, schedules, notifiers, stop };
}

function printBanner(b: {
  config: Config;
  embedded: boolean;
  dataDir: string;
  url: string;
  apiToken: string | null;
  tokenGenerated: boolean;
  seeded: number | null;
  slack: SlackAdapter | null;
  discord: 'http' | 'gateway' | null;
}) {
  const on = (flag: boolean) => (flag ? 'on ' : 'off');
  const lines = [
    '',
    'OrderMate is running',
    `  database  ${b.embedded ? `embedded PGlite in ${b.dataDir}` : 'Postgres (DATABASE_URL)'}`,
    `  http      ${b.url}   (health: ${b.url}/healthz)`,
    `  api       ${on(Boolean(b.apiToken))} ${
      b.apiToken
        ? `${b.url}/api/v1  token: ${b.tokenGenerated ? `${b.apiToken}  (generated, kept in ${join(b.dataDir, 'api-token')})` : 'from API_TOKEN'}`
        : '— set API_TOKEN to turn the REST API on'
    }`,
    `  openapi   ${b.url}/api/openapi.json`,
    `  slack     ${
      b.slack
        ? b.slack.receiver
          ? `on  ${b.url}${SLACK_EVENTS_PATH} (commands, interactivity and options URL)`
          : 'on  Socket Mode (SLACK_APP_TOKEN)'
        : 'off — set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)'
    }`,
    `  discord   ${
      b.discord === 'http'
        ? `on  ${b.url}${DISCORD_INTERACTIONS_PATH} (Interactions Endpoint URL)`
        : b.discord === 'gateway'
          ? 'on  gateway (DISCORD_MODE=gateway)'
          : 'off — set DISCORD_APPLICATION_ID and DISCORD_PUBLIC_KEY (and DISCORD_BOT_TOKEN for channel posts)'
    }`,
    `  approvals ${b.config.APPROVAL_REQUIRED.join(', ') || 'none'} need an approver`,
  ];
  if (b.seeded !== null)
    lines.push(
      `  demo      seeded a demo workspace (${b.seeded} orders, labelled "demo"); SEED_DEMO=false skips it`,
    );
  if (b.apiToken) {
    lines.push(
      '',
      `  try: curl -H "Authorization: Bearer ${b.tokenGenerated ? b.apiToken : '$API_TOKEN'}" ${b.url}/api/v1/orders`,
    );
  }
  console.log(`${lines.join('\n')}\n`);
}

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const started = await start(config);
  const wantConsole =
    config.CONSOLE === 'on' ||
    (config.CONSOLE === 'auto' && !slackEnabled(config) && !discordEnabled(config) && process.stdin.isTTY);
  if (wantConsole) {
    void runConsole({
      desk: started.desk,
      locale: config.DEFAULT_LOCALE,
      input: process.stdin,
      output: process.stdout,
      collector: started.collector,
      notifiers: started.notifiers,
    }).then(() => started.stop().then(() => process.exit(0)));
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.log(`\n${signal}: closing HTTP and the database…`);
      started.stop().then(
        () => process.exit(0),
        (e) => {
          console.error(e);
          process.exit(1);
        },
      );
    });
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('src/main.ts')) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
