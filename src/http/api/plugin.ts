// REST under /api/v1: bearer token, the acting identity, the caller's language, then the routes.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { CollectionRunner } from '../../collect/runner.js';
import type { Desk } from '../../domain/context.js';
import { isIdentity, resolveActor } from '../../domain/services/actors.js';
import type { Actor } from '../../domain/types.js';
import type { UploadLimits } from '../../excel/upload.js';
import type { Locale } from '../../i18n/catalog.js';
import { localeOf, sendError } from '../errors.js';
import { approvalRoutes } from './approvals.js';
import { catalogRoutes } from './catalog.js';
import { deskRoutes } from './desk.js';
import { excelRoutes } from './excel.js';
import { orderRoutes } from './orders.js';

export interface ApiOptions {
  desk: Desk;
  collector: CollectionRunner;
  uploadLimits: UploadLimits;
  apiToken: string;
  defaultLocale: Locale;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
  }
}

/** Header naming the chat identity an integration acts for (default: `api`). */
export const ACTOR_HEADER = 'x-ordermate-actor';

function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const apiPlugin: FastifyPluginAsync<ApiOptions> = async (app: FastifyInstance, options) => {
  const { desk } = options;
  app.decorateRequest('actor', null as unknown as Actor);
  app.addHook('onRequest', async (request, reply) => {
    request.locale = localeOf(request, options.defaultLocale);
    // The scheme is case-insensitive (RFC 7235): `bearer <token>` is as good as `Bearer <token>`.
    const token = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim() ?? '';
    if (!token || !tokenMatches(token, options.apiToken)) {
      return sendError(reply.header('www-authenticate', 'Bearer'), 401, 'UNAUTHORIZED', request.locale);
    }
    const asked = request.headers[ACTOR_HEADER];
    const id = typeof asked === 'string' && asked.trim() ? asked.trim() : 'api';
    if (!isIdentity(id)) {
      return sendError(reply, 400, 'BAD_REQUEST', request.locale, { detail: `${ACTOR_HEADER}: ${id}` });
    }
    request.actor = await resolveActor(desk, id, 'api');
  });
  await app.register(orderRoutes, { desk });
  await app.register(catalogRoutes, { desk });
  await app.register(approvalRoutes, { desk });
  await app.register(deskRoutes, { desk, collector: options.collector });
  await app.register(excelRoutes, { desk, limits: options.uploadLimits });
};
