// The real server over the worker's test database, driven with app.inject. Every test gets a fresh
// database (freshDesk) and its own server, closed after the test.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { beforeAll, expect, onTestFinished } from 'vitest';
import type { Desk, DeskPolicy } from '../../src/domain/context.js';
import type { AuditRecord, OrderRow } from '../../src/domain/ports.js';
import { buildServer } from '../../src/http/server.js';
import { type TestDatabase, testDatabase } from '../support/db.js';
import { freshDesk } from '../support/desk.js';

export const API_TOKEN = 'test-api-token-0123456789abcdef';

/** Identities the tests act as (X-OrderMate-Actor). ADMIN is an admin by policy (bootstrap). */
export const ADMIN = 'slack:T1:UADMIN';
export const APPROVER = 'slack:T1:UAPPROVER';
export const APPROVER2 = 'slack:T1:UAPPROVER2';
export const VIEWER = 'slack:T1:UVIEWER';
export const OPERATOR = 'slack:T1:UOPERATOR';

export interface Harness {
  app: FastifyInstance;
  desk: Desk;
  database: TestDatabase;
  /** A request to /api/v1 with the bearer token (and an actor and language, when given). */
  api(method: InjectOptions['method'], path: string, options?: CallOptions): Promise<LightMyRequestResponse>;
}

export interface CallOptions {
  body?: unknown;
  actor?: string;
  lang?: string;
  /** Authorization header; null leaves it out. Default: the right bearer token. */
  auth?: string | null;
}

// Opening the database takes seconds (PGlite): in a hook, under the hook timeout, not in the first test.
beforeAll(async () => {
  await testDatabase();
});

export async function harness(
  policy: Partial<DeskPolicy> = {},
  desk?: (base: Desk) => Desk,
): Promise<Harness> {
  const fresh = await freshDesk({ adminUsers: [ADMIN], ...policy });
  const usedDesk = desk ? desk(fresh.desk) : fresh.desk;
  const app = await buildServer({
    desk: usedDesk,
    db: fresh.database.db,
    apiToken: API_TOKEN,
    defaultLocale: 'ko',
    logLevel: 'silent',
  });
  // Per test, not a module-level afterEach: with isolate:false that would only belong to the first file.
  onTestFinished(() => app.close());
  return {
    app,
    desk: fresh.desk,
    database: fresh.database,
    api: (method, path, options = {}) => {
      const headers: Record<string, string> = {};
      const auth = options.auth === undefined ? `Bearer ${API_TOKEN}` : options.auth;
      if (auth !== null) headers.authorization = auth;
      if (options.actor) headers['x-ordermate-actor'] = options.actor;
      if (options.lang) headers['accept-language'] = options.lang;
      return app.inject({
        method,
        url: `/api/v1${path}`,
        headers,
        ...(options.body === undefined ? {} : { payload: options.body as InjectOptions['payload'] }),
      });
    },
  };
}

/** Gives an identity a role through the REST API, as the bootstrap admin. */
export async function grantRole(h: Harness, identity: string, role: string): Promise<void> {
  const res = await h.api('PUT', `/identities/${encodeURIComponent(identity)}/role`, {
    actor: ADMIN,
    body: { role },
  });
  expect(res.statusCode, res.body).toBe(200);
}

/** The error body every failure has; checks the status and code, returns the message. */
export function expectError(res: LightMyRequestResponse, status: number, code: string): string {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json() as { error: { code: string; message: string } };
  expect(body).toEqual({ error: { code, message: expect.any(String) } });
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(res.body).not.toMatch(/\bat .+\.(ts|js):\d+/);
  expect(res.body).not.toContain('"stack"');
  return body.error.message;
}

/** The orders as stored (deleted ones included), by serial. */
export async function rowsOf(desk: Desk, serials: number[]): Promise<Map<number, OrderRow>> {
  const rows = await desk.store.transaction((tx) => tx.orders.get(serials));
  return new Map(rows.map((r) => [r.serial, r]));
}

export async function rowOf(desk: Desk, serial: number): Promise<OrderRow> {
  const row = (await rowsOf(desk, [serial])).get(serial);
  if (!row) throw new Error(`order ${serial} is not stored`);
  return row;
}

/** Every order, deleted ones included, in serial order: to show that a call changed nothing. */
export function allOrders(desk: Desk): Promise<OrderRow[]> {
  return desk.store
    .transaction((tx) => tx.orders.list({ includeDeleted: true }, { limit: 10_000 }))
    .then((rows) => rows.sort((a, b) => a.serial - b.serial));
}

/** Audit entries, newest first. */
export function auditOf(
  desk: Desk,
  filter: { serial?: number; actor?: string; action?: string } = {},
): Promise<AuditRecord[]> {
  return desk.store.transaction((tx) => tx.audit.list({ ...filter, limit: 500 }));
}

/** A body per refusal/done line of an action response. */
export interface ActionBody {
  action: string;
  done: number;
  refused: number;
  results: {
    serial: number;
    status: 'done' | 'refused';
    code?: string;
    message?: string;
    stage?: string;
    by?: string;
  }[];
  giftsRemoved: number[];
  addedByPackingGroup: number[];
}
