// /api/v1/approvals: pending requests, and an approver's decision.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Desk } from '../../domain/context.js';
import { decideApproval, getApproval, listApprovals } from '../../domain/services/approvals.js';
import { actionResultBody, idParams } from './schemas.js';

// Optional: an approval needs no body (fastify hands an absent body to the validator as null).
const decisionBody = z
  .object({ reason: z.string().trim().max(500).optional() })
  .strict()
  .nullish();

export const approvalRoutes: FastifyPluginAsync<{ desk: Desk }> = async (app, { desk }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['approvals'];

  r.get(
    '/approvals',
    {
      schema: {
        querystring: z.object({ status: z.enum(['pending', 'approved', 'rejected', 'expired']).optional() }),
        tags,
      },
    },
    async (request) => ({ items: await listApprovals(desk, request.actor, request.query.status) }),
  );
  r.get('/approvals/:id', { schema: { params: idParams, tags } }, (request) =>
    getApproval(desk, request.actor, request.params.id),
  );
  for (const decision of ['approve', 'reject'] as const) {
    r.post(
      `/approvals/:id/${decision}`,
      { schema: { params: idParams, body: decisionBody, tags } },
      async (request) => {
        const { approval, result } = await decideApproval(desk, request.actor, {
          id: request.params.id,
          decision,
          reason: request.body?.reason,
        });
        return { approval, result: result ? actionResultBody(result, request.locale) : null };
      },
    );
  }
};
