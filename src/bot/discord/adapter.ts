// Discord over HTTP interactions: POST /discord/interactions in its own encapsulated plugin (raw body for
// the Ed25519 check), every interaction parsed, handed to the bot core, and its reply rendered. Replies
// that take longer than Discord's three seconds are deferred and sent later through @discordjs/rest;
// posts to channels (approvals, collection results, the digest) use the bot token.
import { REST } from '@discordjs/rest';
import {
  type APIInteraction,
  type APIInteractionResponse,
  type APIUser,
  ApplicationCommandOptionType,
  InteractionResponseType,
  InteractionType,
  Routes,
} from 'discord-api-types/v10';
import type { FastifyPluginAsync } from 'fastify';
import type { CollectionRunner } from '../../collect/runner.js';
import type { Desk } from '../../domain/context.js';
import { identityProfile, rememberProfile, resolveActorWithProfile } from '../../domain/services/actors.js';
import { listChannels } from '../../domain/services/catalog.js';
import { FileRejected } from '../../excel/types.js';
import { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from '../../excel/upload.js';
import { type Locale, pickLocale } from '../../i18n/catalog.js';
import { t } from '../../i18n/messages.js';
import { approvalNotifier } from '../core/approval-posts.js';
import { collectionPosts } from '../core/collection-posts.js';
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
import { type Checked, checkForm, handleAction, submitForm } from '../core/interactions.js';
import {
  ACTIONS,
  type ActionId,
  type BotReply,
  type Button,
  FORMS,
  type Form,
  type View,
} from '../core/model.js';
import { messageView } from '../core/views.js';
import { discordSubcommandText } from './commands.js';
import { type FormDraft, fieldHint, isFormDraft, nextStep, readStep } from './forms.js';
import {
  type DiscordMessage,
  EPHEMERAL,
  formSteps,
  modalValues,
  renderMessage,
  renderModal,
} from './render.js';
import { discordPublicKey, verifyDiscordRequest } from './verify.js';

export const DISCORD_INTERACTIONS_PATH = '/discord/interactions';
const DISCORD_API = 'https://discord.com/api';
const FORM_TTL_MS = 3 * 3600_000;
/** Discord wants a first answer within 3 s; what takes longer is deferred, then edited in. */
const DEFER_AFTER_MS = 1500;
/** Where attachments come from (the API base's origin is added, for tests and proxies). */
const ATTACHMENT_ORIGINS = ['https://cdn.discordapp.com', 'https://media.discordapp.net'];

const FORM_OPEN = 'om:form-open';
const FORM_IDS = new Set<string>(Object.values(FORMS));

export interface DiscordOptions {
  /** The application's public key: the HTTP endpoint checks every request with it (absent: gateway only). */
  publicKey?: string;
  applicationId: string;
  /** For channel posts and DMs (approvals, collection results, the digest). */
  botToken?: string;
  /** REST base, e.g. a fake in tests (default https://discord.com/api). */
  apiUrl?: string;
  approvalsChannel?: string;
  collectionChannel?: string;
  digestChannel?: string;
  defaultLocale: Locale;
  collector?: CollectionRunner;
  uploadLimits?: UploadLimits;
  /** How long an answer may take before it is deferred (default 1.5 s; 0: always defer). */
  deferAfterMs?: number;
  progressGapMs?: number;
  /** Other platforms' notifiers: an approval asked or decided here reaches their approvers too. */
  peers?: () => Notifier[];
}

export interface DiscordLogger {
  warn(message: string): void;
  error(message: string): void;
}

export interface DiscordAdapter {
  plugin: FastifyPluginAsync;
  /** An interaction (from the HTTP endpoint or the gateway) → the first response. */
  handle(interaction: APIInteraction): Promise<APIInteractionResponse>;
  /** The first response when `handle` failed. */
  failure(interaction: APIInteraction): APIInteractionResponse;
  notifier: Notifier;
  poster: ChannelPoster;
  rest: REST;
  /** Resolves when the work left after first responses is done (tests, a graceful stop). */
  idle(): Promise<void>;
}

export const discordIdentity = (user: string) => `discord:${user}`;
const userOf = (identity: string) => (identity.startsWith('discord:') ? identity.slice(8) : null);
export const discordMention = (identity: string) => {
  const user = userOf(identity);
  return user ? `<@${user}>` : identity;
};

type Json = Record<string, unknown>;

/** The user's client language (`ko`, `en-US`, …); pings have none. */
const localeOfInteraction = (i: APIInteraction): string | undefined =>
  'locale' in i && typeof i.locale === 'string' ? i.locale : undefined;

export function createDiscordAdapter(
  desk: Desk,
  refs: ChatRefs,
  options: DiscordOptions,
  logger?: DiscordLogger,
): DiscordAdapter {
  const key = options.publicKey ? discordPublicKey(options.publicKey) : null;
  const api = options.apiUrl ?? DISCORD_API;
  // Node's own fetch: its FormData (files) and its HTTP client come from one undici. @discordjs/rest's
  // default hands Node's FormData to its own undici copy, which fails now and then on multipart bodies.
  const rest = new REST({ version: '10', api, retries: 2, makeRequest: fetch as never }).setToken(
    options.botToken ?? 'no-token',
  );
  const limits = options.uploadLimits ?? DEFAULT_UPLOAD_LIMITS;
  const attachmentOrigins = new Set([...ATTACHMENT_ORIGINS, new URL(api).origin]);
  const pending = new Set<Promise<unknown>>();
  const warn = (what: string) => (e: unknown) => logger?.warn(`${what}: ${(e as Error).message}`);

  /** Work after the first response: tracked, and never an unhandled rejection. */
  const later = (work: Promise<unknown>) => {
    const tracked = work.catch((e) => logger?.error(`discord: ${(e as Error).stack ?? e}`));
    pending.add(tracked);
    void tracked.finally(() => pending.delete(tracked));
  };

  /** Where the orders a person ticked in a list message are kept until a button acts on them. */
  const pickKey = (messageId: string, user: string) => `discord-pick:${messageId}:${user}`;

  // --- component ids ---------------------------------------------------------------------------------
  async function customId(action: string, value: string): Promise<string> {
    const id = `${action}|${value}`;
    if (id.length <= 100) return id;
    return `${action}|~${await refs.stash(value, FORM_TTL_MS)}`;
  }

  async function parseCustomId(raw: string): Promise<{ action: string; value: string } | null> {
    const bar = raw.indexOf('|');
    const action = bar < 0 ? raw : raw.slice(0, bar);
    const value = bar < 0 ? '' : raw.slice(bar + 1);
    if (!value.startsWith('~')) return { action, value };
    const stashed = await refs.unstash(value.slice(1));
    return typeof stashed === 'string' ? { action, value: stashed } : null;
  }

  const render = (view: View) => renderMessage(view, customId);

  // --- who acts ----------------------------------------------------------------------------------------
  async function localeOf(identity: string): Promise<Locale> {
    return pickLocale((await identityProfile(desk, identity))?.locale ?? null, options.defaultLocale);
  }

  async function contextFor(i: APIInteraction): Promise<BotContext> {
    const user = (i.member?.user ?? i.user) as APIUser;
    const identity = discordIdentity(user.id);
    const resolved = await resolveActorWithProfile(desk, identity, 'discord');
    const said = localeOfInteraction(i);
    const locale = pickLocale(said ?? resolved.locale, options.defaultLocale);
    if (said && said !== resolved.locale) {
      await rememberProfile(desk, identity, {
        locale: said,
        displayName: user.global_name ?? user.username,
      });
    }
    return {
      desk,
      actor: resolved.actor,
      locale,
      notifier: withPeers(notifier, options.peers),
      reply: i.token,
      origin: i.channel?.id ?? (i as { channel_id?: string }).channel_id,
      collector,
      mention: discordMention,
      identityOf: (mention) => {
        const m = /^<@!?(\d{5,25})>$/.exec(mention.trim());
        return m ? discordIdentity(m[1]!) : null;
      },
    };
  }

  // --- replies -----------------------------------------------------------------------------------------
  const message = (m: DiscordMessage) => ({
    type: InteractionResponseType.ChannelMessageWithSource as const,
    data: { ...m, flags: EPHEMERAL },
  });

  async function stashForm(draft: FormDraft): Promise<string> {
    return refs.stash(draft, FORM_TTL_MS);
  }

  async function modal(
    ctx: BotContext,
    draft: FormDraft,
    key: string,
    step: number,
  ): Promise<APIInteractionResponse> {
    return {
      type: InteractionResponseType.Modal,
      data: renderModal(draft.form, step, `${draft.form.id}|${key}|${step}`, draft.values, fieldHint(ctx)),
    };
  }

  /** A message with one button that opens a form step (a modal cannot follow a modal or a defer). */
  async function openButtonView(text: string, key: string, step: number, label: string): Promise<View> {
    const button: Button = {
      action: FORM_OPEN as ActionId,
      label,
      value: `${key}|${step}`,
      style: 'primary',
    };
    return {
      text,
      blocks: [
        { type: 'text', text },
        { type: 'buttons', buttons: [button] },
      ],
    };
  }

  /** The first response to a reply; exports and files are deferred and sent when written. */
  async function respond(
    ctx: BotContext,
    i: APIInteraction,
    reply: BotReply,
  ): Promise<APIInteractionResponse> {
    const canModal =
      i.type === InteractionType.ApplicationCommand || i.type === InteractionType.MessageComponent;
    switch (reply.kind) {
      case 'view': {
        const rendered = await render(reply.view);
        if (reply.replaceOriginal && i.type === InteractionType.MessageComponent) {
          // Another page in the same message: what was ticked on the last one no longer shows.
          const messageId = (i as { message?: { id: string } }).message?.id;
          const user = userOf(ctx.actor.id);
          if (messageId && user) await refs.keep(pickKey(messageId, user), [], FORM_TTL_MS);
          return { type: InteractionResponseType.UpdateMessage, data: rendered };
        }
        return message(rendered);
      }
      case 'form': {
        // Discord refuses a modal with an empty select: say what is missing instead.
        const empty = reply.form.fields.find(
          (f) => f.required && (f.kind === 'select' || f.kind === 'multiselect') && !f.options?.length,
        );
        if (empty)
          return message(
            await render(messageView(t(ctx.locale, 'discord.noChoices', { field: empty.label }))),
          );
        const draft = { form: reply.form, values: {} };
        const key = await stashForm(draft);
        if (canModal) return modal(ctx, draft, key, 0);
        return message(
          await render(
            await openButtonView(
              t(ctx.locale, 'discord.formReady'),
              key,
              0,
              t(ctx.locale, 'discord.openForm'),
            ),
          ),
        );
      }
      case 'errors':
        return message(await render(messageView(errorLines(reply.errors, undefined))));
      case 'export':
      case 'file':
        later(
          sendFile(ctx, i, reply).catch(async (e) => {
            await rest
              .patch(Routes.webhookMessage(options.applicationId, i.token, '@original'), {
                body: { content: t(ctx.locale, 'error.internal'), allowed_mentions: { parse: [] } },
                auth: false,
              })
              .catch(() => {});
            throw e;
          }),
        );
        return { type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: EPHEMERAL } };
      case 'none':
        return message(await render(messageView(t(ctx.locale, 'discord.done'))));
    }
  }

  /** After a defer: the reply edited into the deferred message. */
  async function editOriginal(ctx: BotContext, i: APIInteraction, reply: BotReply): Promise<void> {
    if (reply.kind === 'export' || reply.kind === 'file') return sendFile(ctx, i, reply);
    let view: View;
    if (reply.kind === 'view') view = reply.view;
    else if (reply.kind === 'form') {
      const key = await stashForm({ form: reply.form, values: {} });
      view = await openButtonView(
        t(ctx.locale, 'discord.formReady'),
        key,
        0,
        t(ctx.locale, 'discord.openForm'),
      );
    } else if (reply.kind === 'errors') view = messageView(errorLines(reply.errors, undefined));
    else view = messageView(t(ctx.locale, 'discord.done'));
    await rest.patch(Routes.webhookMessage(options.applicationId, i.token, '@original'), {
      body: await render(view),
      auth: false,
    });
  }

  async function sendFile(ctx: BotContext, i: APIInteraction, reply: BotReply): Promise<void> {
    let file: { name: string; bytes: Buffer };
    let text: string;
    if (reply.kind === 'export') {
      const made = await exportFile(desk, ctx.actor, ctx.locale, reply.request);
      file = made;
      text = t(ctx.locale, 'export.comment', { n: made.rows, reason: reply.request.reason });
    } else if (reply.kind === 'file') {
      file = { name: reply.file.name, bytes: reply.file.bytes };
      text = `${reply.file.comment}\n${reply.done.text}`;
    } else return;
    await rest.patch(Routes.webhookMessage(options.applicationId, i.token, '@original'), {
      body: { content: text.slice(0, 2000), allowed_mentions: { parse: [] } },
      files: [{ name: file.name, data: file.bytes }],
      auth: false,
    });
  }

  const errorLines = (errors: Record<string, string>, form: Form | undefined) => {
    const label = (id: string) => form?.fields.find((f) => f.id === id)?.label ?? id;
    return Object.entries(errors)
      .map(([id, why]) => `• ${label(id)}: ${why}`)
      .join('\n');
  };

  /**
   * Runs the work; answers with its reply when it is ready in time, else defers and edits the reply in
   * when it comes (a form then arrives as an "Open the form" button).
   */
  async function answer(
    ctx: BotContext,
    i: APIInteraction,
    work: Promise<BotReply>,
  ): Promise<APIInteractionResponse> {
    const wait = options.deferAfterMs ?? DEFER_AFTER_MS;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), wait);
    });
    // 0: always defer (a proxy that adds latency of its own, and tests).
    const first = wait > 0 ? await Promise.race([work.then((r) => ({ r })), deadline]) : null;
    clearTimeout(timer);
    if (first) return respond(ctx, i, first.r);
    later(
      work
        .then((r) => editOriginal(ctx, i, r))
        .catch(async (e) => {
          // The person waits on "thinking…": tell them, then let the error be logged.
          const text = t(ctx.locale, 'error.internal');
          await rest
            .patch(Routes.webhookMessage(options.applicationId, i.token, '@original'), {
              body: { content: text, components: [], allowed_mentions: { parse: [] } },
              auth: false,
            })
            .catch(() => {});
          throw e;
        }),
    );
    return { type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: EPHEMERAL } };
  }

  // --- interactions --------------------------------------------------------------------------------------
  async function handle(i: APIInteraction): Promise<APIInteractionResponse> {
    if (i.type === InteractionType.Ping) return { type: InteractionResponseType.Pong };
    if (i.type === InteractionType.ApplicationCommandAutocomplete)
      return { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [] } };
    const ctx = await contextFor(i);
    switch (i.type) {
      case InteractionType.ApplicationCommand:
        return answer(ctx, i, command(ctx, i));
      case InteractionType.MessageComponent:
        return component(ctx, i);
      case InteractionType.ModalSubmit:
        return answer(ctx, i, modalSubmit(ctx, i));
    }
    return message(await render(messageView(t(ctx.locale, 'error.expired'))));
  }

  async function command(ctx: BotContext, i: APIInteraction): Promise<BotReply> {
    const data = i.data as {
      options?: { name: string; type: number; options?: { name: string; type: number; value: unknown }[] }[];
      resolved?: { attachments?: Record<string, { url: string; filename: string; size: number }> };
    };
    const sub = data.options?.find((o) => o.type === ApplicationCommandOptionType.Subcommand);
    const given: Record<string, string> = {};
    for (const o of sub?.options ?? []) given[o.name] = String(o.value ?? '');
    if (sub?.name === 'upload') {
      const attachment = data.resolved?.attachments?.[given.file ?? ''];
      return upload(ctx, attachment, given);
    }
    return runCommand(ctx, discordSubcommandText(sub?.name ?? 'summary', given));
  }

  /** `/orders upload file:…`: the template form (the suggestion chosen), or the preview at once. */
  async function upload(
    ctx: BotContext,
    attachment: { url: string; filename: string; size: number } | undefined,
    given: Record<string, string>,
  ): Promise<BotReply> {
    if (!attachment) return { kind: 'view', view: messageView(t(ctx.locale, 'import.noFile')) };
    if (attachment.size > limits.maxBytes)
      return fileRefusalReply(ctx, new FileRejected('TOO_LARGE', { max: limits.maxBytes }));
    const bytes = await download(attachment.url);
    if (!bytes) return { kind: 'view', view: messageView(t(ctx.locale, 'import.downloadFailed')) };
    if (given.template && given.channel) {
      const channels = await listChannels(ctx.desk, ctx.actor);
      const channel = channels.find((c) => c.code === given.channel || c.name === given.channel);
      if (channel) {
        return previewFileReply(
          ctx,
          bytes,
          attachment.filename,
          { template: given.template, channel: String(channel.id), password: given.password },
          limits,
        );
      }
    }
    return uploadFormReply(ctx, { id: attachment.url, name: attachment.filename }, bytes);
  }

  async function download(url: string): Promise<Buffer | null> {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      return null;
    }
    if (!attachmentOrigins.has(origin)) return null;
    const res = await fetch(url, { signal: AbortSignal.timeout(limits.timeoutMs) }).catch(() => null);
    if (!res?.ok || !res.body) return null;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > limits.maxBytes) return null;
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  }

  async function component(ctx: BotContext, i: APIInteraction): Promise<APIInteractionResponse> {
    const data = i.data as { custom_id: string; values?: string[] };
    const messageId = (i as { message?: { id: string } }).message?.id ?? '';
    const user = userOf(ctx.actor.id) ?? '';
    const parsed = await parseCustomId(data.custom_id);
    if (!parsed) return message(await render(messageView(t(ctx.locale, 'error.expired'))));
    if (parsed.action === ACTIONS.select) {
      // Ticking changes nothing until a button is pressed: remember the ticks for this message.
      await refs.keep(pickKey(messageId, user), data.values ?? [], FORM_TTL_MS);
      return { type: InteractionResponseType.DeferredMessageUpdate };
    }
    if (parsed.action === FORM_OPEN) {
      const [formKey = '', step = '0'] = parsed.value.split('|');
      const draft = await refs.unstash(formKey);
      if (!isFormDraft(draft)) return message(await render(messageView(t(ctx.locale, 'error.expired'))));
      return modal(ctx, draft, formKey, Number(step));
    }
    const ticked = await refs.unstash(pickKey(messageId, user));
    const checked: Checked[] = (Array.isArray(ticked) ? ticked : []).flatMap((raw) => {
      try {
        const v = JSON.parse(String(raw)) as { s: number; v: number };
        return Number.isInteger(v.s) && Number.isInteger(v.v) ? [{ serial: v.s, version: v.v }] : [];
      } catch {
        return [];
      }
    });
    return answer(ctx, i, handleAction(ctx, parsed.action as ActionId, parsed.value, checked));
  }

  async function modalSubmit(ctx: BotContext, i: APIInteraction): Promise<BotReply> {
    const data = i.data as { custom_id: string; components: unknown };
    const [formId = '', formKey = '', stepText = '0'] = data.custom_id.split('|');
    const draft = await refs.unstash(formKey);
    if (!FORM_IDS.has(formId) || !isFormDraft(draft))
      return { kind: 'view', view: messageView(t(ctx.locale, 'error.expired')) };
    const step = Number(stepText);
    const fields = formSteps(draft.form)[step] ?? [];
    const read = await readStep(ctx, fields, modalValues(data.components), draft.values);
    const values = { ...draft.values, ...read.values };
    const next = nextStep(draft.form, step);
    const checked = await checkForm(ctx, draft.form.id, values);
    const here = new Set(fields.map((f) => f.id));
    // Later steps' fields are not filled in yet: only this step's, and every field at the last.
    const errors = {
      ...Object.fromEntries(Object.entries(checked).filter(([id]) => next === null || here.has(id))),
      ...read.errors,
    };
    const kept = { form: draft.form, values };
    if (Object.keys(errors).length) {
      const key = await stashForm(kept);
      const again = formSteps(draft.form).findIndex((s) => s.some((f) => errors[f.id]));
      const view = await openButtonView(
        `${t(ctx.locale, 'discord.formErrors')}\n${errorLines(errors, draft.form)}`,
        key,
        Math.max(again, 0),
        t(ctx.locale, 'discord.fix'),
      );
      return { kind: 'view', view };
    }
    if (next !== null) {
      const key = await stashForm(kept);
      const steps = formSteps(draft.form).length;
      const view = await openButtonView(
        t(ctx.locale, 'discord.stepSaved', { title: draft.form.title, step: step + 1, steps }),
        key,
        next,
        t(ctx.locale, 'discord.continue', { step: next + 1, steps }),
      );
      return { kind: 'view', view };
    }
    if (draft.form.id === FORMS.upload) {
      const url = String(draft.form.meta.fileId ?? '');
      const bytes = await download(url);
      if (!bytes) return { kind: 'view', view: messageView(t(ctx.locale, 'import.downloadFailed')) };
      return previewFileReply(ctx, bytes, String(draft.form.meta.fileName ?? 'upload'), values, limits);
    }
    return submitForm(ctx, draft.form.id, draft.form.meta, values);
  }

  // --- channels and DMs ------------------------------------------------------------------------------------
  async function post(channel: string, view: View): Promise<string | null> {
    const sent = (await rest.post(Routes.channelMessages(channel), { body: await render(view) })) as Json;
    return typeof sent.id === 'string' ? sent.id : null;
  }

  async function dm(user: string): Promise<string> {
    const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: user } })) as Json;
    return String(channel.id);
  }

  const notifier = approvalNotifier(
    desk,
    refs,
    {
      platform: 'discord',
      userOf,
      mention: discordMention,
      localeOf,
      post: async (channel, view) => {
        const id = await post(channel, view);
        return id ? { channel, ts: id } : null;
      },
      dm,
      edit: async (ref, view) => {
        await rest.patch(Routes.channelMessage(ref.channel, ref.ts), { body: await render(view) });
      },
      sendFile: async (user, file, comment) => {
        await rest.post(Routes.channelMessages(await dm(user)), {
          body: { content: comment.slice(0, 2000), allowed_mentions: { parse: [] } },
          files: [{ name: file.name, data: file.bytes }],
        });
      },
    },
    { approvalsChannel: options.approvalsChannel, defaultLocale: options.defaultLocale, warn },
  );

  const { collector, poster } = collectionPosts<{ channel: string; id: string }>(
    desk,
    options.collector,
    {
      postProgress: async (ctx, view) => {
        if (!ctx.origin) return null;
        const id = await post(ctx.origin, view);
        return id ? { channel: ctx.origin, id } : null;
      },
      edit: async (ref, view) => {
        await rest.patch(Routes.channelMessage(ref.channel, ref.id), { body: await render(view) });
      },
      post: async (channel, view) => {
        await post(channel, view);
      },
    },
    {
      collectionChannel: options.collectionChannel,
      digestChannel: options.digestChannel,
      defaultLocale: options.defaultLocale,
      progressGapMs: options.progressGapMs,
      mention: discordMention,
      warn,
    },
  );

  /** What a person sees when their interaction could not be handled: a sentence, not a stack trace. */
  const failure = (i: APIInteraction): APIInteractionResponse => {
    const text = t(pickLocale(localeOfInteraction(i), options.defaultLocale), 'error.internal');
    return message({ content: text, components: [], allowed_mentions: { parse: [] } });
  };

  // --- the endpoint -----------------------------------------------------------------------------------------
  const plugin: FastifyPluginAsync = async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_request, body, done) =>
      done(null, body),
    );
    scope.post(DISCORD_INTERACTIONS_PATH, async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const signature = request.headers['x-signature-ed25519'];
      const timestamp = request.headers['x-signature-timestamp'];
      const valid =
        key !== null &&
        verifyDiscordRequest(
          key,
          body,
          typeof signature === 'string' ? signature : undefined,
          typeof timestamp === 'string' ? timestamp : undefined,
        );
      if (!valid) return reply.status(401).send({ error: 'invalid request signature' });
      let interaction: APIInteraction;
      try {
        interaction = JSON.parse(body.toString('utf8')) as APIInteraction;
      } catch {
        return reply.status(400).send({ error: 'unreadable body' });
      }
      try {
        return reply.send(await handle(interaction));
      } catch (e) {
        logger?.error(`discord interaction failed: ${(e as Error).stack ?? e}`);
        return reply.send(failure(interaction));
      }
    });
  };

  return {
    plugin,
    handle,
    failure,
    notifier,
    poster,
    rest,
    async idle() {
      while (pending.size) await Promise.allSettled([...pending]);
    },
  };
}
