// Excel uploads from chat (R12): the template form, the preview with Register / Close, and the two
// buttons. The platform brings the file's bytes; everything else is here.
import { isDomainError } from '../../domain/errors.js';
import { listChannels } from '../../domain/services/catalog.js';
import {
  cancelImport,
  INLINE_PROBLEMS,
  importPreview,
  type RowProblem,
  registerImport,
} from '../../domain/services/imports.js';
import { problemsFileName, writeProblemsXlsx } from '../../excel/problems-file.js';
import { fileRefusalText } from '../../excel/refusal-text.js';
import { allTemplates } from '../../excel/template-store.js';
import { FileRejected } from '../../excel/types.js';
import { previewUpload, suggestTemplate, type UploadLimits } from '../../excel/upload.js';
import { t } from '../../i18n/messages.js';
import { domainErrorReply } from './commands.js';
import type { BotContext } from './context.js';
import type { FormValues } from './forms.js';
import { number, text, uploadForm } from './forms.js';
import { ACTIONS, type Block, type BotReply, viewReply } from './model.js';
import { messageView } from './views.js';

export async function uploadFormReply(
  ctx: BotContext,
  file: { id: string; name: string },
  bytes?: Buffer,
): Promise<BotReply> {
  const [templates, channels] = await Promise.all([
    allTemplates(ctx.desk),
    listChannels(ctx.desk, ctx.actor),
  ]);
  const suggested = bytes ? await suggestTemplate(ctx.desk, bytes) : undefined;
  return {
    kind: 'form',
    form: uploadForm(
      ctx.locale,
      file,
      templates.map((tpl) => tpl.name),
      suggested,
      channels.slice(0, 100),
      ctx.reply,
    ),
  };
}

export function fileRefusalReply(ctx: BotContext, e: FileRejected): BotReply {
  return viewReply(messageView(fileRefusalText(e, ctx.locale)));
}

/** Reads the file with the chosen template and answers the preview with Register / Close. */
export async function previewFileReply(
  ctx: BotContext,
  bytes: Buffer,
  fileName: string,
  values: FormValues,
  limits: UploadLimits,
): Promise<BotReply> {
  try {
    const preview = await previewUpload(
      ctx.desk,
      ctx.actor,
      {
        bytes,
        fileName,
        templateName: text(values, 'template'),
        channelId: number(values, 'channel'),
        password: text(values, 'password') || undefined,
      },
      limits,
    );
    const lines = preview.errors.map(
      (e) =>
        `• ${t(ctx.locale, 'import.problem', { row: e.row, column: e.column, why: t(ctx.locale, `row.${e.code}`) })}`,
    );
    if (preview.summary.rejected > INLINE_PROBLEMS) {
      lines.push(t(ctx.locale, 'import.more', { n: preview.summary.rejected - INLINE_PROBLEMS }));
    }
    const blocks: Block[] = [
      { type: 'header', text: t(ctx.locale, 'import.title', { name: fileName }) },
      {
        type: 'text',
        text: t(ctx.locale, 'import.summary', { template: preview.template, ...preview.summary }),
      },
    ];
    if (lines.length) blocks.push({ type: 'text', text: lines.join('\n') });
    blocks.push(
      {
        type: 'context',
        text: t(ctx.locale, 'import.expires', { minutes: Math.round(limits.previewTtlMs / 60_000) }),
      },
      {
        type: 'buttons',
        buttons: [
          {
            action: ACTIONS.importRegister,
            label: t(ctx.locale, 'import.register'),
            value: JSON.stringify({ id: preview.id }),
            style: 'primary',
          },
          {
            action: ACTIONS.importCancel,
            label: t(ctx.locale, 'import.cancel'),
            value: JSON.stringify({ id: preview.id }),
          },
          ...(preview.summary.rejected > 0
            ? [
                {
                  action: ACTIONS.importProblems,
                  label: t(ctx.locale, 'import.problems'),
                  value: JSON.stringify({ id: preview.id }),
                },
              ]
            : []),
        ],
      },
    );
    return viewReply({ text: t(ctx.locale, 'import.title', { name: fileName }), blocks });
  } catch (e) {
    if (e instanceof FileRejected) return fileRefusalReply(ctx, e);
    return domainErrorReply(ctx, e);
  }
}

/** Every rejected row of a preview as an xlsx, sent privately to whoever asked. */
export async function problemsFileReply(ctx: BotContext, id: string): Promise<BotReply> {
  try {
    const preview = await importPreview(ctx.desk, ctx.actor, id);
    const problems = preview.problems as RowProblem[];
    return {
      kind: 'file',
      file: {
        name: problemsFileName(preview.fileName),
        bytes: await writeProblemsXlsx(problems, ctx.locale),
        comment: t(ctx.locale, 'import.problemsComment', { name: preview.fileName, n: problems.length }),
      },
      done: messageView(t(ctx.locale, 'import.problemsSent', { n: problems.length })),
    };
  } catch (e) {
    return domainErrorReply(ctx, e);
  }
}

/** Register (runs once; a second click is told so) or Close; the preview message is replaced. */
export async function decideImport(ctx: BotContext, id: string, register: boolean): Promise<BotReply> {
  try {
    if (!register) {
      await cancelImport(ctx.desk, ctx.actor, id);
      return viewReply(messageView(t(ctx.locale, 'import.cancelled')), true);
    }
    const result = await registerImport(ctx.desk, ctx.actor, id);
    return viewReply(
      messageView(
        t(ctx.locale, 'import.registered', {
          created: result.created.length,
          unmatched: result.unmatched.length,
          duplicates: result.duplicates,
        }),
      ),
      true,
    );
  } catch (e) {
    if (isDomainError(e)) return domainErrorReply(ctx, e);
    throw e;
  }
}
