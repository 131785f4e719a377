// The Slack endpoint as production builds it (createSlackAdapter → buildServer with the receiver's
// plugin), over the worker's test database and a fake Slack Web API, driven with signed requests.
//
// Bolt acknowledges first and does the work after, so a test sends a request, then waits: for a call
// the fake saw (`fake.waitFor('views.open')`) or for every event in flight to finish (`idle()`).
import { createHmac } from 'node:crypto';
import type { Logger } from '@slack/bolt';
import { LogLevel } from '@slack/bolt';
import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, onTestFinished } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../src/bot/slack/app.js';
import type { CollectionRunner } from '../../src/collect/runner.js';
import type { Desk, DeskPolicy } from '../../src/domain/context.js';
import { setRole } from '../../src/domain/services/actors.js';
import type { Role } from '../../src/domain/types.js';
import { buildServer } from '../../src/http/server.js';
import type { Locale } from '../../src/i18n/catalog.js';
import { chatRefs } from '../../src/storage/repositories/chat.js';
import { type TestDatabase, testDatabase } from './db.js';
import { actor, freshDesk } from './desk.js';
import { FAKE_BOT_TOKEN, FAKE_TEAM, type FakeCall, type FakeSlack, startFakeSlack } from './fake-slack.js';

export const SIGNING_SECRET = 'test-signing-secret-8f14e45fceea167a';
export const TEAM = FAKE_TEAM;
export const APPROVALS_CHANNEL = 'CAPPROVALS';
export const CHANNEL = 'CORDERS';

/** Slack user ids the tests act as (Slack ids are upper-case letters and digits). */
export const USERS = {
  ko: 'UKO',
  en: 'UEN',
  admin: 'UADMIN',
  operator: 'UOPERATOR',
  approver: 'UAPPROVER',
  approver2: 'UAPPROVER2',
  viewer: 'UVIEWER',
} as const;

/** users.info locales: the Korean and English users, and Korean for the rest. */
export const LOCALES: Record<string, string> = {
  UKO: 'ko-KR',
  UEN: 'en-US',
  UADMIN: 'ko-KR',
  UOPERATOR: 'ko-KR',
  UAPPROVER: 'ko-KR',
  UAPPROVER2: 'en-GB',
  UVIEWER: 'ko-KR',
};

export const identity = (user: string) => `slack:${TEAM}:${user}`;

type Json = Record<string, unknown>;

export interface Sent {
  status: number;
  /** The ack body as text ('' when empty). */
  body: string;
  json(): Json;
  /** The response_url the request carried (commands and clicks). */
  responseUrl?: string;
}

export interface SendOptions {
  /** Seconds since the epoch for x-slack-request-timestamp (default now). */
  timestamp?: number;
  /** Overrides the computed signature. */
  signature?: string | null;
  /** Over a real socket instead of app.inject. */
  http?: boolean;
  /** More headers (e.g. Slack's retry headers). */
  headers?: Record<string, string>;
}

export interface SlackHarness {
  app: FastifyInstance;
  adapter: SlackAdapter;
  desk: Desk;
  database: TestDatabase;
  fake: FakeSlack;
  /** warn/error lines Bolt and the adapter logged. */
  logged: { level: 'warn' | 'error'; message: string }[];
  /** Set when a test expects errors in the log (otherwise any error fails the test after it ends). */
  allowErrors: boolean;
  /** How many events reached Bolt (a refused signature must not add one). */
  events(): number;
  /** Resolves when every event Bolt was given has finished (listeners run after the ack). */
  idle(): Promise<void>;
  /** POSTs a raw body to /slack/events, signed. */
  post(body: string, contentType: string, options?: SendOptions): Promise<Sent>;
  /** `/orders <text>` as Slack sends it (form-encoded). */
  command(text: string, user?: string, options?: SendOptions): Promise<Sent>;
  /** An interactive payload (block_actions, view_submission, block_suggestion) as `payload=<json>`. */
  interact(payload: Json, options?: SendOptions): Promise<Sent>;
  /** Clicks a button (or picks a menu option) of a message the bot posted; see `clickPayload`. */
  click(message: Json, pick: Pick, user?: string, options?: ClickOptions): Promise<Sent>;
  /** Submits a modal the bot opened (the views.open call) with these values. */
  submit(opened: FakeCall, values?: ModalValues, user?: string, options?: SendOptions): Promise<Sent>;
  /** The external-select options Slack asks for while the user types in a modal field. */
  suggest(opened: FakeCall, field: string, value: string, user?: string): Promise<Sent>;
  /** Gives a role, as an admin would. */
  grant(user: string, role: Role): Promise<void>;
  /** Listens on a loopback port (for real HTTP requests) and returns the base URL. */
  listen(): Promise<string>;
}

/**
 * Closes the server and the fake when the test that built them ends, and fails the test when Bolt or the
 * adapter logged an error (a listener that throws after the ack leaves the user with nothing). Registered
 * per test with onTestFinished: with `isolate: false` this module is evaluated once per worker, so a
 * module-level afterEach would only belong to the first test file that imported it.
 */
function closeWhenFinished(harness: SlackHarness): void {
  onTestFinished(async () => {
    await harness.idle();
    await harness.app.close();
    await harness.fake.close();
    const errors = harness.allowErrors
      ? []
      : harness.logged.filter((l) => l.level === 'error').map((l) => l.message);
    expect(errors, 'errors logged by Bolt or the adapter').toEqual([]);
  });
}

// Opening the database takes seconds (PGlite): in a hook, under the hook timeout.
beforeAll(async () => {
  await testDatabase();
});

export function sign(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

function recordingLogger(lines: SlackHarness['logged']): Logger {
  let level = LogLevel.WARN;
  const text = (args: unknown[]) =>
    args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(' ');
  return {
    debug: () => {},
    info: () => {},
    warn: (...args: unknown[]) => {
      lines.push({ level: 'warn', message: text(args) });
    },
    error: (...args: unknown[]) => {
      lines.push({ level: 'error', message: text(args) });
    },
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

export interface HarnessOptions {
  policy?: Partial<DeskPolicy>;
  /** Post approval requests to this channel (default APPROVALS_CHANNEL); null: DM the approvers. */
  approvalsChannel?: string | null;
  defaultLocale?: Locale;
  locales?: Record<string, string>;
  now?: () => Date;
  /** Collections started from Slack run here (made over the harness's desk). */
  collector?: (desk: Desk) => CollectionRunner;
  collectionChannel?: string;
  digestChannel?: string;
}

/** A fresh database (UADMIN is an admin by policy), the fake Slack API, the adapter and the server. */
export async function slackHarness(options: HarnessOptions = {}): Promise<SlackHarness> {
  const { database, desk } = await freshDesk(
    { adminUsers: [identity(USERS.admin)], ...options.policy },
    options.now,
  );
  const fake = await startFakeSlack({ token: FAKE_BOT_TOKEN, locales: options.locales ?? LOCALES });
  // Should building the server fail, the fake still goes (closing it twice is harmless).
  onTestFinished(() => fake.close());
  const logged: SlackHarness['logged'] = [];
  const adapter = createSlackAdapter(
    desk,
    chatRefs(database.db),
    {
      botToken: FAKE_BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      apiUrl: fake.apiUrl,
      approvalsChannel:
        options.approvalsChannel === null ? undefined : (options.approvalsChannel ?? APPROVALS_CHANNEL),
      defaultLocale: options.defaultLocale ?? 'ko',
      botId: 'B1',
      botUserId: 'UBOT',
      collector: options.collector?.(desk),
      collectionChannel: options.collectionChannel,
      digestChannel: options.digestChannel,
      progressGapMs: 0,
    },
    recordingLogger(logged),
  );
  const app = await buildServer({
    desk,
    db: database.db,
    apiToken: null,
    defaultLocale: options.defaultLocale ?? 'ko',
    logLevel: 'silent',
    chatPlugins: [adapter.receiver!.plugin],
  });

  // The receiver hands each verified request to Bolt and does not wait for the listener: count and
  // track them, so tests can wait for the work after the ack and prove that nothing reached Bolt.
  const inflight = new Set<Promise<void>>();
  let events = 0;
  const processEvent = adapter.app.processEvent.bind(adapter.app);
  adapter.app.processEvent = (event) => {
    events++;
    const running = processEvent(event);
    inflight.add(running);
    running.then(
      () => inflight.delete(running),
      () => inflight.delete(running),
    );
    return running;
  };

  let base: string | null = null;
  let triggers = 0;

  async function post(body: string, contentType: string, send: SendOptions = {}): Promise<Sent> {
    const timestamp = send.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      ...send.headers,
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
    };
    const signature = send.signature === undefined ? sign(body, timestamp) : send.signature;
    if (signature !== null) headers['x-slack-signature'] = signature;
    if (send.http) {
      base ??= await listen();
      const res = await fetch(`${base}/slack/events`, { method: 'POST', headers, body });
      const text = await res.text();
      return { status: res.status, body: text, json: () => JSON.parse(text) as Json };
    }
    const res = await app.inject({ method: 'POST', url: '/slack/events', headers, payload: body });
    return { status: res.statusCode, body: res.body, json: () => JSON.parse(res.body) as Json };
  }

  async function listen(): Promise<string> {
    if (base) return base;
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (!address || typeof address !== 'object') throw new Error('no address');
    base = `http://127.0.0.1:${address.port}`;
    return base;
  }

  const trigger = () => `${++triggers}.1700000000.${'a'.repeat(8)}`;
  const user = (id: string) => ({ id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: TEAM });

  async function interact(payload: Json, send?: SendOptions): Promise<Sent> {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const sent = await post(body, 'application/x-www-form-urlencoded', send);
    return {
      ...sent,
      responseUrl: typeof payload.response_url === 'string' ? payload.response_url : undefined,
    };
  }

  const harness: SlackHarness = {
    app,
    adapter,
    desk,
    database,
    fake,
    logged,
    allowErrors: false,
    events: () => events,
    async idle() {
      while (inflight.size) await Promise.allSettled([...inflight]);
    },
    post,
    async command(text, who: string = USERS.operator, send) {
      const responseUrl = fake.responseUrl();
      const form = new URLSearchParams({
        token: 'legacy-verification-token',
        team_id: TEAM,
        team_domain: 'acme',
        channel_id: CHANNEL,
        channel_name: 'orders',
        user_id: who,
        user_name: who.toLowerCase(),
        command: '/orders',
        text,
        api_app_id: 'A1',
        is_enterprise_install: 'false',
        response_url: responseUrl,
        trigger_id: trigger(),
      });
      const sent = await post(form.toString(), 'application/x-www-form-urlencoded', send);
      return { ...sent, responseUrl };
    },
    interact,
    click(message, pick, who: string = USERS.operator, opts = {}) {
      return interact(
        clickPayload(message, pick, {
          checked: opts.checked,
          posted: opts.posted,
          user: user(who),
          trigger: trigger(),
          responseUrl: fake.responseUrl(),
        }),
        opts,
      );
    },
    submit(opened, values = {}, who: string = USERS.operator, send?: SendOptions) {
      const view = opened.response.view as Json;
      return interact(
        {
          type: 'view_submission',
          team: { id: TEAM, domain: 'acme' },
          user: user(who),
          api_app_id: 'A1',
          token: 'legacy-verification-token',
          trigger_id: trigger(),
          view: { ...view, state: { values: modalState(view, values) } },
          response_urls: [],
          is_enterprise_install: false,
          enterprise: null,
        },
        send,
      );
    },
    suggest(opened, field, value, who: string = USERS.operator) {
      const view = opened.response.view as Json;
      return interact({
        type: 'block_suggestion',
        user: user(who),
        container: { type: 'view', view_id: view.id },
        api_app_id: 'A1',
        token: 'legacy-verification-token',
        action_id: field,
        block_id: field,
        value,
        team: { id: TEAM, domain: 'acme' },
        enterprise: null,
        is_enterprise_install: false,
        view: { ...view, state: { values: {} } },
      });
    },
    async grant(who, role) {
      await setRole(desk, actor('admin', identity(USERS.admin)), identity(who), role);
    },
    listen,
  };
  closeWhenFinished(harness);
  return harness;
}

// --- building interactive payloads from what the bot posted ---------------------------------------------

/** A button by its label (or action id prefix), or a menu option of an order line. */
export type Pick =
  | { button: string | RegExp }
  | { menu: number; option: string | RegExp }
  | { checkbox: true };

export interface ClickOptions extends SendOptions {
  /** Orders to tick in the message's checkboxes (by serial). */
  checked?: number[];
  /** A message the bot posted in a channel (chat.postMessage): where it is. Default: an ephemeral reply. */
  posted?: { channel: string; ts: string };
}

const matches = (text: string, want: string | RegExp) =>
  typeof want === 'string' ? text === want : want.test(text);

/** Every block of a message, and the actions they hold. */
export function buttonsOf(message: Json): Json[] {
  const out: Json[] = [];
  for (const block of (message.blocks as Json[] | undefined) ?? []) {
    if (block.type !== 'actions') continue;
    for (const e of block.elements as Json[])
      if (e.type === 'button') out.push({ ...e, block_id: block.block_id });
  }
  return out;
}

/** The payload Slack sends when a user clicks on a message: block_actions with the message's state. */
export function clickPayload(
  message: Json,
  pick: Pick,
  context: {
    user: Json;
    trigger: string;
    responseUrl: string;
    checked?: number[];
    posted?: { channel: string; ts: string };
  },
): Json {
  const blocks = (message.blocks as Json[] | undefined) ?? [];
  const values: Record<string, Record<string, Json>> = {};
  const checked = new Set(context.checked ?? []);
  for (const block of blocks) {
    const elements =
      block.type === 'actions'
        ? (block.elements as Json[])
        : block.accessory
          ? [block.accessory as Json]
          : [];
    for (const e of elements) {
      if (e.type === 'checkboxes') {
        const selected = (e.options as Json[]).filter((o) =>
          checked.has((JSON.parse(String(o.value)) as Json).s as number),
        );
        values[String(block.block_id)] = {
          ...values[String(block.block_id)],
          [String(e.action_id)]: { type: 'checkboxes', selected_options: selected },
        };
      } else if (e.type === 'static_select') {
        values[String(block.block_id)] = {
          ...values[String(block.block_id)],
          [String(e.action_id)]: { type: 'static_select', selected_option: null },
        };
      }
    }
  }
  let action: Json;
  if ('button' in pick) {
    const button = buttonsOf(message).find(
      (b) =>
        matches(textOf(b.text), pick.button) ||
        (typeof pick.button === 'string' && String(b.action_id).startsWith(pick.button)),
    );
    if (!button) throw new Error(`no button ${String(pick.button)} in ${JSON.stringify(message.blocks)}`);
    action = {
      type: 'button',
      action_id: button.action_id,
      block_id: button.block_id ?? 'b',
      text: button.text,
      value: button.value,
      ...(button.style ? { style: button.style } : {}),
      action_ts: '1700000000.000001',
    };
  } else if ('menu' in pick) {
    const block = blocks.find((b) => b.block_id === `order:${pick.menu}`);
    const menu = block?.accessory as Json | undefined;
    if (!menu) throw new Error(`no menu for order ${pick.menu}`);
    const option = (menu.options as Json[]).find((o) => matches(textOf(o.text), pick.option));
    if (!option) throw new Error(`no option ${String(pick.option)} in the menu of ${pick.menu}`);
    action = {
      type: menu.type,
      action_id: menu.action_id,
      block_id: block!.block_id,
      selected_option: option,
      ...(menu.placeholder ? { placeholder: menu.placeholder } : {}),
      action_ts: '1700000000.000001',
    };
  } else {
    const block = blocks.find((b) => String(b.block_id).startsWith('pick:'));
    if (!block) throw new Error('no checkboxes');
    const e = (block.elements as Json[])[0]!;
    action = {
      type: 'checkboxes',
      action_id: e.action_id,
      block_id: block.block_id,
      selected_options: (e.options as Json[]).filter((o) =>
        checked.has((JSON.parse(String(o.value)) as Json).s as number),
      ),
      action_ts: '1700000000.000001',
    };
  }
  const posted = context.posted;
  return {
    type: 'block_actions',
    user: context.user,
    api_app_id: 'A1',
    token: 'legacy-verification-token',
    container: {
      type: 'message',
      message_ts: posted?.ts ?? '1700000000.000100',
      channel_id: posted?.channel ?? CHANNEL,
      is_ephemeral: !posted,
    },
    trigger_id: context.trigger,
    team: { id: TEAM, domain: 'acme' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: posted?.channel ?? CHANNEL, name: posted ? 'approvals' : 'orders' },
    // Slack includes the message itself for messages in a channel, not for ephemeral ones.
    ...(posted
      ? {
          message: { type: 'message', ts: posted.ts, text: message.text, blocks, user: 'UBOT', bot_id: 'B1' },
        }
      : {}),
    state: { values },
    response_url: context.responseUrl,
    actions: [action],
  };
}

/** What a user enters in a modal: block id → text, an option value, option values, or null (left empty). */
export type ModalValues = Record<string, string | string[] | null | { value: string; label: string }>;

/**
 * The modal's state.values as Slack submits them: every input block, with the user's value or, where
 * the user typed nothing, the initial value the modal was opened with.
 */
export function modalState(view: Json, values: ModalValues): Record<string, Record<string, Json>> {
  const state: Record<string, Record<string, Json>> = {};
  const inputs = ((view.blocks as Json[]) ?? []).filter((b) => b.type === 'input');
  const known = new Set(inputs.map((b) => String(b.block_id)));
  for (const field of Object.keys(values)) {
    if (!known.has(field))
      throw new Error(`the modal has no field ${field} (it has ${[...known].join(', ')})`);
  }
  for (const block of inputs) {
    const e = block.element as Json;
    const id = String(block.block_id);
    const given = id in values ? values[id] : undefined;
    const option = (value: string): Json => {
      const found = ((e.options as Json[]) ?? []).find((o) => o.value === value);
      if (!found) throw new Error(`field ${id} has no option ${value}`);
      return found;
    };
    let element: Json;
    switch (e.type) {
      case 'plain_text_input':
      case 'number_input':
        element = { type: e.type, value: given === undefined ? (e.initial_value ?? null) : given };
        break;
      case 'static_select':
        element = {
          type: e.type,
          selected_option:
            given === undefined ? (e.initial_option ?? null) : given === null ? null : option(String(given)),
        };
        break;
      case 'multi_static_select':
        element = {
          type: e.type,
          selected_options: Array.isArray(given) ? given.map(option) : (e.initial_options ?? []),
        };
        break;
      case 'external_select': {
        const picked = given && typeof given === 'object' && !Array.isArray(given) ? given : null;
        element = {
          type: e.type,
          selected_option: picked
            ? { text: { type: 'plain_text', text: picked.label, emoji: true }, value: picked.value }
            : null,
        };
        break;
      }
      case 'datepicker':
        element = { type: e.type, selected_date: given ?? e.initial_date ?? null };
        break;
      default:
        throw new Error(`unexpected element ${String(e.type)}`);
    }
    state[id] = { [String(e.action_id)]: element };
  }
  return state;
}

export const textOf = (t: unknown): string =>
  t && typeof t === 'object' ? String((t as Json).text ?? '') : '';

/** All visible text of a message or modal, joined: what the user reads. */
export function visibleText(message: Json): string {
  const parts: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Json;
    if ((n.type === 'mrkdwn' || n.type === 'plain_text') && typeof n.text === 'string') parts.push(n.text);
    for (const [key, value] of Object.entries(n))
      if (key !== 'value' && typeof value === 'object') walk(value);
  };
  walk(message.blocks ?? []);
  return parts.join('\n');
}

/** Checks an ack was a plain 200 with an empty body (Bolt's `ack()`). */
export function expectAck(sent: Sent): void {
  expect(sent.status, sent.body).toBe(200);
  expect(sent.body).toBe('');
}

/** The one message posted to this response URL, after the event finished. */
export async function reply(h: SlackHarness, sent: Sent): Promise<Json> {
  if (!sent.responseUrl) throw new Error('no response_url');
  const call = await h.fake.waitFor('response', {
    match: (c) => `${h.fake.url}${c.path}` === sent.responseUrl,
  });
  await h.idle();
  const all = h.fake.responses(sent.responseUrl);
  expect(all, 'one message per response URL').toHaveLength(1);
  return call.body;
}
