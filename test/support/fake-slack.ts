// A fake Slack Web API on loopback: records every call (method, parsed body, auth header) and answers
// the way Slack does, including Slack's refusals of oversized Block Kit. It also serves response URLs
// (POST /response/<id>) and file upload URLs (POST /upload/<file id>), recorded as calls too.
//
//   const fake = await startFakeSlack({ locales: { UKO: 'ko-KR', UEN: 'en-US' } });
//   … apiUrl: `${fake.url}/api/` …
//   const open = await fake.waitFor('views.open');
//   await fake.close();
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callRecorder, type WaitOptions } from './recorder.js';

export const FAKE_BOT_TOKEN = 'xoxb-test';
export const FAKE_TEAM = 'T1';

export interface FakeCall {
  /** Order of arrival, from 1. */
  seq: number;
  /** The Web API method (`views.open`), or `response` for a response URL, `upload` for an upload URL. */
  method: string;
  path: string;
  /** The response URL's or upload's id (`/response/<id>`, `/upload/<id>`). */
  id?: string;
  /** The parsed body; form fields that hold JSON (`view`, `blocks`) are parsed too. */
  body: Record<string, unknown>;
  /** Bytes received, for uploads. */
  bytes?: number;
  /** The uploaded file itself, for uploads. */
  data?: Buffer;
  auth: string | undefined;
  contentType: string;
  /** What the fake answered. */
  response: Record<string, unknown>;
}

export interface FakeSlack {
  /** Base URL, e.g. http://127.0.0.1:43121 (the Web API is under `/api/`). */
  url: string;
  apiUrl: string;
  calls: FakeCall[];
  /** User id → locale returned by users.info (with include_locale). */
  locales: Map<string, string>;
  /** Calls of one method (after a mark, if given). */
  of(method: string, after?: number): FakeCall[];
  /** The first call of `method` (after `options.after`) that matches; waits for it up to the timeout. */
  waitFor(method: string, options?: WaitOptions<FakeCall>): Promise<FakeCall>;
  /** The seq of the last call so far: pass it as `after` to wait for what comes next. */
  mark(): number;
  /** A response URL this fake serves; its POSTs are recorded as `response` calls with this id. */
  responseUrl(id?: string): string;
  /** The messages posted to one response URL. */
  responses(url: string): FakeCall[];
  /** Makes the next call of `method` fail with this Slack error (e.g. `ratelimited`, `invalid_arguments`). */
  failNext(method: string, error: string): void;
  clear(): void;
  /** Files users shared: files.info describes them and GET /files/<id> serves them with the bot token. */
  files: Map<string, { name: string; bytes: Buffer; mimetype: string }>;
  /** Stops the server (again: nothing). */
  close(): Promise<void>;
}

const JSON_FIELDS = new Set(['view', 'blocks', 'attachments', 'files', 'metadata', 'users']);

function parseForm(raw: string): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(key) && /^[[{]/.test(value)) {
      try {
        body[key] = JSON.parse(value);
        continue;
      } catch {
        // kept as text
      }
    }
    body[key] = value;
  }
  return body;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// --- Slack's Block Kit limits, as Slack enforces them --------------------------------------------------

type Json = Record<string, unknown>;

const textOf = (t: unknown) => (t && typeof t === 'object' ? String((t as Json).text ?? '') : '');
const len = (s: string) => [...s].length;

function optionProblems(where: string, options: unknown, max: number, problems: string[]) {
  const list = Array.isArray(options) ? (options as Json[]) : [];
  if (list.length > max) problems.push(`${where}: ${list.length} options > ${max}`);
  for (const o of list) {
    if (len(textOf(o.text)) > 75) problems.push(`${where}: option text > 75`);
    if (String(o.value ?? '').length > 150) problems.push(`${where}: option value > 150`);
  }
}

function elementProblems(where: string, e: Json, problems: string[]) {
  const actionId = String(e.action_id ?? '');
  if (actionId.length > 255) problems.push(`${where}: action_id > 255`);
  switch (e.type) {
    case 'button':
      if (len(textOf(e.text)) > 75) problems.push(`${where}: button text > 75`);
      if (String(e.value ?? '').length > 2000) problems.push(`${where}: button value > 2000`);
      break;
    case 'overflow': {
      const n = Array.isArray(e.options) ? e.options.length : 0;
      if (n < 1 || n > 5) problems.push(`${where}: overflow with ${n} options`);
      optionProblems(where, e.options, 5, problems);
      break;
    }
    case 'checkboxes':
      optionProblems(where, e.options, 10, problems);
      break;
    case 'static_select':
    case 'multi_static_select':
      optionProblems(where, e.options, 100, problems);
      break;
    case 'plain_text_input':
      if (typeof e.initial_value === 'string' && typeof e.max_length === 'number') {
        if (len(e.initial_value) > e.max_length) problems.push(`${where}: initial_value > max_length`);
      }
      if (typeof e.max_length === 'number' && e.max_length > 3000)
        problems.push(`${where}: max_length > 3000`);
      break;
  }
}

/** What Slack would refuse in these blocks (empty when Slack takes them). */
export function blockProblems(blocks: unknown, maxBlocks: number): string[] {
  const problems: string[] = [];
  const list = Array.isArray(blocks) ? (blocks as Json[]) : [];
  if (list.length > maxBlocks) problems.push(`${list.length} blocks > ${maxBlocks}`);
  list.forEach((b, i) => {
    const where = `blocks[${i}] ${String(b.type)}`;
    if (String(b.block_id ?? '').length > 255) problems.push(`${where}: block_id > 255`);
    switch (b.type) {
      case 'header':
        if (len(textOf(b.text)) > 150) problems.push(`${where}: header > 150`);
        break;
      case 'section': {
        if (b.text && len(textOf(b.text)) > 3000) problems.push(`${where}: text > 3000`);
        const fields = Array.isArray(b.fields) ? (b.fields as Json[]) : [];
        if (fields.length > 10) problems.push(`${where}: ${fields.length} fields > 10`);
        for (const f of fields) if (len(textOf(f)) > 2000) problems.push(`${where}: field > 2000`);
        if (!b.text && fields.length === 0) problems.push(`${where}: neither text nor fields`);
        if (b.accessory) elementProblems(`${where} accessory`, b.accessory as Json, problems);
        break;
      }
      case 'actions': {
        const elements = Array.isArray(b.elements) ? (b.elements as Json[]) : [];
        if (elements.length > 25) problems.push(`${where}: ${elements.length} elements > 25`);
        for (const e of elements) elementProblems(where, e, problems);
        break;
      }
      case 'context': {
        const elements = Array.isArray(b.elements) ? (b.elements as Json[]) : [];
        if (elements.length > 10) problems.push(`${where}: ${elements.length} elements > 10`);
        for (const e of elements) if (len(textOf(e)) > 3000) problems.push(`${where}: text > 3000`);
        break;
      }
      case 'input': {
        if (len(textOf(b.label)) > 2000) problems.push(`${where}: label > 2000`);
        if (b.element) elementProblems(where, b.element as Json, problems);
        break;
      }
    }
  });
  return problems;
}

/** What Slack would refuse in a message (chat.postMessage, chat.update, a response URL). */
export function messageProblems(message: Json): string[] {
  const problems = blockProblems(message.blocks, 50);
  const chars = JSON.stringify(message.blocks ?? []).length;
  if (chars > 13_200) problems.push(`blocks JSON ${chars} characters (msg_blocks_too_long)`);
  return problems;
}

/** What Slack would refuse in a modal (views.open, views.update, views.push). */
export function viewProblems(view: unknown): string[] {
  if (!view || typeof view !== 'object') return ['no view'];
  const v = view as Json;
  const problems = blockProblems(v.blocks, 100);
  for (const key of ['title', 'submit', 'close'] as const) {
    if (v[key] && len(textOf(v[key])) > 24) problems.push(`${key} > 24`);
  }
  if (!v.title) problems.push('no title');
  if (String(v.private_metadata ?? '').length > 3000) problems.push('private_metadata > 3000');
  if (String(v.callback_id ?? '').length > 255) problems.push('callback_id > 255');
  return problems;
}

// --- the server -----------------------------------------------------------------------------------------

export async function startFakeSlack(
  options: { token?: string; locales?: Record<string, string> } = {},
): Promise<FakeSlack> {
  const token = options.token ?? FAKE_BOT_TOKEN;
  const recorder = callRecorder<FakeCall>({
    fake: 'fake Slack',
    nameOf: (c) => c.method,
    describe: (c) => c.method,
  });
  const { calls, record } = recorder;
  const locales = new Map(Object.entries(options.locales ?? {}));
  const files = new Map<string, { name: string; bytes: Buffer; mimetype: string }>();
  const failures = new Map<string, string>();
  let counter = 0;
  let url = '';
  const next = () => ++counter;
  const ts = () => `1700000000.${String(next()).padStart(6, '0')}`;

  function answer(method: string, body: Json): Json {
    const failure = failures.get(method);
    if (failure) {
      failures.delete(method);
      return { ok: false, error: failure };
    }
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://acme.slack.com/',
          team: 'Acme',
          user: 'ordermate',
          team_id: FAKE_TEAM,
          user_id: 'UBOT',
          bot_id: 'B1',
        };
      case 'users.info': {
        const user = String(body.user ?? '');
        if (!user) return { ok: false, error: 'user_not_found' };
        const locale = locales.get(user);
        const withLocale = body.include_locale === 'true' || body.include_locale === true;
        return {
          ok: true,
          user: {
            id: user,
            team_id: FAKE_TEAM,
            name: user.toLowerCase(),
            real_name: `User ${user}`,
            ...(withLocale && locale ? { locale } : {}),
          },
        };
      }
      case 'views.open':
      case 'views.push':
      case 'views.update': {
        if (method === 'views.update' ? !body.view_id && !body.external_id : !body.trigger_id) {
          return { ok: false, error: 'invalid_arguments' };
        }
        const problems = viewProblems(body.view);
        if (problems.length)
          return { ok: false, error: 'invalid_arguments', response_metadata: { messages: problems } };
        const id = method === 'views.update' ? String(body.view_id) : `V${next()}`;
        return {
          ok: true,
          view: { ...(body.view as Json), id, team_id: FAKE_TEAM, hash: `h${next()}`, state: { values: {} } },
        };
      }
      case 'chat.postMessage':
      case 'chat.update':
      case 'chat.postEphemeral': {
        if (!body.channel) return { ok: false, error: 'channel_not_found' };
        if (!body.text && !body.blocks) return { ok: false, error: 'no_text' };
        const problems = messageProblems(body);
        if (problems.length)
          return { ok: false, error: 'invalid_blocks', response_metadata: { messages: problems } };
        if (method === 'chat.postEphemeral') return { ok: true, message_ts: ts() };
        if (method === 'chat.update') {
          if (!body.ts) return { ok: false, error: 'message_not_found' };
          return { ok: true, channel: body.channel, ts: body.ts, text: body.text };
        }
        return {
          ok: true,
          channel: body.channel,
          ts: ts(),
          message: { type: 'message', text: body.text, blocks: body.blocks, bot_id: 'B1', user: 'UBOT' },
        };
      }
      case 'conversations.open': {
        const users = String(body.users ?? '');
        if (!users) return { ok: false, error: 'users_list_not_supplied' };
        return { ok: true, channel: { id: `D${users.split(',')[0]}` } };
      }
      case 'files.info': {
        const file = files.get(String(body.file ?? ''));
        if (!file) return { ok: false, error: 'file_not_found' };
        return {
          ok: true,
          file: {
            id: body.file,
            name: file.name,
            mimetype: file.mimetype,
            url_private_download: `${url}/files/${body.file}`,
          },
        };
      }
      case 'files.getUploadURLExternal': {
        if (!body.filename || !body.length) return { ok: false, error: 'invalid_arguments' };
        const file = `F${next()}`;
        return { ok: true, upload_url: `${url}/upload/${file}`, file_id: file };
      }
      case 'files.completeUploadExternal': {
        const files = Array.isArray(body.files) ? (body.files as Json[]) : [];
        if (files.length === 0) return { ok: false, error: 'invalid_arguments' };
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title ?? '' })) };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://fake').pathname;
    const raw = await readBody(request);
    const contentType = String(request.headers['content-type'] ?? '');
    const auth =
      typeof request.headers.authorization === 'string' ? request.headers.authorization : undefined;
    const send = (status: number, payload: Json | string) => {
      response.writeHead(status, {
        'content-type': typeof payload === 'string' ? 'text/plain' : 'application/json; charset=utf-8',
      });
      response.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
    };
    const shared = path.match(/^\/files\/(\w+)$/);
    if (request.method === 'GET' && shared) {
      const file = files.get(shared[1]!);
      record({
        method: 'download',
        path,
        id: shared[1],
        body: {},
        auth,
        contentType,
        response: { ok: Boolean(file) },
      });
      if (!file || auth !== `Bearer ${token}`) {
        // What Slack does without a valid token: a login page, with status 200.
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end('<!DOCTYPE html><html><body>Sign in to Slack</body></html>');
        return;
      }
      response.writeHead(200, { 'content-type': file.mimetype, 'content-length': String(file.bytes.length) });
      response.end(file.bytes);
      return;
    }
    if (request.method !== 'POST') return send(405, { ok: false, error: 'method_not_allowed' });

    const response_ = path.match(/^\/response\/([\w-]+)$/);
    if (response_) {
      let body: Json = {};
      try {
        body = JSON.parse(raw.toString('utf8')) as Json;
      } catch {
        body = { unreadable: raw.toString('utf8') };
      }
      const problems = messageProblems(body);
      const answer_ = problems.length ? { ok: false, error: 'invalid_blocks', problems } : { ok: true };
      record({ method: 'response', path, id: response_[1], body, auth, contentType, response: answer_ });
      return send(problems.length ? 400 : 200, problems.length ? answer_ : 'ok');
    }

    const upload = path.match(/^\/upload\/(F\d+)$/);
    if (upload) {
      const ok = auth === `Bearer ${token}`;
      const answer_ = ok ? { ok: true } : { ok: false, error: 'invalid_auth' };
      // The upload URL takes the bytes raw or as a multipart form (what @slack/web-api sends).
      let bytes = raw.length;
      let data: Buffer = raw;
      const body: Json = {};
      if (contentType.startsWith('multipart/form-data')) {
        const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
        bytes = 0;
        for (const [key, value] of form) {
          if (typeof value === 'string') body[key] = value;
          else {
            bytes += value.size;
            data = Buffer.from(await value.arrayBuffer());
            body[key] = { filename: value.name, size: value.size };
          }
        }
      }
      record({
        method: 'upload',
        path,
        id: upload[1],
        body,
        bytes,
        data,
        auth,
        contentType,
        response: answer_,
      });
      return ok ? send(200, `OK - ${raw.length}`) : send(401, answer_);
    }

    const api = path.match(/^\/api\/([\w.]+)$/);
    if (!api) return send(404, { ok: false, error: 'not_found' });
    const method = api[1]!;
    const text = raw.toString('utf8');
    let body: Json;
    if (contentType.includes('application/json')) {
      try {
        body = JSON.parse(text) as Json;
      } catch {
        body = {};
      }
    } else body = parseForm(text);
    const authorized = auth === `Bearer ${token}` || (!auth && body.token === token);
    const result = authorized ? answer(method, body) : { ok: false, error: 'invalid_auth' };
    record({ method, path, body, auth, contentType, response: result });
    // Slack answers 200 with ok:false for API errors.
    return send(200, result);
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

  let responses = 0;
  return {
    url,
    apiUrl: `${url}/api/`,
    calls,
    locales,
    files,
    of: recorder.of,
    waitFor: recorder.waitFor,
    mark: recorder.mark,
    responseUrl: (id = String(++responses)) => `${url}/response/${id}`,
    responses: (responseUrl) =>
      calls.filter((c) => c.method === 'response' && `${url}${c.path}` === responseUrl),
    failNext: (method, error) => {
      failures.set(method, error);
    },
    clear: recorder.clear,
    close: async () => {
      if (!server.listening) return;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
