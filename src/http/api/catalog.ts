// /api/v1: sales channels, mall accounts (credentials in, never out), products, matches, unmatched.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Desk } from '../../domain/context.js';
import {
  ACCOUNT_SERVICES,
  createAccount,
  createChannel,
  createProduct,
  listAccounts,
  listChannels,
  listMatches,
  listProducts,
} from '../../domain/services/catalog.js';
import { matchProduct } from '../../domain/services/intake.js';
import { UNMATCHED_PAGE, unmatchedOverview } from '../../domain/services/unmatched.js';
import { id, idQuery } from './schemas.js';

const channelBody = z
  .object({
    code: z.string().trim().min(1).max(40),
    name: z.string().trim().min(1).max(100),
    kind: z.enum(['mall', 'offline']).default('mall'),
  })
  .strict();

const accountBody = z
  .object({
    channelId: id,
    name: z.string().trim().min(1).max(100),
    connector: z.enum(['naver', 'coupang', 'cafe24', 'demo']),
    status: z.enum(['normal', 'suspended', 'auth_failed']).default('normal'),
    services: z.array(z.enum(ACCOUNT_SERVICES)).default(['collect_orders']),
    baseUrl: z.url().optional(),
    credentials: z.record(z.string().min(1).max(64), z.string().max(4096)).optional(),
  })
  .strict();

const productBody = z
  .object({
    code: z.string().trim().min(1).max(64),
    name: z.string().trim().min(1).max(200),
    priceKrw: z.number().int().min(0).max(1_000_000_000),
  })
  .strict();

const matchBody = z
  .object({
    channelId: id,
    mallProductCode: z.string().trim().min(1).max(100),
    mallOption: z.string().max(200).default(''),
    items: z
      .array(
        z.object({
          productId: id,
          quantity: z.number().int().min(1).max(1000).default(1),
        }),
      )
      .min(1)
      .max(20),
  })
  .strict();

export const catalogRoutes: FastifyPluginAsync<{ desk: Desk }> = async (app, { desk }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['catalog'];

  r.get('/channels', { schema: { tags } }, async (request) => ({
    items: await listChannels(desk, request.actor),
  }));
  r.post('/channels', { schema: { body: channelBody, tags } }, async (request, reply) =>
    reply.status(201).send({ id: await createChannel(desk, request.actor, request.body) }),
  );

  r.get('/accounts', { schema: { tags } }, async (request) => ({
    items: await listAccounts(desk, request.actor),
  }));
  r.post('/accounts', { schema: { body: accountBody, tags } }, async (request, reply) =>
    reply.status(201).send({ id: await createAccount(desk, request.actor, request.body) }),
  );

  r.get(
    '/products',
    {
      schema: {
        querystring: z.object({
          q: z.string().max(100).default(''),
          limit: z.coerce.number().int().min(1).max(100).default(50),
        }),
        tags,
      },
    },
    async (request) => ({
      items: await listProducts(desk, request.actor, request.query.q, request.query.limit),
    }),
  );
  r.post('/products', { schema: { body: productBody, tags } }, async (request, reply) =>
    reply.status(201).send({ id: await createProduct(desk, request.actor, request.body) }),
  );

  r.get(
    '/matches',
    { schema: { querystring: z.object({ channel: idQuery.optional() }), tags } },
    async (request) => ({ items: await listMatches(desk, request.actor, request.query.channel) }),
  );
  r.post('/matches', { schema: { body: matchBody, tags } }, async (request, reply) =>
    reply.status(201).send(await matchProduct(desk, request.actor, request.body)),
  );

  // R1: what waits for a match, grouped by the key one match releases.
  r.get(
    '/unmatched',
    {
      schema: {
        querystring: z.object({
          channel: idQuery.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(UNMATCHED_PAGE),
        }),
        tags,
      },
    },
    (request) =>
      unmatchedOverview(desk, request.actor, {
        channelId: request.query.channel,
        limit: request.query.limit,
      }),
  );
};
