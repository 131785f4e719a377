// A fake Discord REST API (v10) on loopback: records every call (route, params, parsed body, files, auth
// header) and answers the way Discord does, including Discord's refusals of oversized messages, modals
// and commands (400 "Invalid Form Body", code 50035). Bodies may be JSON or multipart/form-data
// (`payload_json` + `files[n]`), as @discordjs/rest sends them.
//
//   const fake = await startFakeDiscord();
//   const rest = new REST({ version: '10', api: fake.apiUrl }).setToken(FAKE_DISCORD_TOKEN);
//   const post = await fake.waitFor('POST /channels/:id/messages');
//   fake.messagesIn('C1')   // the channel's messages as they are now (edits applied)
//   await fake.close();
//
// Routes (under /api/v10): bulk command overwrite (global and guild), interaction callbacks, the
// interaction webhook (original response, follow-ups), channel messages, DM channels. Bot routes need
// `Authorization: Bot <token>` (401 otherwise); token routes (webhooks, callbacks) need none. Files
// the bot posts and files registered with `attachment()` are served at GET /attachments/:id/:filename.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callRecorder, type WaitOptions } from './recorder.js';

export const FAKE_DISCORD_TOKEN = 'discord-bot-token';
export const FAKE_DISCORD_APPLICATION_ID = '1100000000000000001';
export const FAKE_DISCORD_BOT_USER_ID = '1100000000000000002';

type Json = Record<string, unknown>;

export interface FakeDiscordFile {
  /** The form field (`files[0]`). */
  field: string;
  /** The file name the client gave. */
  name: string;
  contentType: string;
  data: Buffer;
}

export interface FakeDiscordCall {
  /** Order of arrival, from 1. */
  seq: number;
  /** The HTTP method. */
  method: string;
  /** The route template, e.g. `POST /channels/:id/messages`; `<METHOD> <path>` for unknown routes. */
  route: string;
  /** The path below /api/v10 (or the full path for routes outside it). */
  path: string;
  /** The route's parameters, e.g. `{ id: 'C1' }`, `{ app, token }`. */
  params: Record<string, string>;
  query: Record<string, string>;
  /** The JSON body or the multipart `payload_json`; `{}` for a JSON array body (see `list`). */
  body: Json;
  /** A JSON array body (the bulk command overwrite). */
  list?: unknown[];
  /** The files of a multipart body. */
  files: FakeDiscordFile[];
  /** The Authorization header. */
  auth: string | undefined;
  contentType: string;
  /** What the fake answered. */
  status: number;
  response: unknown;
}

/** A message as it is now: the posted body, with later edits applied. */
export interface FakeDiscordMessage {
  id: string;
  channelId: string;
  /**
   * The interaction token, for messages sent through the interaction webhook; their `channelId` is
   * `interaction:<token>` (the fake does not know the interaction's channel).
   */
  token?: string;
  /** `content`, `embeds`, `components`, `flags`, … as last sent. */
  body: Json;
  files: FakeDiscordFile[];
  /** The files as Discord describes them (served by this fake at their `url`). */
  attachments: FakeDiscordAttachment[];
  /** How many times it was edited. */
  edits: number;
  deleted: boolean;
}

export interface FakeDiscordAttachment {
  id: string;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type: string;
}

export interface FailOptions {
  /** HTTP status, 500 unless given; 429 adds `retry_after` and the rate-limit headers. */
  status?: number;
  /** Discord's JSON error code (e.g. 10062 Unknown interaction, 50001 Missing Access). */
  code?: number;
  message?: string;
  /** For 429: seconds to wait (default 0.05). */
  retryAfter?: number;
}

export interface FakeDiscord {
  /** Base URL, e.g. http://127.0.0.1:43121. */
  url: string;
  /** The REST client's `api` option: `${url}/api` (the client appends /v10). */
  apiUrl: string;
  token: string;
  applicationId: string;
  botUserId: string;
  calls: FakeDiscordCall[];
  /** The commands last registered: key `global`, or the guild id. */
  commands: Map<string, Json[]>;
  /** Calls of one route template (after a mark, if given). */
  of(route: string, after?: number): FakeDiscordCall[];
  /** The first call of `route` (after `options.after`) that matches; waits for it up to the timeout. */
  waitFor(route: string, options?: WaitOptions<FakeDiscordCall>): Promise<FakeDiscordCall>;
  /** The seq of the last call so far: pass it as `after` to wait for what comes next. */
  mark(): number;
  /** Makes the next call of `route` fail (status 500 unless told). */
  failNext(route: string, options?: FailOptions): void;
  /** The messages of one channel (a DM channel is `DM<user id>`), in posting order, edits applied. */
  messagesIn(channelId: string): FakeDiscordMessage[];
  /** Every call made with one interaction token: its callback and its webhook calls, in order. */
  webhookCalls(token: string): FakeDiscordCall[];
  /** The interaction's original response as it is now (after the callback and @original edits). */
  original(token: string): FakeDiscordMessage | undefined;
  /** The follow-ups sent with one interaction token. */
  followUps(token: string): FakeDiscordMessage[];
  /** A file a user attached (e.g. to `/orders upload`), served by this fake; put it in an interaction. */
  attachment(filename: string, data: Buffer, contentType?: string): FakeDiscordAttachment;
  clear(): void;
  /** Stops the server (again: nothing). */
  close(): Promise<void>;
}

// --- Discord's limits, as Discord enforces them -----------------------------------------------------------

const NAME = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const IS_COMPONENTS_V2 = 1 << 15;
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const arr = (v: unknown) => (Array.isArray(v) ? (v as Json[]) : []);

function componentProblems(where: string, c: Json, problems: string[]): void {
  if (typeof c.custom_id === 'string' && c.custom_id.length > 100) problems.push(`${where}: custom_id > 100`);
  switch (c.type) {
    case 2: // button
      if (str(c.label).length > 80) problems.push(`${where}: button label > 80`);
      if (c.style === 5 ? !c.url : !c.custom_id && c.style !== 6)
        problems.push(`${where}: button without custom_id/url`);
      break;
    case 3: {
      // string select
      const options = arr(c.options);
      if (options.length < 1 || options.length > 25) problems.push(`${where}: ${options.length} options`);
      for (const o of options) {
        if (str(o.label).length > 100) problems.push(`${where}: option label > 100`);
        if (str(o.value).length > 100) problems.push(`${where}: option value > 100`);
        if (str(o.description).length > 100) problems.push(`${where}: option description > 100`);
      }
      if (typeof c.max_values === 'number' && c.max_values > Math.max(options.length, 1))
        problems.push(`${where}: max_values > options`);
      if (str(c.placeholder).length > 150) problems.push(`${where}: placeholder > 150`);
      break;
    }
    case 4: // text input
      if (str(c.label).length > 45) problems.push(`${where}: text input label > 45`);
      if (!c.custom_id) problems.push(`${where}: text input without custom_id`);
      if (typeof c.value === 'string' && c.value.length > 4000) problems.push(`${where}: value > 4000`);
      if (typeof c.max_length === 'number' && c.max_length > 4000)
        problems.push(`${where}: max_length > 4000`);
      if (str(c.placeholder).length > 100) problems.push(`${where}: placeholder > 100`);
      break;
  }
}

function rowsProblems(components: unknown, maxRows: number, problems: string[]): void {
  const rows = arr(components);
  if (rows.length > maxRows) problems.push(`${rows.length} action rows > ${maxRows}`);
  rows.forEach((row, i) => {
    const where = `components[${i}]`;
    if (row.type !== 1) {
      problems.push(`${where}: not an action row`);
      return;
    }
    const inner = arr(row.components);
    if (inner.length < 1) problems.push(`${where}: empty action row`);
    const buttons = inner.filter((c) => c.type === 2).length;
    if (buttons > 5) problems.push(`${where}: ${buttons} buttons > 5`);
    if (buttons && buttons !== inner.length) problems.push(`${where}: buttons mixed with a select`);
    if (inner.length > 1 && !buttons) problems.push(`${where}: more than one select`);
    inner.forEach((c, j) => {
      componentProblems(`${where}.components[${j}]`, c, problems);
    });
  });
}

/** What Discord would refuse in a message body (create, edit, webhook, interaction response). */
export function messageProblems(body: Json, options: { files?: number; edit?: boolean } = {}): string[] {
  const problems: string[] = [];
  const content = str(body.content);
  if ([...content].length > 2000) problems.push('content > 2000');
  const embeds = arr(body.embeds);
  if (embeds.length > 10) problems.push(`${embeds.length} embeds > 10`);
  let embedChars = 0;
  embeds.forEach((e, i) => {
    const where = `embeds[${i}]`;
    const title = str(e.title);
    const description = str(e.description);
    const footer = str((e.footer as Json | undefined)?.text);
    const author = str((e.author as Json | undefined)?.name);
    if (title.length > 256) problems.push(`${where}: title > 256`);
    if (description.length > 4096) problems.push(`${where}: description > 4096`);
    if (footer.length > 2048) problems.push(`${where}: footer > 2048`);
    if (author.length > 256) problems.push(`${where}: author > 256`);
    const fields = arr(e.fields);
    if (fields.length > 25) problems.push(`${where}: ${fields.length} fields > 25`);
    embedChars += title.length + description.length + footer.length + author.length;
    fields.forEach((f, j) => {
      const name = str(f.name);
      const value = str(f.value);
      if (!name || name.length > 256) problems.push(`${where}.fields[${j}]: name empty or > 256`);
      if (!value || value.length > 1024) problems.push(`${where}.fields[${j}]: value empty or > 1024`);
      embedChars += name.length + value.length;
    });
  });
  if (embedChars > 6000) problems.push(`embeds ${embedChars} characters > 6000`);
  const v2 = typeof body.flags === 'number' && (body.flags & IS_COMPONENTS_V2) !== 0;
  if (!v2) rowsProblems(body.components, 5, problems);
  else if (content || embeds.length) problems.push('content or embeds with IS_COMPONENTS_V2');
  const empty =
    !content &&
    embeds.length === 0 &&
    arr(body.components).length === 0 &&
    !(options.files ?? 0) &&
    arr(body.attachments).length === 0 &&
    !body.sticker_ids &&
    !body.poll;
  if (empty && !options.edit) problems.push('empty message');
  return problems;
}

/** What Discord would refuse in a modal (interaction callback type 9). */
export function modalProblems(data: Json): string[] {
  const problems: string[] = [];
  const title = str(data.title);
  if (!title || title.length > 45) problems.push('modal title empty or > 45');
  if (!data.custom_id) problems.push('modal without custom_id');
  if (str(data.custom_id).length > 100) problems.push('modal custom_id > 100');
  const rows = arr(data.components);
  if (rows.length < 1 || rows.length > 5) problems.push(`modal with ${rows.length} rows (1–5)`);
  rows.forEach((row, i) => {
    // Action rows holding one text input, the newer label components (type 18), or text (type 10).
    if (row.type === 10) {
      if (!str(row.content) || str(row.content).length > 4000) problems.push(`components[${i}]: text 1–4000`);
      return;
    }
    if (row.type === 18) {
      if (str(row.label).length > 45) problems.push(`components[${i}]: label > 45`);
      if (row.component) componentProblems(`components[${i}].component`, row.component as Json, problems);
      return;
    }
    const inner = arr(row.components);
    if (row.type !== 1 || inner.length !== 1)
      problems.push(`components[${i}]: not an action row with one component`);
    inner.forEach((c, j) => {
      componentProblems(`components[${i}].components[${j}]`, c, problems);
    });
  });
  return problems;
}

function optionProblems(where: string, options: unknown, problems: string[], depth: number): void {
  const list = arr(options);
  if (list.length > 25) problems.push(`${where}: ${list.length} options > 25`);
  let optionalSeen = false;
  const names = new Set<string>();
  list.forEach((o, i) => {
    const at = `${where}.options[${i}]`;
    const name = str(o.name);
    if (!NAME.test(name) || name !== name.toLowerCase()) problems.push(`${at}: bad name "${name}"`);
    if (names.has(name)) problems.push(`${at}: duplicate name "${name}"`);
    names.add(name);
    for (const [locale, localized] of Object.entries((o.name_localizations as Json | undefined) ?? {})) {
      const l = str(localized);
      if (!NAME.test(l) || l !== l.toLowerCase()) problems.push(`${at}: bad ${locale} name "${l}"`);
    }
    const description = str(o.description);
    if (description.length < 1 || description.length > 100) problems.push(`${at}: description 1–100`);
    for (const [locale, localized] of Object.entries(
      (o.description_localizations as Json | undefined) ?? {},
    )) {
      const l = str(localized);
      if (l.length < 1 || l.length > 100) problems.push(`${at}: ${locale} description 1–100`);
    }
    if (o.type === 1 || o.type === 2) {
      if (depth > 1) problems.push(`${at}: subcommand too deep`);
      optionProblems(at, o.options, problems, depth + 1);
      return;
    }
    if (o.required) {
      if (optionalSeen) problems.push(`${at}: required option after an optional one`);
    } else optionalSeen = true;
    const choices = arr(o.choices);
    if (choices.length > 25) problems.push(`${at}: ${choices.length} choices > 25`);
    for (const c of choices)
      if (str(c.name).length < 1 || str(c.name).length > 100) problems.push(`${at}: choice name`);
  });
}

/** What Discord would refuse in a bulk command overwrite. */
export function commandProblems(commands: unknown[]): string[] {
  const problems: string[] = [];
  if (commands.length > 100) problems.push(`${commands.length} commands > 100`);
  commands.forEach((raw, i) => {
    const c = (raw && typeof raw === 'object' ? raw : {}) as Json;
    const where = `[${i}]`;
    const name = str(c.name);
    if (!NAME.test(name) || name !== name.toLowerCase()) problems.push(`${where}: bad name "${name}"`);
    const description = str(c.description);
    if ((c.type ?? 1) === 1 && (description.length < 1 || description.length > 100))
      problems.push(`${where}: description 1–100`);
    optionProblems(where, c.options, problems, 0);
    // Discord: name, description and values of a command, its options and choices, at most 8000.
    const chars = (o: Json): number =>
      str(o.name).length +
      str(o.description).length +
      arr(o.choices).reduce((n, ch) => n + str(ch.name).length + String(ch.value ?? '').length, 0) +
      arr(o.options).reduce((n, sub) => n + chars(sub), 0);
    const total = chars(c);
    if (total > 8000) problems.push(`${where}: ${total} characters > 8000`);
  });
  return problems;
}

// --- the server -----------------------------------------------------------------------------------------

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  /** Needs `Authorization: Bot <token>`. */
  bot: boolean;
}

function route(method: string, template: string, bot: boolean): Route {
  const source = template
    .split('/')
    .map((part) => (part.startsWith(':') ? `(?<${part.slice(1)}>[^/]+)` : part.replace(/[.@]/g, '\\$&')))
    .join('/');
  return { method, template, pattern: new RegExp(`^${source}$`), bot };
}

// Order matters: @original before :id.
const ROUTES: Route[] = [
  route('PUT', '/applications/:app/commands', true),
  route('PUT', '/applications/:app/guilds/:guild/commands', true),
  route('POST', '/interactions/:id/:token/callback', false),
  route('GET', '/webhooks/:app/:token/messages/@original', false),
  route('PATCH', '/webhooks/:app/:token/messages/@original', false),
  route('DELETE', '/webhooks/:app/:token/messages/@original', false),
  route('GET', '/webhooks/:app/:token/messages/:id', false),
  route('PATCH', '/webhooks/:app/:token/messages/:id', false),
  route('DELETE', '/webhooks/:app/:token/messages/:id', false),
  route('POST', '/webhooks/:app/:token', false),
  route('POST', '/channels/:id/messages', true),
  route('PATCH', '/channels/:id/messages/:mid', true),
  route('POST', '/users/@me/channels', true),
];

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface Parsed {
  body: Json;
  list?: unknown[];
  files: FakeDiscordFile[];
  unreadable?: string;
}

async function parseBody(raw: Buffer, contentType: string): Promise<Parsed> {
  if (raw.length === 0) return { body: {}, files: [] };
  const parseJson = (text: string): Parsed => {
    try {
      const value: unknown = JSON.parse(text);
      if (Array.isArray(value)) return { body: {}, list: value, files: [] };
      if (value && typeof value === 'object') return { body: value as Json, files: [] };
      return { body: {}, files: [], unreadable: text };
    } catch {
      return { body: {}, files: [], unreadable: text };
    }
  };
  if (contentType.startsWith('multipart/form-data')) {
    // Node's own fetch (undici) reads multipart bodies: `payload_json` and `files[n]`.
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    let parsed: Parsed = { body: {}, files: [] };
    const files: FakeDiscordFile[] = [];
    for (const [field, value] of form) {
      if (typeof value === 'string') {
        if (field === 'payload_json') parsed = parseJson(value);
        else parsed.body[field] = value;
      } else {
        files.push({
          field,
          name: value.name,
          contentType: value.type || 'application/octet-stream',
          data: Buffer.from(await value.arrayBuffer()),
        });
      }
    }
    return { ...parsed, files };
  }
  return parseJson(raw.toString('utf8'));
}

export interface FakeDiscordOptions {
  /** The bot token bot routes require (`Authorization: Bot <token>`); FAKE_DISCORD_TOKEN unless given. */
  botToken?: string;
  /** Same as `botToken`. */
  token?: string;
  /** The application id command and webhook routes must name; FAKE_DISCORD_APPLICATION_ID unless given. */
  applicationId?: string;
  botUserId?: string;
}

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const token = options.botToken ?? options.token ?? FAKE_DISCORD_TOKEN;
  const applicationId = options.applicationId ?? FAKE_DISCORD_APPLICATION_ID;
  const botUserId = options.botUserId ?? FAKE_DISCORD_BOT_USER_ID;
  const recorder = callRecorder<FakeDiscordCall>({
    fake: 'fake Discord',
    nameOf: (c) => c.route,
    describe: (c) => `${c.route} ${c.status}`,
  });
  const { calls, record } = recorder;
  const commands = new Map<string, Json[]>();
  const messages = new Map<string, FakeDiscordMessage>();
  const originals = new Map<string, FakeDiscordMessage>();
  const attachments = new Map<string, { filename: string; data: Buffer; contentType: string }>();
  const failures = new Map<string, FailOptions>();
  let counter = 0;
  let url = '';
  // Snowflakes: strings of digits, increasing.
  const snowflake = () => String(1_200_000_000_000_000_000n + BigInt(++counter));

  function storeFile(file: FakeDiscordFile): FakeDiscordAttachment {
    const id = snowflake();
    attachments.set(id, { filename: file.name, data: file.data, contentType: file.contentType });
    const fileUrl = `${url}/attachments/${id}/${encodeURIComponent(file.name)}`;
    return {
      id,
      filename: file.name,
      size: file.data.length,
      url: fileUrl,
      proxy_url: fileUrl,
      content_type: file.contentType,
    };
  }

  /** A message object as Discord answers it. */
  function messageJson(m: FakeDiscordMessage): Json {
    const b = m.body;
    return {
      id: m.id,
      channel_id: m.channelId,
      type: m.token ? 20 : 0,
      content: str(b.content),
      embeds: arr(b.embeds),
      components: arr(b.components),
      attachments: m.attachments,
      author: {
        id: botUserId,
        username: 'OrderMate',
        discriminator: '0',
        global_name: null,
        avatar: null,
        bot: true,
      },
      timestamp: new Date().toISOString(),
      edited_timestamp: m.edits ? new Date().toISOString() : null,
      flags: typeof b.flags === 'number' ? b.flags : 0,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      pinned: false,
      ...(m.token ? { webhook_id: applicationId, application_id: applicationId } : {}),
    };
  }

  function newMessage(
    channelId: string,
    body: Json,
    files: FakeDiscordFile[],
    token?: string,
  ): FakeDiscordMessage {
    const message: FakeDiscordMessage = {
      id: snowflake(),
      channelId,
      token,
      body: { ...body },
      files,
      attachments: files.map(storeFile),
      edits: 0,
      deleted: false,
    };
    messages.set(message.id, message);
    return message;
  }

  function edit(message: FakeDiscordMessage, body: Json, files: FakeDiscordFile[]): void {
    message.body = { ...message.body, ...body };
    if (files.length) {
      message.files = [...message.files, ...files];
      message.attachments = [...message.attachments, ...files.map(storeFile)];
    }
    message.edits += 1;
  }

  const interactionChannel = (interactionToken: string) => `interaction:${interactionToken}`;

  function originalOf(interactionToken: string): FakeDiscordMessage {
    let message = originals.get(interactionToken);
    if (!message) {
      // Under HTTP interactions the first response never reaches this fake: the original exists anyway.
      message = newMessage(interactionChannel(interactionToken), {}, [], interactionToken);
      originals.set(interactionToken, message);
    }
    return message;
  }

  type Answer = { status: number; body?: unknown; headers?: Record<string, string> };
  const invalid = (problems: string[]): Answer => ({
    status: 400,
    body: {
      message: 'Invalid Form Body',
      code: 50035,
      errors: { _errors: problems.map((message) => ({ code: 'INVALID', message })) },
    },
  });
  const unknownMessage: Answer = { status: 404, body: { message: 'Unknown Message', code: 10008 } };

  function answer(
    r: Route,
    params: Record<string, string>,
    query: Record<string, string>,
    parsed: Parsed,
  ): Answer {
    const { body, files } = parsed;
    if (params.app !== undefined && params.app !== applicationId) {
      return r.template.startsWith('/webhooks/')
        ? { status: 404, body: { message: 'Unknown Webhook', code: 10015 } }
        : {
            status: 403,
            body: {
              message: 'You are not authorized to perform this action on this application',
              code: 20012,
            },
          };
    }
    switch (r.template) {
      case '/applications/:app/commands':
      case '/applications/:app/guilds/:guild/commands': {
        if (!parsed.list) return invalid(['expected an array of commands']);
        const problems = commandProblems(parsed.list);
        if (problems.length) return invalid(problems);
        const registered = parsed.list.map((c) => ({
          ...(c as Json),
          id: snowflake(),
          application_id: params.app,
          ...(params.guild ? { guild_id: params.guild } : {}),
          type: (c as Json).type ?? 1,
          version: snowflake(),
          default_member_permissions: (c as Json).default_member_permissions ?? null,
        }));
        commands.set(params.guild ?? 'global', registered);
        return { status: 200, body: registered };
      }
      case '/interactions/:id/:token/callback': {
        const type = body.type;
        const data = (body.data ?? {}) as Json;
        if (![1, 4, 5, 6, 7, 8, 9].includes(Number(type)))
          return invalid([`unknown callback type ${String(type)}`]);
        const interactionToken = params.token!;
        if (
          calls.some(
            (c) => c.route.endsWith('/callback') && c.params.token === interactionToken && c.status < 300,
          )
        )
          return {
            status: 400,
            body: { message: 'Interaction has already been acknowledged.', code: 40060 },
          };
        if (type === 9) {
          const problems = modalProblems(data);
          if (problems.length) return invalid(problems);
        }
        if (type === 4 || type === 7) {
          const problems = messageProblems(data, { files: files.length, edit: type === 7 });
          if (problems.length) return invalid(problems);
        }
        let message: FakeDiscordMessage | undefined;
        if (type === 4 || type === 5) {
          message = newMessage(
            interactionChannel(interactionToken),
            type === 4 ? data : {},
            files,
            interactionToken,
          );
          originals.set(interactionToken, message);
        }
        if (query.with_response === 'true') {
          return {
            status: 200,
            body: {
              interaction: {
                id: params.id,
                type: 2,
                response_message_id: message?.id,
                response_message_loading: type === 5,
              },
              resource: { type, ...(message ? { message: messageJson(message) } : {}) },
            },
          };
        }
        return { status: 204 };
      }
      case '/webhooks/:app/:token/messages/@original': {
        const message = originalOf(params.token!);
        if (r.method === 'GET') return { status: 200, body: messageJson(message) };
        if (r.method === 'DELETE') {
          message.deleted = true;
          return { status: 204 };
        }
        const problems = messageProblems(body, { files: files.length, edit: true });
        if (problems.length) return invalid(problems);
        edit(message, body, files);
        return { status: 200, body: messageJson(message) };
      }
      case '/webhooks/:app/:token/messages/:id': {
        const message = messages.get(params.id!);
        if (!message || message.token !== params.token || message.deleted) return unknownMessage;
        if (r.method === 'GET') return { status: 200, body: messageJson(message) };
        if (r.method === 'DELETE') {
          message.deleted = true;
          return { status: 204 };
        }
        const problems = messageProblems(body, { files: files.length, edit: true });
        if (problems.length) return invalid(problems);
        edit(message, body, files);
        return { status: 200, body: messageJson(message) };
      }
      case '/webhooks/:app/:token': {
        const problems = messageProblems(body, { files: files.length });
        if (problems.length) return invalid(problems);
        const message = newMessage(interactionChannel(params.token!), body, files, params.token);
        return { status: 200, body: messageJson(message) };
      }
      case '/channels/:id/messages': {
        const problems = messageProblems(body, { files: files.length });
        if (problems.length) return invalid(problems);
        return { status: 200, body: messageJson(newMessage(params.id!, body, files)) };
      }
      case '/channels/:id/messages/:mid': {
        const message = messages.get(params.mid!);
        if (!message || message.channelId !== params.id || message.deleted) return unknownMessage;
        const problems = messageProblems(body, { files: files.length, edit: true });
        if (problems.length) return invalid(problems);
        edit(message, body, files);
        return { status: 200, body: messageJson(message) };
      }
      case '/users/@me/channels': {
        const recipient = str(body.recipient_id);
        if (!recipient) return invalid(['recipient_id is required']);
        return {
          status: 200,
          body: {
            id: `DM${recipient}`,
            type: 1,
            last_message_id: null,
            recipients: [{ id: recipient, username: `user${recipient}` }],
          },
        };
      }
      default:
        return { status: 404, body: { message: '404: Not Found', code: 0 } };
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const parsedUrl = new URL(request.url ?? '/', 'http://fake');
    // Clients encode path segments (`%40original`, `%40me`): match on the decoded path.
    const fullPath = parsedUrl.pathname
      .split('/')
      .map((segment) => {
        try {
          return decodeURIComponent(segment);
        } catch {
          return segment;
        }
      })
      .join('/');
    const query = Object.fromEntries(parsedUrl.searchParams);
    const method = request.method ?? 'GET';
    const raw = await readBody(request);
    const contentType = String(request.headers['content-type'] ?? '');
    const auth =
      typeof request.headers.authorization === 'string' ? request.headers.authorization : undefined;
    const send = (a: Answer) => {
      if (a.body === undefined) {
        response.writeHead(a.status, a.headers);
        response.end();
        return;
      }
      response.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      response.end(JSON.stringify(a.body));
    };

    const download = /^\/attachments\/(\d+)\/[^/]+$/.exec(fullPath);
    if (download && method === 'GET') {
      const file = attachments.get(download[1]!);
      record({
        method,
        route: 'GET /attachments/:id/:filename',
        path: fullPath,
        params: { id: download[1]! },
        query,
        body: {},
        files: [],
        auth,
        contentType,
        status: file ? 200 : 404,
        response: file ? { bytes: file.data.length } : { message: 'Not Found' },
      });
      if (!file) return send({ status: 404, body: { message: '404: Not Found', code: 0 } });
      response.writeHead(200, {
        'content-type': file.contentType,
        'content-length': String(file.data.length),
      });
      response.end(file.data);
      return;
    }

    const parsed = await parseBody(raw, contentType);
    const prefix = '/api/v10';
    const path = fullPath.startsWith(`${prefix}/`) ? fullPath.slice(prefix.length) : fullPath;
    let matched: { r: Route; params: Record<string, string> } | undefined;
    if (fullPath.startsWith(`${prefix}/`)) {
      for (const r of ROUTES) {
        const m = r.method === method ? r.pattern.exec(path) : null;
        if (m) {
          matched = { r, params: { ...(m.groups ?? {}) } };
          break;
        }
      }
    }
    const routeName = matched ? `${method} ${matched.r.template}` : `${method} ${path}`;
    let result: Answer;
    if (!matched) result = { status: 404, body: { message: '404: Not Found', code: 0 } };
    else if (matched.r.bot && auth !== `Bot ${token}`)
      result = { status: 401, body: { message: '401: Unauthorized', code: 0 } };
    else if (parsed.unreadable !== undefined)
      result = { status: 400, body: { message: '400: Bad Request', code: 50109 } };
    else if (failures.has(routeName)) {
      const failure = failures.get(routeName)!;
      failures.delete(routeName);
      const status = failure.status ?? 500;
      if (status === 429) {
        const retryAfter = failure.retryAfter ?? 0.05;
        result = {
          status,
          body: {
            message: failure.message ?? 'You are being rate limited.',
            retry_after: retryAfter,
            global: false,
            code: failure.code ?? 0,
          },
          headers: {
            'retry-after': String(Math.ceil(retryAfter)),
            'x-ratelimit-limit': '5',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset-after': String(retryAfter),
            'x-ratelimit-scope': 'user',
          },
        };
      } else {
        result = {
          status,
          body: { message: failure.message ?? `${status}: fake failure`, code: failure.code ?? 0 },
        };
      }
    } else result = answer(matched.r, matched.params, query, parsed);

    record({
      method,
      route: routeName,
      path,
      params: matched?.params ?? {},
      query,
      body: parsed.body,
      ...(parsed.list ? { list: parsed.list } : {}),
      files: parsed.files,
      auth,
      contentType,
      status: result.status,
      response: result.body,
    });
    send(result);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500);
      response.end(String(error));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    apiUrl: `${url}/api`,
    token,
    applicationId,
    botUserId,
    calls,
    commands,
    of: recorder.of,
    waitFor: recorder.waitFor,
    mark: recorder.mark,
    failNext: (routeName, failure = {}) => {
      failures.set(routeName, failure);
    },
    messagesIn: (channelId) => [...messages.values()].filter((m) => m.channelId === channelId && !m.deleted),
    webhookCalls: (interactionToken) =>
      calls.filter(
        (c) =>
          c.params.token === interactionToken &&
          (c.route.includes(' /webhooks/') || c.route.includes(' /interactions/')),
      ),
    original: (interactionToken) => originals.get(interactionToken),
    followUps: (interactionToken) =>
      [...messages.values()].filter(
        (m) => m.token === interactionToken && originals.get(interactionToken) !== m && !m.deleted,
      ),
    attachment: (filename, data, contentType = 'application/octet-stream') =>
      storeFile({ field: 'files[0]', name: filename, contentType, data }),
    clear: recorder.clear,
    close: async () => {
      if (!server.listening) return;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
