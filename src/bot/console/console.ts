// The console: the same `/orders …` commands as Slack, in a terminal, for trying OrderMate without a
// workspace. Forms become questions; buttons become the commands that do the same.
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import type { CollectionRunner } from '../../collect/runner.js';
import type { Desk } from '../../domain/context.js';
import { isDomainError } from '../../domain/errors.js';
import type { ApprovalRecord, OrderFilter } from '../../domain/ports.js';
import { isIdentity, resolveActor } from '../../domain/services/actors.js';
import { listAccounts, listChannels } from '../../domain/services/catalog.js';
import {
  cancelImport,
  importPreview,
  type RowProblem,
  registerImport,
} from '../../domain/services/imports.js';
import { exportOrders } from '../../domain/services/queries.js';
import { writeOrders } from '../../excel/export.js';
import { problemsFileName, writeProblemsXlsx } from '../../excel/problems-file.js';
import { fileRefusalText } from '../../excel/refusal-text.js';
import { FileRejected } from '../../excel/types.js';
import { DEFAULT_UPLOAD_LIMITS, previewUpload, type UploadLimits } from '../../excel/upload.js';
import type { Locale } from '../../i18n/catalog.js';
import { errorText } from '../../i18n/catalog.js';
import { t } from '../../i18n/messages.js';
import { collectionRunView } from '../core/collect.js';
import { runCommand } from '../core/commands.js';
import type { BotContext, CollectionStarter, Notifier } from '../core/context.js';
import type { FormValues } from '../core/forms.js';
import { checkForm, productOptions, submitForm } from '../core/interactions.js';
import type { BotReply, Field, Form } from '../core/model.js';
import { approvalView } from '../core/views.js';
import { renderText } from './render.js';

export const CONSOLE_IDENTITY = 'console';

/** `/orders upload <path> [template]`: preview the file, then Register or Close. */
async function uploadFile(
  ctx: BotContext,
  path: string,
  template: string | undefined,
  ask: Ask,
  write: (s: string) => void,
  limits: UploadLimits,
) {
  const { locale } = ctx;
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    write(t(locale, 'console.noFile', { path }));
    return;
  }
  try {
    const channelId = await chooseChannel(ctx, ask);
    if (channelId === null) {
      write(t(locale, 'console.cancelled'));
      return;
    }
    const input = { bytes, fileName: basename(path), templateName: template, channelId };
    const preview = await previewUpload(ctx.desk, ctx.actor, input, limits).catch(async (e) => {
      if (!(e instanceof FileRejected) || e.code !== 'ENCRYPTED_NEEDS_PASSWORD') throw e;
      const password = (await ask(`${t(locale, 'console.password')}: `)) ?? '';
      return previewUpload(ctx.desk, ctx.actor, { ...input, password }, limits);
    });
    write(t(locale, 'console.preview', { template: preview.template, ...preview.summary }));
    for (const e of preview.errors) write(`  ! ${e.row}: ${e.column} — ${t(locale, `row.${e.code}`)}`);
    if (preview.summary.rejected > preview.errors.length) {
      const n = preview.summary.rejected;
      const suggested = `./${problemsFileName(basename(path))}`;
      const target = (await ask(`${t(locale, 'console.problemsPath', { n })} [${suggested}]: `))?.trim();
      if (target) {
        const { problems } = await importPreview(ctx.desk, ctx.actor, preview.id);
        await writeFile(target, await writeProblemsXlsx(problems as RowProblem[], locale));
        write(t(locale, 'console.problemsSaved', { path: target }));
      }
    }
    const answer = (await ask(`${t(locale, 'console.registerQuestion')} `))?.trim().toLowerCase();
    if (answer === 'y' || answer === 'yes' || answer === '네' || answer === 'ㅇ') {
      const result = await registerImport(ctx.desk, ctx.actor, preview.id);
      write(
        t(locale, 'console.registered', {
          created: result.created.length,
          unmatched: result.unmatched.length,
        }),
      );
    } else {
      await cancelImport(ctx.desk, ctx.actor, preview.id);
      write(t(locale, 'console.cancelled'));
    }
  } catch (e) {
    if (e instanceof FileRejected) write(fileRefusalText(e, locale));
    else if (isDomainError(e)) write(errorText(e.code, locale, e.params));
    else throw e;
  }
}

/**
 * The sales channel a file belongs to, when there is a choice: the one the user names (code or number);
 * null when they cancel. With one channel (or none) the preview decides (and explains).
 */
async function chooseChannel(
  ctx: BotContext,
  ask: (prompt: string) => Promise<string | null>,
): Promise<number | undefined | null> {
  const channels = await listChannels(ctx.desk, ctx.actor);
  if (channels.length <= 1) return undefined;
  const choices = channels.map((c, i) => `${i + 1}) ${c.code} ${c.name}`).join('  ');
  for (;;) {
    const answer = (await ask(`${t(ctx.locale, 'field.channel')} — ${choices}: `))?.trim();
    if (answer === undefined || answer === 'cancel') return null;
    const byNumber = /^\d+$/.test(answer) ? channels[Number(answer) - 1] : undefined;
    const chosen = byNumber ?? channels.find((c) => c.code === answer);
    if (chosen) return chosen.id;
  }
}

export interface ConsoleOptions {
  uploadLimits?: UploadLimits;
  desk: Desk;
  locale: Locale;
  input: Readable;
  output: Writable;
  /** Other platforms' notifiers: approvals asked here still reach Slack or Discord approvers. */
  notifiers?: Notifier[];
  /** Runs `/orders collect` here; the result prints when the run is over. */
  collector?: CollectionRunner;
}

/** Runs until `exit` or the end of input. */
export async function runConsole(options: ConsoleOptions): Promise<void> {
  const { desk, locale, output } = options;
  const rl = createInterface({ input: options.input, output, terminal: false });
  const write = (text: string) => output.write(`${text}\n`);
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (prompt: string): Promise<string | null> => {
    output.write(prompt);
    const next = await lines.next();
    return next.done ? null : String(next.value);
  };

  const notifier: Notifier = {
    async approvalRequested(approval: ApprovalRecord) {
      for (const n of options.notifiers ?? []) await n.approvalRequested(approval);
    },
    async approvalDecided(approval: ApprovalRecord) {
      write(renderText(approvalView(approval, locale)));
      for (const n of options.notifiers ?? []) await n.approvalDecided(approval);
    },
  };
  const runner = options.collector;
  const collector: CollectionStarter | undefined = runner && {
    async start(ctx, request) {
      const accounts = (await listAccounts(desk, ctx.actor)).map((a) => ({
        id: a.id,
        name: a.name,
        isDemo: a.isDemo,
      }));
      return runner.start(ctx.actor, request, {
        finished: (run) => {
          write(`\n${renderText(collectionRunView(run, accounts, locale, (id) => id))}`);
        },
      });
    },
  };
  const context = async (): Promise<BotContext> => ({
    desk,
    actor: await resolveActor(desk, CONSOLE_IDENTITY, 'console'),
    locale,
    notifier,
    collector,
    mention: (id) => id,
    identityOf: (text) => (isIdentity(text) ? text : null),
  });

  write(t(locale, 'console.welcome'));
  for (;;) {
    const line = await ask('> ');
    if (line === null) break;
    const text = line.trim();
    if (!text) continue;
    if (text === 'exit' || text === 'quit') break;
    const command = text.replace(/^\/?orders\b/, '').trim();
    try {
      const ctx = await context();
      const upload = /^upload\s+(\S+)(?:\s+(\S+))?$/.exec(command);
      if (upload) {
        await uploadFile(
          ctx,
          upload[1]!,
          upload[2],
          ask,
          write,
          options.uploadLimits ?? DEFAULT_UPLOAD_LIMITS,
        );
        continue;
      }
      let reply = await runCommand(ctx, command);
      while (reply.kind === 'form') {
        const values = await fillForm(reply.form, ctx, ask, write);
        if (!values) {
          write(t(locale, 'console.cancelled'));
          reply = { kind: 'none' };
          break;
        }
        reply = await submitForm(ctx, reply.form.id, reply.form.meta, values);
      }
      if (reply.kind === 'export') {
        const suggested = `./orders-${new Date().toISOString().slice(0, 10)}.${reply.request.format}`;
        const path = (await ask(`${t(locale, 'console.exportPath')} [${suggested}]: `))?.trim() || suggested;
        const out = createWriteStream(path);
        const batches = exportOrders(desk, ctx.actor, {
          ...reply.request,
          filter: reply.request.filter as OrderFilter,
        });
        const { rows } = await writeOrders(reply.request.format, batches, out, locale);
        write(t(locale, 'console.exported', { n: rows, path }));
        continue;
      }
      show(reply, write, locale);
    } catch (e) {
      write(t(locale, 'error.internal'));
      if (process.env.LOG_LEVEL === 'debug') write(String((e as Error).stack));
    }
  }
  rl.close();
}

function show(reply: BotReply, write: (s: string) => void, locale: Locale) {
  if (reply.kind !== 'view') return;
  write(renderText(reply.view));
  const hints = reply.view.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons : []));
  if (hints.some((b) => b.action === 'om:bulk')) {
    write(t(locale, 'console.hint', { hint: '/orders next|hold|claim|delete <serials>' }));
  }
  const matches = hints.filter((b) => b.action === 'om:match');
  if (matches.length) {
    const serial = (value: string) => (JSON.parse(value) as { s: number }).s;
    write(
      t(locale, 'console.hint', {
        hint: matches.map((b) => `/orders match ${serial(b.value)}`).join(' · '),
      }),
    );
  }
  if (hints.some((b) => b.action === 'om:approve')) {
    write(t(locale, 'console.hint', { hint: '/orders approve <id> · /orders reject <id> <reason>' }));
  }
}

type Ask = (prompt: string) => Promise<string | null>;

/** Asks each field in turn; an empty answer to a required field asks again; `cancel` leaves. */
async function fillForm(
  form: Form,
  ctx: BotContext,
  ask: Ask,
  write: (s: string) => void,
): Promise<FormValues | null> {
  write(`\n== ${form.title} ==`);
  if (form.intro) write(form.intro);
  const values: FormValues = {};
  let pending = form.fields;
  for (;;) {
    for (const field of pending) {
      const value = await askField(field, ctx, ask, write);
      if (value === null) return null;
      values[field.id] = value;
    }
    const errors = await checkForm(ctx, form.id, values);
    const wrong = form.fields.filter((f) => errors[f.id]);
    if (wrong.length === 0) return values;
    for (const f of wrong) write(`  ! ${f.label}: ${errors[f.id]}`);
    pending = wrong;
  }
}

async function askField(
  field: Field,
  ctx: BotContext,
  ask: Ask,
  write: (s: string) => void,
): Promise<string | string[] | undefined | null> {
  const mark = field.required ? '' : ' (-)';
  const initial = typeof field.initial === 'string' && field.initial ? ` [${field.initial}]` : '';
  if (field.kind === 'select' || field.kind === 'multiselect') {
    for (const [i, o] of (field.options ?? []).entries()) write(`  ${i + 1}. ${o.label}`);
  }
  const answer = await ask(`${field.label}${mark}${initial}: `);
  if (answer === null || answer.trim() === 'cancel') return null;
  if (!answer.trim() && Array.isArray(field.initial)) return field.initial;
  const text = answer.trim() || (typeof field.initial === 'string' ? field.initial : '');
  const options = field.options ?? [];
  switch (field.kind) {
    case 'select':
      return (
        options[Number(text) - 1]?.value ??
        options.find((o) => o.value === text || o.label === text)?.value ??
        undefined
      );
    case 'multiselect':
      return text
        .split(/[\s,]+/)
        .map((n) => options[Number(n) - 1]?.value)
        .filter((v): v is string => Boolean(v));
    case 'product': {
      if (!text) return undefined;
      const found = await productOptions(ctx, text);
      if (found.length === 0) return undefined;
      for (const [i, o] of found.slice(0, 10).entries()) write(`  ${i + 1}. ${o.label}`);
      const pick = await ask('#: ');
      if (pick === null) return null;
      return found[Number(pick.trim()) - 1]?.value ?? found[0]!.value;
    }
    default:
      return text || undefined;
  }
}
