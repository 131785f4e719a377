// One fastify server: health, the OpenAPI document, the REST API; chat endpoints join as plugins.
import fastifySwagger from '@fastify/swagger';
import { sql } from 'drizzle-orm';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { CollectionRunner } from '../collect/runner.js';
import { defaultConnectors } from '../connectors/registry.js';
import type { Desk } from '../domain/context.js';
import { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from '../excel/upload.js';
import type { Locale } from '../i18n/catalog.js';
import type { Db } from '../storage/db.js';
import { apiPlugin } from './api/plugin.js';
import { errorHandler, localeOf, sendError } from './errors.js';

export interface ServerOptions {
  desk: Desk;
  db: Db;
  /** Null: the REST API is off (it answers 503 with how to turn it on). */
  apiToken: string | null;
  defaultLocale: Locale;
  logLevel?: string;
  version?: string;
  uploadLimits?: UploadLimits;
  /** Runs collections in the background; default: the built-in connectors. */
  collector?: CollectionRunner;
  /** Chat endpoints (Slack, Discord), each an encapsulated plugin with its own body parsing. */
  chatPlugins?: FastifyPluginAsync[];
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: options.logLevel ?? 'info', redact: ['req.headers.authorization'] },
    bodyLimit: 5 * 1024 * 1024,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler(options.defaultLocale));
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'ROUTE_NOT_FOUND', localeOf(request, options.defaultLocale)),
  );

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'OrderMate API', version: options.version ?? '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await options.db.execute(sql`select 1`);
      return { status: 'ready' };
    } catch {
      return reply.status(503).send({ status: 'database unavailable' });
    }
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  for (const plugin of options.chatPlugins ?? []) await app.register(plugin);

  if (options.apiToken) {
    await app.register(apiPlugin, {
      prefix: '/api/v1',
      desk: options.desk,
      collector: options.collector ?? new CollectionRunner(options.desk, defaultConnectors()),
      apiToken: options.apiToken,
      defaultLocale: options.defaultLocale,
      uploadLimits: options.uploadLimits ?? DEFAULT_UPLOAD_LIMITS,
    });
  } else {
    app.all('/api/v1/*', { schema: { hide: true } }, async (request, reply) =>
      sendError(reply, 503, 'API_OFF', localeOf(request, options.defaultLocale)),
    );
  }
  return app;
}
