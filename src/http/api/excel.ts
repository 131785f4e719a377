// /api/v1: Excel imports (multipart upload → preview → register), templates, and exports with a reason.
import { PassThrough } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Desk } from '../../domain/context.js';
import { DomainError } from '../../domain/errors.js';
import { getApproval, submitAction } from '../../domain/services/approvals.js';
import { cancelImport, importPreview, registerImport } from '../../domain/services/imports.js';
import { exportOrders } from '../../domain/services/queries.js';
import { STAGES } from '../../domain/types.js';
import { writeOrders } from '../../excel/export.js';
import { allTemplates, saveTemplate } from '../../excel/template-store.js';
import { previewUpload, type UploadLimits } from '../../excel/upload.js';
import { t } from '../../i18n/messages.js';
import { idQuery } from './schemas.js';

const importParams = z.object({ id: z.uuid() });

const exportBody = z
  .object({
    reason: z.string().trim().min(1).max(500),
    format: z.enum(['xlsx', 'csv']).default('xlsx'),
    stage: z.enum(STAGES).optional(),
    channel: idQuery.optional(),
    cs: z.boolean().optional(),
    q: z.string().trim().max(100).optional(),
    /** An approved export request of the caller's: the file it was approved for. */
    approvalId: idQuery.optional(),
  })
  .strict();

export const excelRoutes: FastifyPluginAsync<{ desk: Desk; limits: UploadLimits }> = async (
  app,
  { desk, limits },
) => {
  await app.register(multipart, { limits: { fileSize: limits.maxBytes, files: 1, fields: 10 } });
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/imports',
    { schema: { consumes: ['multipart/form-data'], tags: ['imports'] } },
    async (request, reply) => {
      if (!request.isMultipart()) throw new DomainError('VALIDATION', { field: 'file' });
      const fields: Record<string, string> = {};
      let file: { bytes: Buffer; name: string } | null = null;
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          if (part.fieldname !== 'file') {
            part.file.resume();
            continue;
          }
          const bytes = await part.toBuffer();
          file = { bytes, name: part.filename || 'upload' };
        } else if (typeof part.value === 'string') {
          fields[part.fieldname] = part.value;
        }
      }
      if (!file) throw new DomainError('VALIDATION', { field: 'file' });
      const channel = fields.channel ? Number(fields.channel) : undefined;
      if (channel !== undefined && !(Number.isInteger(channel) && channel > 0 && channel < 2 ** 31)) {
        throw new DomainError('VALIDATION', { field: 'channel' });
      }
      const preview = await previewUpload(
        desk,
        request.actor,
        {
          bytes: file.bytes,
          fileName: file.name,
          templateName: fields.template || undefined,
          channelId: channel,
          password: fields.password || undefined,
        },
        limits,
      );
      return reply.status(201).send({
        id: preview.id,
        template: preview.template,
        suggested: preview.suggested,
        channelId: preview.channelId,
        summary: preview.summary,
        errors: preview.errors.map((e) => ({ ...e, message: t(request.locale, `row.${e.code}`) })),
        expiresAt: preview.expiresAt,
      });
    },
  );

  r.get('/imports/:id', { schema: { params: importParams, tags: ['imports'] } }, async (request) => {
    const p = await importPreview(desk, request.actor, request.params.id);
    return {
      id: p.id,
      status: p.status,
      template: p.templateName,
      fileName: p.fileName,
      summary: p.summary,
      errors: (p.problems as { code: string }[]).map((e) => ({
        ...e,
        message: t(request.locale, `row.${e.code}` as never),
      })),
      result: p.result,
      expiresAt: p.expiresAt,
    };
  });

  r.post(
    '/imports/:id/register',
    { schema: { params: importParams, tags: ['imports'] } },
    async (request) => {
      const result = await registerImport(desk, request.actor, request.params.id);
      return {
        id: result.importId,
        created: result.created.length,
        unmatched: result.unmatched.length,
        duplicates: result.duplicates,
        gifts: result.gifts.length,
      };
    },
  );

  r.post('/imports/:id/cancel', { schema: { params: importParams, tags: ['imports'] } }, async (request) => {
    await cancelImport(desk, request.actor, request.params.id);
    return { id: request.params.id, status: 'cancelled' };
  });

  r.get('/templates', { schema: { tags: ['imports'] } }, async () => ({ items: await allTemplates(desk) }));
  r.post(
    '/templates',
    { schema: { body: z.record(z.string(), z.unknown()), tags: ['imports'] } },
    async (request, reply) => reply.status(201).send(await saveTemplate(desk, request.actor, request.body)),
  );

  r.post('/exports', { schema: { body: exportBody, tags: ['exports'] } }, async (request, reply) => {
    const b = request.body;
    let filter = { stage: b.stage, channelId: b.channel, cs: b.cs, q: b.q };
    if (b.approvalId !== undefined) {
      const approval = await getApproval(desk, request.actor, b.approvalId);
      if (
        approval.action !== 'export' ||
        approval.requester !== request.actor.id ||
        approval.status !== 'approved'
      ) {
        throw new DomainError('FORBIDDEN', { field: 'approvalId' });
      }
      filter = (approval.params as { filter: typeof filter }).filter;
    } else {
      const outcome = await submitAction(desk, request.actor, { action: 'export', filter, reason: b.reason });
      if (outcome.kind === 'approval_requested') {
        return reply.status(202).send({ approvalRequired: true, approval: outcome.approval });
      }
    }
    const batches = exportOrders(desk, request.actor, {
      filter,
      reason: b.reason,
      format: b.format,
      approvalId: b.approvalId,
    });
    // Pull the first batch before answering: a refusal (role, reason) is still a clean JSON error.
    const iterator = batches[Symbol.asyncIterator]();
    const first = await iterator.next();
    const replay = (async function* () {
      if (!first.done) yield first.value;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    })();
    const body = new PassThrough();
    writeOrders(b.format, replay, body, request.locale).catch((e) => body.destroy(e as Error));
    const stamp = new Date().toISOString().slice(0, 10);
    return reply
      .header(
        'content-type',
        b.format === 'csv'
          ? 'text/csv; charset=utf-8'
          : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      )
      .header('content-disposition', `attachment; filename="orders-${stamp}.${b.format}"`)
      .send(body);
  });
};
