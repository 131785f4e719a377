// Bolt wiring: every listener parses the payload, calls the bot core, and delivers what it answers.
// Nothing here decides anything about orders.

import { App, type Logger, LogLevel } from '@slack/bolt';
import type { CollectionRunner } from '../../collect/runner.js';
import type { Desk } from '../../domain/context.js';
import { identityProfile, rememberProfile, resolveActorWithProfile } from '../../domain/services/actors.js';
import type { Actor } from '../../domain/types.js';
import { FileRejected } from '../../excel/types.js';
import { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from '../../excel/upload.js';
import { type Locale, pickLocale } from '../../i18n/catalog.js';
import { t } from '../../i18n/messages.js';
import { approvalNotifier } from '../core/approval-posts.js';
import { runCommand } from '../core/commands.js';
import {
  type BotContext,
  type ChannelPoster,
  type ChatRefs,
  type Notifier,
  withPeers,
} from '../core/context.js';
import { exportFile } from '../core/export-file.js';
import { fileRefusalReply, previewFileReply, uploadFormReply } from '../core/imports.js';
import { type Checked, checkForm, handleAction, productOptions, submitForm } from '../core/interactions.js';
import {
  ACTIONS,
  type ActionId,
  type BotReply,
  type ExportRequest,
  FORMS,
  type FormId,
} from '../core/model.js';
import { messageView } from '../core/views.js';
import { slackPosts } from './posts.js';
import { FastifySlackReceiver } from './receiver.js';
import { formValues, LIMITS, renderMessage, renderModal } from './render.js';

export interface SlackOptions {
  botToken: string;
  signingSecret: string;
  /** Socket Mode instead of the HTTP endpoint. */
  appToken?: string;
  /** Web API base, e.g. a fake in tests (default https://slack.com/api/). */
  apiUrl?: string;
  approvalsChannel?: string;
  defaultLocale: Locale;
  botId?: string;
  botUserId?: string;
  logLevel?: string;
  uploadLimits?: UploadLimits;
  /** Runs collections started from Slack (absent: `/orders collect` says it is off). */
  collector?: CollectionRunner;
  collectionChannel?: string;
  digestChannel?: string;
  /** Least time between two edits of a collection's progress message. */
  progressGapMs?: number;
  /** Other platforms' notifiers: an approval asked or decided here reaches their approvers too. */
  peers?: () => Notifier[];
}

export interface SlackAdapter {
  app: App;
  /** The HTTP receiver's fastify plugin (absent in Socket Mode). */
  receiver: FastifySlackReceiver | null;
  notifier: Notifier;
  /** Collection results and the digest to their channels. */
  poster: ChannelPoster;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const FORM_IDS = new Set<string>(Object.values(FORMS));
const STASH_PREFIX = 'stash:';
const FORM_TTL_MS = 3 * 3600_000;

export const slackIdentity = (team: string, user: string) => `slack:${team}:${user}`;
const userOf = (identity: string) => (identity.startsWith('slack:') ? identity.split(':')[2]! : null);
export const slackMention = (identity: string) => {
  const user = userOf(identity);
  return user ? `<@${user}>` : identity;
};

export function createSlackAdapter(
  desk: Desk,
  refs: ChatRefs,
  options: SlackOptions,
  logger?: Logger,
): SlackAdapter {
  const receiver = options.appToken
    ? null
    : new FastifySlackReceiver({
        signingSecret: options.signingSecret,
        onError: (e) => logger?.error(e),
      });
  const app = new App({
    token: options.botToken,
    botId: options.botId,
    botUserId: options.botUserId,
    ...(receiver ? { receiver } : { appToken: options.appToken, socketMode: true }),
    clientOptions: {
      ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
      // Interactive paths cannot wait half an hour for rate limits: a few quick retries only.
      retryConfig: { retries: 2, factor: 1.5, minTimeout: 200, maxTimeout: 1500 },
    },
    logger,
    logLevel: (options.logLevel as LogLevel | undefined) ?? LogLevel.WARN,
  });
  const client = app.client;
  const replyOrigins = new Set([
    'https://hooks.slack.com',
    ...(options.apiUrl ? [new URL(options.apiUrl).origin] : []),
  ]);

  async function localeOf(identity: string, cached?: string | null): Promise<Locale> {
    const known = cached === undefined ? (await identityProfile(desk, identity))?.locale : cached;
    if (known) return pickLocale(known, options.defaultLocale);
    const user = userOf(identity);
    if (!user) return options.defaultLocale;
    try {
      const info = await client.users.info({ user, include_locale: true });
      const locale = info.user?.locale ?? null;
      await rememberProfile(desk, identity, {
        locale,
        displayName: info.user?.real_name ?? info.user?.name ?? null,
      });
      return pickLocale(locale, options.defaultLocale);
    } catch (e) {
      logger?.warn(`users.info failed for ${user}: ${(e as Error).message}`);
      return options.defaultLocale;
    }
  }

  async function contextFor(
    team: string,
    user: string,
    reply?: string,
    origin?: string,
  ): Promise<BotContext> {
    const identity = slackIdentity(team, user);
    const resolved = await resolveActorWithProfile(desk, identity, 'slack');
    const actor = resolved.actor;
    const locale = await localeOf(identity, resolved.locale);
    const identityOf = (mention: string) => {
      const m = /^<@([UW][A-Z0-9]+)(\|[^>]*)?>$/.exec(mention);
      return m ? slackIdentity(team, m[1]!) : null;
    };
    return {
      desk,
      actor,
      locale,
      notifier: withPeers(notifier, options.peers),
      reply,
      origin,
      collector,
      mention: slackMention,
      identityOf,
    };
  }

  async function postReply(url: string | undefined, payload: Record<string, unknown>): Promise<boolean> {
    if (!url) return false;
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      return false;
    }
    if (!replyOrigins.has(origin)) return false;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    return res.ok;
  }

  async function metadata(form: BotReply & { kind: 'form' }, reply?: string): Promise<string> {
    const json = JSON.stringify({ ...form.form.meta, reply });
    if (json.length <= LIMITS.privateMetadata) return json;
    return `${STASH_PREFIX}${await refs.stash({ ...form.form.meta, reply }, FORM_TTL_MS)}`;
  }

  async function readMetadata(raw: string): Promise<Record<string, unknown> | null> {
    try {
      if (raw.startsWith(STASH_PREFIX))
        return ((await refs.unstash(raw.slice(STASH_PREFIX.length))) as Record<string, unknown>) ?? null;
      return raw ? JSON.parse(raw) : {};
    } catch {
      return null;
    }
  }

  /** Delivers a reply: a modal, or a message to the person (through the response URL, else by DM). */
  async function deliver(
    reply: BotReply,
    to: { user: string; replyUrl?: string; triggerId?: string },
    ctx?: BotContext,
  ): Promise<void> {
    if (reply.kind === 'none' || reply.kind === 'errors') return;
    if (reply.kind === 'export') {
      if (!ctx) return;
      const rows = await exportToDm(ctx.actor, ctx.locale, to.user, reply.request);
      await deliver({ kind: 'view', view: messageView(t(ctx.locale, 'export.sent', { n: rows })) }, to);
      return;
    }
    if (reply.kind === 'file') {
      const im = await client.conversations.open({ users: to.user });
      await client.filesUploadV2({
        channel_id: im.channel?.id ?? to.user,
        file: reply.file.bytes,
        filename: reply.file.name,
        initial_comment: reply.file.comment,
      });
      await deliver({ kind: 'view', view: reply.done }, to);
      return;
    }
    if (reply.kind === 'form') {
      if (!to.triggerId) return;
      await client.views.open({
        trigger_id: to.triggerId,
        view: renderModal(reply.form, await metadata(reply, to.replyUrl)) as never,
      });
      return;
    }
    const message = renderMessage(reply.view);
    const sent = await postReply(
      to.replyUrl,
      reply.replaceOriginal
        ? { replace_original: true, ...message }
        : { response_type: 'ephemeral', replace_original: false, ...message },
    );
    if (!sent) await client.chat.postMessage({ channel: to.user, ...message });
  }

  /** R13: writes the export (audited with its reason) and sends it to the user's DM with files.uploadV2. */
  async function exportToDm(
    actor: Actor,
    locale: Locale,
    user: string,
    request: ExportRequest,
  ): Promise<number> {
    const file = await exportFile(desk, actor, locale, request);
    await sendFile(user, file, t(locale, 'export.comment', { n: file.rows, reason: request.reason }));
    return file.rows;
  }

  /** A file to the user's DM, with files.uploadV2. */
  async function sendFile(user: string, file: { name: string; bytes: Buffer }, comment: string) {
    const im = await client.conversations.open({ users: user });
    await client.filesUploadV2({
      channel_id: im.channel?.id ?? user,
      file: file.bytes,
      filename: file.name,
      initial_comment: comment,
    });
  }

  const { collector, poster } = slackPosts(
    desk,
    client,
    options.collector,
    {
      collectionChannel: options.collectionChannel,
      digestChannel: options.digestChannel,
      defaultLocale: options.defaultLocale,
      progressGapMs: options.progressGapMs,
    },
    slackMention,
    logger,
  );

  const notifier = approvalNotifier(
    desk,
    refs,
    {
      platform: 'slack',
      userOf,
      mention: slackMention,
      localeOf: (identity) => localeOf(identity),
      post: async (channel, view) => {
        const posted = await client.chat.postMessage({ channel, ...renderMessage(view) });
        return posted.ts ? { channel: posted.channel ?? channel, ts: posted.ts } : null;
      },
      dm: async (user) => (await client.conversations.open({ users: user })).channel?.id ?? user,
      edit: async (ref, view) => {
        await client.chat.update({ channel: ref.channel, ts: ref.ts, ...renderMessage(view) });
      },
      sendFile,
    },
    {
      approvalsChannel: options.approvalsChannel,
      defaultLocale: options.defaultLocale,
      warn: (what) => (e) => logger?.warn(`${what}: ${(e as Error).message}`),
    },
  );

  app.command('/orders', async ({ command, ack }) => {
    await ack();
    const ctx = await contextFor(command.team_id, command.user_id, command.response_url, command.channel_id);
    const reply = await runCommand(ctx, command.text ?? '');
    await deliver(
      reply,
      { user: command.user_id, replyUrl: command.response_url, triggerId: command.trigger_id },
      ctx,
    );
  });

  app.action(/^om:/, async ({ action, body, ack }) => {
    await ack();
    const a = action as {
      action_id: string;
      type: string;
      value?: string;
      selected_option?: { value: string };
    };
    const actionId = a.action_id.split(':').slice(0, 2).join(':') as ActionId;
    if (actionId === 'om:select') return; // ticking a checkbox changes nothing until a button is pressed
    if (actionId === ACTIONS.importOpen) {
      const b0 = body as {
        team?: { id: string };
        user: { id: string; team_id?: string };
        trigger_id?: string;
        response_url?: string;
      };
      const v = (() => {
        try {
          return JSON.parse(a.value ?? '') as { id: string; name: string };
        } catch {
          return null;
        }
      })();
      if (!v || !b0.trigger_id) return;
      const ctx0 = await contextFor(b0.team?.id ?? b0.user.team_id ?? '', b0.user.id, b0.response_url);
      await openUpload(ctx0, v, b0.trigger_id);
      return;
    }
    const b = body as {
      team?: { id: string };
      user: { id: string; team_id?: string };
      channel?: { id: string };
      response_url?: string;
      trigger_id?: string;
      state?: { values: Record<string, Record<string, { selected_options?: { value: string }[] }>> };
    };
    const team = b.team?.id ?? b.user.team_id ?? '';
    const ctx = await contextFor(team, b.user.id, b.response_url, b.channel?.id);
    const reply = await handleAction(
      ctx,
      actionId,
      a.value ?? a.selected_option?.value ?? '',
      checkedOrders(b.state?.values),
    );
    await deliver(reply, { user: b.user.id, replyUrl: b.response_url, triggerId: b.trigger_id }, ctx);
  });

  app.view(/^om:form:/, async ({ ack, view, body }) => {
    const formId = view.callback_id;
    if (!FORM_IDS.has(formId)) return ack();
    const meta = await readMetadata(view.private_metadata);
    const team = body.team?.id ?? body.user.team_id ?? '';
    const reply = typeof meta?.reply === 'string' ? meta.reply : undefined;
    const origin = typeof meta?.origin === 'string' ? meta.origin : undefined;
    const ctx = await contextFor(team, body.user.id, reply, origin);
    if (!meta) {
      await ack();
      await deliver(
        { kind: 'view', view: messageView(t(ctx.locale, 'error.expired')) },
        { user: body.user.id, replyUrl: reply },
      );
      return;
    }
    const values = formValues(view.state.values as never);
    const errors = await checkForm(ctx, formId as FormId, values);
    if (Object.keys(errors).length) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    if (formId === FORMS.upload) {
      const got = await download(String(meta.fileId ?? '')).catch((e) =>
        e instanceof FileRejected ? e : null,
      );
      const answer =
        got instanceof FileRejected
          ? fileRefusalReply(ctx, got)
          : got
            ? await previewFileReply(ctx, got.bytes, String(meta.fileName ?? got.name), values, limits)
            : ({ kind: 'view', view: messageView(t(ctx.locale, 'import.downloadFailed')) } as const);
      await deliver(answer, { user: body.user.id, replyUrl: reply }, ctx);
      return;
    }
    const result = await submitForm(ctx, formId as FormId, meta, values);
    await deliver(result, { user: body.user.id, replyUrl: reply }, ctx);
  });

  const limits = options.uploadLimits ?? DEFAULT_UPLOAD_LIMITS;
  const seenEvents = new Set<string>();

  /** A shared file's bytes, fetched with the bot token; Slack answers an HTML login page when that fails. */
  async function download(fileId: string): Promise<{ bytes: Buffer; name: string } | null> {
    const info = await client.files.info({ file: fileId });
    const url = info.file?.url_private_download ?? info.file?.url_private;
    if (!url) return null;
    const res = await fetch(url, { headers: { authorization: `Bearer ${options.botToken}` } });
    if (!res.ok || (res.headers.get('content-type') ?? '').startsWith('text/html')) return null;
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > limits.maxBytes) throw new FileRejected('TOO_LARGE', { max: limits.maxBytes });
    return { bytes: Buffer.from(await res.arrayBuffer()), name: info.file?.name ?? 'upload' };
  }

  /** Opens the template form at once (trigger ids last seconds), then preselects the suggestion. */
  async function openUpload(ctx: BotContext, file: { id: string; name: string }, triggerId: string) {
    const first = await uploadFormReply(ctx, file);
    if (first.kind !== 'form') return;
    const opened = await client.views.open({
      trigger_id: triggerId,
      view: renderModal(first.form, await metadata(first, ctx.reply)) as never,
    });
    const got = await download(file.id).catch(() => null);
    if (!got || !opened.view?.id) return;
    const suggested = await uploadFormReply(ctx, file, got.bytes);
    if (suggested.kind !== 'form') return;
    await client.views.update({
      view_id: opened.view.id,
      hash: opened.view.hash,
      view: renderModal(suggested.form, await metadata(suggested, ctx.reply)) as never,
    });
  }

  app.shortcut('om:import', async ({ ack, shortcut }) => {
    await ack();
    const s = shortcut as {
      team?: { id: string };
      user: { id: string; team_id?: string };
      trigger_id: string;
      response_url?: string;
      message?: { files?: { id: string; name?: string }[] };
    };
    const ctx = await contextFor(s.team?.id ?? s.user.team_id ?? '', s.user.id, s.response_url);
    const file = s.message?.files?.[0];
    if (!file) {
      await deliver(
        { kind: 'view', view: messageView(t(ctx.locale, 'import.noFile')) },
        { user: s.user.id, replyUrl: s.response_url },
      );
      return;
    }
    await openUpload(ctx, { id: file.id, name: file.name ?? 'upload' }, s.trigger_id);
  });

  // A file sent to the bot by DM: offer to import it (the button gives the trigger id the form needs).
  app.event('message', async ({ event, body }) => {
    const e = event as {
      channel_type?: string;
      subtype?: string;
      user?: string;
      channel: string;
      files?: { id: string; name?: string }[];
    };
    const eventId = (body as { event_id?: string }).event_id;
    if (eventId) {
      if (seenEvents.has(eventId)) return;
      seenEvents.add(eventId);
      if (seenEvents.size > 1000) seenEvents.delete(seenEvents.values().next().value!);
    }
    if (e.channel_type !== 'im' || e.subtype !== 'file_share' || !e.user || !e.files?.length) return;
    const team = (body as { team_id?: string }).team_id ?? '';
    const ctx = await contextFor(team, e.user);
    for (const file of e.files.slice(0, 5)) {
      const name = file.name ?? 'upload';
      const view = {
        text: t(ctx.locale, 'import.received', { name }),
        blocks: [
          { type: 'text' as const, text: t(ctx.locale, 'import.received', { name }) },
          {
            type: 'buttons' as const,
            buttons: [
              {
                action: ACTIONS.importOpen,
                label: t(ctx.locale, 'import.open'),
                value: JSON.stringify({ id: file.id, name: name.slice(0, 200) }),
                style: 'primary' as const,
              },
            ],
          },
        ],
      };
      await client.chat.postMessage({ channel: e.channel, ...renderMessage(view) });
    }
  });

  app.options(/^(product[23]?|newProduct|giftProduct)$/, async ({ ack, body, payload }) => {
    const b = body as { team?: { id: string }; user: { id: string; team_id?: string } };
    const ctx = await contextFor(b.team?.id ?? b.user.team_id ?? '', b.user.id);
    const options = await productOptions(ctx, (payload as { value?: string }).value ?? '');
    await ack({
      options: options.map((o) => ({ text: { type: 'plain_text', text: o.label }, value: o.value })),
    });
  });

  app.error(async (error) => {
    logger?.error(error);
  });

  return {
    app,
    receiver,
    notifier,
    poster,
    start: async () => {
      if (!receiver) await app.start();
    },
    stop: async () => {
      if (!receiver) await app.stop();
    },
  };
}

/** The orders ticked on a list message, with the versions shown. */
function checkedOrders(
  values: Record<string, Record<string, { selected_options?: { value: string }[] }>> | undefined,
): Checked[] {
  const checked: Checked[] = [];
  for (const [blockId, elements] of Object.entries(values ?? {})) {
    if (!blockId.startsWith('pick:')) continue;
    for (const element of Object.values(elements)) {
      for (const option of element.selected_options ?? []) {
        try {
          const v = JSON.parse(option.value) as { s: number; v: number };
          if (Number.isInteger(v.s) && Number.isInteger(v.v)) checked.push({ serial: v.s, version: v.v });
        } catch {
          // an option we did not write: ignore it
        }
      }
    }
  }
  return checked;
}
