// /api/v1/orders: list, detail, add by hand, actions, delivery edit, messages and CS notes.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Desk } from '../../domain/context.js';
import { DomainError } from '../../domain/errors.js';
import { type ActionRequest, submitAction } from '../../domain/services/approvals.js';
import { addOrder } from '../../domain/services/intake.js';
import { addNote, listNotes } from '../../domain/services/notes.js';
import { editDelivery } from '../../domain/services/order-actions.js';
import { deskSummary, listOrders, orderDetail } from '../../domain/services/queries.js';
import {
  actionBody,
  actionParams,
  actionResultBody,
  deliveryBody,
  listQuery,
  manualOrderBody,
  noteBody,
  serialParams,
} from './schemas.js';

type Body = import('zod').infer<typeof actionBody>;

function need<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new DomainError('VALIDATION', { field });
  return value;
}

/** The REST body of an action, as the domain's request. `next` with channelIds is the batch (R6). */
function toRequest(action: string, b: Body): ActionRequest {
  switch (action) {
    case 'hold':
      return {
        action,
        serials: need(b.serials, 'serials'),
        reason: need(b.reason, 'reason'),
        packingGroup: b.packingGroup,
        versions: b.versions,
      };
    case 'release':
      return { action, serials: need(b.serials, 'serials'), versions: b.versions };
    case 'delete':
      return {
        action,
        serials: need(b.serials, 'serials'),
        reason: need(b.reason, 'reason'),
        versions: b.versions,
      };
    case 'restore':
      return { action, serials: need(b.serials, 'serials') };
    case 'claim':
      return {
        action,
        serials: need(b.serials, 'serials'),
        type: need(b.type, 'type'),
        reason: need(b.reason, 'reason'),
        newProductId: b.newProductId,
        versions: b.versions,
      };
    default:
      if (b.channelIds && !b.serials)
        return { action: 'batch_next', channelIds: b.channelIds, reason: b.reason };
      return {
        action: 'next',
        serials: need(b.serials, 'serials'),
        packingGroup: b.packingGroup,
        versions: b.versions,
      };
  }
}

export const orderRoutes: FastifyPluginAsync<{ desk: Desk }> = async (app, { desk }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/orders', { schema: { querystring: listQuery, tags: ['orders'] } }, async (request) => {
    const q = request.query;
    return listOrders(desk, request.actor, { stage: q.stage, channelId: q.channel, cs: q.cs, q: q.q }, q);
  });

  r.get('/orders/summary', { schema: { tags: ['orders'] } }, (request) => deskSummary(desk, request.actor));

  r.get('/orders/:serial', { schema: { params: serialParams, tags: ['orders'] } }, async (request) => {
    const detail = await orderDetail(desk, request.actor, request.params.serial);
    const { order, ...rest } = detail;
    return { ...order, ...rest };
  });

  r.post('/orders', { schema: { body: manualOrderBody, tags: ['orders'] } }, async (request, reply) => {
    const result = await addOrder(desk, request.actor, request.body);
    const detail = await orderDetail(desk, request.actor, result.created[0]!);
    return reply.status(201).send({ ...detail.order, gifts: result.gifts });
  });

  r.post(
    '/orders/actions/:action',
    { schema: { params: actionParams, body: actionBody, tags: ['orders'] } },
    async (request, reply) => {
      const outcome = await submitAction(desk, request.actor, toRequest(request.params.action, request.body));
      if (outcome.kind === 'approval_requested') {
        return reply.status(202).send({ approvalRequired: true, approval: outcome.approval });
      }
      if (outcome.kind !== 'done') throw new DomainError('VALIDATION', { field: 'action' });
      return actionResultBody(outcome.result, request.locale);
    },
  );

  r.patch(
    '/orders/:serial/delivery',
    { schema: { params: serialParams, body: deliveryBody, tags: ['orders'] } },
    async (request) => {
      const { version, ...fields } = request.body;
      const result = await editDelivery(desk, request.actor, {
        serial: request.params.serial,
        fields,
        version,
      });
      return actionResultBody(result, request.locale);
    },
  );

  for (const [path, kind] of [
    ['messages', 'message'],
    ['cs-notes', 'cs'],
  ] as const) {
    r.get(
      `/orders/:serial/${path}`,
      { schema: { params: serialParams, tags: ['orders'] } },
      async (request) => ({
        items: await listNotes(desk, request.actor, kind, request.params.serial),
      }),
    );
    r.post(
      `/orders/:serial/${path}`,
      { schema: { params: serialParams, body: noteBody, tags: ['orders'] } },
      async (request, reply) =>
        reply
          .status(201)
          .send(await addNote(desk, request.actor, kind, request.params.serial, request.body.body)),
    );
  }
};
