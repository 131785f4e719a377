// /api/v1: audit trail, WMS webhook, gift events, collection history, column settings and roles.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CollectionRunner } from '../../collect/runner.js';
import type { Desk } from '../../domain/context.js';
import { setRole } from '../../domain/services/actors.js';
import { collectionHistory, collectionRun } from '../../domain/services/collection.js';
import { createGiftEvent, listGiftEvents } from '../../domain/services/gift-events.js';
import { auditTrail, columnSettings, saveColumnSettings } from '../../domain/services/queries.js';
import { recordWmsEvent } from '../../domain/services/wms.js';
import { ROLES } from '../../domain/types.js';
import { id, idQuery, MAX_INT, serial } from './schemas.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

const giftBody = z
  .object({
    channelId: id,
    name: z.string().trim().min(1).max(100),
    productIds: z.array(id).min(1).max(100),
    startsOn: day,
    endsOn: day,
    minQuantity: z.number().int().min(1).max(MAX_INT).nullable().default(null),
    minAmountKrw: z.number().int().min(1).max(MAX_INT).nullable().default(null),
    giftProductId: id,
    giftQuantity: z.number().int().min(1).max(100).default(1),
  })
  .strict();

export const deskRoutes: FastifyPluginAsync<{ desk: Desk; collector: CollectionRunner }> = async (
  app,
  { desk, collector },
) => {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/audit',
    {
      schema: {
        querystring: z.object({
          serial: serial.optional(),
          actor: z.string().max(100).optional(),
          action: z.string().max(50).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          before: z.coerce.number().int().min(1).optional(),
        }),
        tags: ['audit'],
      },
    },
    async (request) => {
      const { before, ...q } = request.query;
      return { items: await auditTrail(desk, request.actor, { ...q, beforeId: before }) };
    },
  );

  r.post(
    '/wms/events',
    {
      schema: {
        body: z
          .object({ event: z.enum(['registered', 'delivered']), serials: z.array(serial).min(1).max(10_000) })
          .strict(),
        tags: ['wms'],
      },
    },
    (request) => recordWmsEvent(desk, request.actor, request.body),
  );

  r.get(
    '/gift-events',
    {
      schema: {
        querystring: z.object({ channel: idQuery.optional() }),
        tags: ['gifts'],
      },
    },
    async (request) => ({ items: await listGiftEvents(desk, request.actor, request.query.channel) }),
  );
  r.post('/gift-events', { schema: { body: giftBody, tags: ['gifts'] } }, async (request, reply) =>
    reply.status(201).send({ id: await createGiftEvent(desk, request.actor, request.body) }),
  );

  r.get(
    '/collections',
    {
      schema: {
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
        tags: ['collections'],
      },
    },
    async (request) => ({ items: await collectionHistory(desk, request.actor, request.query.limit) }),
  );

  r.post(
    '/collections',
    {
      schema: {
        body: z
          .object({
            accountIds: z.array(id).min(1).max(50),
            from: z.iso.date(),
            to: z.iso.date(),
          })
          .strict(),
        tags: ['collections'],
      },
    },
    async (request, reply) => {
      const runId = await collector.start(request.actor, request.body);
      return reply.status(202).send(await collectionRun(desk, request.actor, runId));
    },
  );
  r.get(
    '/collections/:id',
    { schema: { params: z.object({ id: idQuery }), tags: ['collections'] } },
    async (request) => collectionRun(desk, request.actor, request.params.id),
  );

  r.get('/columns', { schema: { tags: ['settings'] } }, async (request) => ({
    columns: await columnSettings(desk, request.actor),
  }));
  r.put(
    '/columns',
    {
      schema: {
        body: z
          .object({
            columns: z
              .array(
                z.object({ key: z.string().max(40), width: z.number().int(), visible: z.boolean() }).strict(),
              )
              .min(1)
              .max(60),
          })
          .strict(),
        tags: ['settings'],
      },
    },
    async (request) => ({ columns: await saveColumnSettings(desk, request.actor, request.body.columns) }),
  );

  r.put(
    '/identities/:id/role',
    {
      schema: {
        params: z.object({ id: z.string().min(1).max(100) }),
        body: z.object({ role: z.enum(ROLES) }).strict(),
        tags: ['settings'],
      },
    },
    async (request) => {
      await setRole(desk, request.actor, request.params.id, request.body.role);
      return { id: request.params.id, role: request.body.role };
    },
  );
};
