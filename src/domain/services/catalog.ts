// Sales channels, mall accounts, products and product matches.
import type { Desk } from '../context.js';
import { DomainError } from '../errors.js';
import type { Actor } from '../types.js';
import { requireRole } from './actors.js';

export const ACCOUNT_SERVICES = ['collect_orders', 'collect_claims', 'send_invoice'] as const;

export async function listChannels(desk: Desk, actor: Actor) {
  requireRole(actor, 'viewer');
  return desk.store.read((tx) => tx.catalog.channels());
}

export async function createChannel(
  desk: Desk,
  actor: Actor,
  input: { code: string; name: string; kind: 'mall' | 'offline' },
): Promise<number> {
  requireRole(actor, 'admin');
  const code = input.code.trim();
  if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(code)) throw new DomainError('VALIDATION', { field: 'code' });
  if (!input.name.trim()) throw new DomainError('VALIDATION', { field: 'name' });
  return desk.store.transaction(async (tx) => {
    if ((await tx.catalog.channels()).some((c) => c.code === code)) {
      throw new DomainError('CONFLICT', { field: 'code', value: code });
    }
    const id = await tx.catalog.createChannel({ code, name: input.name.trim(), kind: input.kind });
    await tx.audit.append({
      actor: actor.id,
      source: actor.source,
      action: 'create_channel',
      detail: { id, code },
    });
    return id;
  });
}

export async function listProducts(desk: Desk, actor: Actor, q: string, limit = 50) {
  requireRole(actor, 'viewer');
  return desk.store.read((tx) => tx.catalog.products(q.trim(), Math.min(Math.max(limit, 1), 100)));
}

/** Products by exact code or id: what a form names by code, what a view names by id. */
export async function productsOf(desk: Desk, actor: Actor, keys: { codes?: string[]; ids?: number[] }) {
  requireRole(actor, 'viewer');
  return desk.store.read((tx) => tx.catalog.productsOf(keys));
}

export async function createProduct(
  desk: Desk,
  actor: Actor,
  input: { code: string; name: string; priceKrw: number },
): Promise<number> {
  requireRole(actor, 'admin');
  const code = input.code.trim();
  if (!code) throw new DomainError('VALIDATION', { field: 'code' });
  if (!input.name.trim()) throw new DomainError('VALIDATION', { field: 'name' });
  if (!Number.isInteger(input.priceKrw) || input.priceKrw < 0)
    throw new DomainError('VALIDATION', { field: 'priceKrw' });
  return desk.store.transaction(async (tx) => {
    if ((await tx.catalog.products(code, 100)).some((p) => p.code === code)) {
      throw new DomainError('CONFLICT', { field: 'code', value: code });
    }
    const id = await tx.catalog.createProduct({ code, name: input.name.trim(), priceKrw: input.priceKrw });
    await tx.audit.append({
      actor: actor.id,
      source: actor.source,
      action: 'create_product',
      detail: { id, code },
    });
    return id;
  });
}

export async function listMatches(desk: Desk, actor: Actor, channelId?: number) {
  requireRole(actor, 'viewer');
  return desk.store.transaction((tx) => tx.catalog.matches(channelId));
}

/** Accounts as the API shows them: never their credentials, only whether they have some. */
export async function listAccounts(desk: Desk, actor: Actor) {
  requireRole(actor, 'viewer');
  return desk.store.transaction((tx) => tx.catalog.accounts());
}

export async function createAccount(
  desk: Desk,
  actor: Actor,
  input: {
    channelId: number;
    name: string;
    connector: string;
    status: 'normal' | 'suspended' | 'auth_failed';
    services: string[];
    baseUrl?: string | null;
    credentials?: Record<string, string>;
  },
): Promise<number> {
  requireRole(actor, 'admin');
  if (!input.name.trim()) throw new DomainError('VALIDATION', { field: 'name' });
  for (const s of input.services) {
    if (!(ACCOUNT_SERVICES as readonly string[]).includes(s))
      throw new DomainError('VALIDATION', { field: 'services' });
  }
  let credentialsSealed: string | null = null;
  if (input.credentials && Object.keys(input.credentials).length > 0) {
    if (!desk.secrets) throw new DomainError('SECRET_KEY_MISSING');
    credentialsSealed = desk.secrets.seal(JSON.stringify(input.credentials));
  }
  return desk.store.transaction(async (tx) => {
    if (!(await tx.catalog.channel(input.channelId)))
      throw new DomainError('NOT_FOUND', { field: 'channelId' });
    const id = await tx.catalog.createAccount({ ...input, name: input.name.trim(), credentialsSealed });
    await tx.audit.append({
      actor: actor.id,
      source: actor.source,
      action: 'create_account',
      detail: { id },
    });
    return id;
  });
}
