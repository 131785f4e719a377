// Roles: viewer < operator < approver < admin, per chat identity.
import type { Desk } from '../context.js';
import { DomainError } from '../errors.js';
import type { DeskTx } from '../ports.js';
import { type Actor, type ActorSource, ROLES, type Role } from '../types.js';

const rank = (role: Role) => ROLES.indexOf(role);

export const hasRole = (actor: Actor, needed: Role) => rank(actor.role) >= rank(needed);

export function requireRole(actor: Actor, needed: Role): void {
  if (!hasRole(actor, needed)) throw new DomainError('FORBIDDEN', { role: needed, actor: actor.id });
}

const IDENTITY = /^(slack:[A-Z0-9]+:[A-Z0-9]+|discord:\d+|api|console|schedule|system)$/;
export const isIdentity = (id: string) => IDENTITY.test(id);

export async function roleOf(desk: Desk, tx: DeskTx, id: string): Promise<Role> {
  if (desk.policy.adminUsers.includes(id)) return 'admin';
  const row = await tx.identities.get(id);
  return row?.role ?? desk.policy.defaultRole;
}

/** Who is acting, with the role they hold now. */
export async function resolveActor(desk: Desk, id: string, source: ActorSource): Promise<Actor> {
  if (!isIdentity(id)) throw new DomainError('VALIDATION', { field: 'actor' });
  return desk.store.read(async (tx) => ({ id, source, role: await roleOf(desk, tx, id) }));
}

/** Admins give roles. */
export async function setRole(desk: Desk, actor: Actor, target: string, role: Role): Promise<void> {
  requireRole(actor, 'admin');
  if (!isIdentity(target)) throw new DomainError('VALIDATION', { field: 'user' });
  await desk.store.transaction(async (tx) => {
    await tx.identities.setRole(target, role);
    await tx.audit.append({
      actor: actor.id,
      source: actor.source,
      action: 'set_role',
      detail: { target, role },
    });
  });
}

/** What we know of an identity (its language, its name), cached from the chat platform. */
export async function identityProfile(
  desk: Desk,
  id: string,
): Promise<{ locale: string | null; displayName: string | null } | null> {
  return desk.store.transaction(async (tx) => {
    const row = await tx.identities.get(id);
    return row ? { locale: row.locale, displayName: row.displayName } : null;
  });
}

export async function rememberProfile(
  desk: Desk,
  id: string,
  profile: { locale?: string | null; displayName?: string | null },
): Promise<void> {
  if (!isIdentity(id)) throw new DomainError('VALIDATION', { field: 'actor' });
  await desk.store.transaction((tx) => tx.identities.setProfile(id, profile));
}

/** The actor and its cached profile in one read: chat adapters need both for every request. */
export async function resolveActorWithProfile(
  desk: Desk,
  id: string,
  source: ActorSource,
): Promise<{ actor: Actor; locale: string | null; known: boolean }> {
  if (!isIdentity(id)) throw new DomainError('VALIDATION', { field: 'actor' });
  return desk.store.read(async (tx) => {
    const row = await tx.identities.get(id);
    const role = desk.policy.adminUsers.includes(id) ? 'admin' : (row?.role ?? desk.policy.defaultRole);
    return { actor: { id, source, role }, locale: row?.locale ?? null, known: Boolean(row?.locale) };
  });
}
