// Messages (a thread anyone may read and add to) and CS notes (R15) on an order.
import type { Desk } from '../context.js';
import { DomainError } from '../errors.js';
import type { NoteRecord } from '../ports.js';
import type { Actor } from '../types.js';
import { requireRole } from './actors.js';

export type NoteKind = 'message' | 'cs';

export async function addNote(
  desk: Desk,
  actor: Actor,
  kind: NoteKind,
  serial: number,
  body: string,
): Promise<NoteRecord> {
  requireRole(actor, kind === 'cs' ? 'operator' : 'viewer');
  const text = body.trim();
  if (!text) throw new DomainError('VALIDATION', { field: 'body' });
  if (text.length > 2000) throw new DomainError('VALIDATION', { field: 'body', max: 2000 });
  return desk.store.transaction(async (tx) => {
    const [order] = await tx.orders.get([serial]);
    if (!order || order.deletedAt) throw new DomainError('NOT_FOUND', { field: 'serial', value: serial });
    const note = await tx.notes.add(kind, serial, actor.id, text);
    await tx.audit.append({
      actor: actor.id,
      source: actor.source,
      action: kind === 'cs' ? 'cs_note' : 'message',
      serials: [serial],
    });
    return note;
  });
}

export async function listNotes(
  desk: Desk,
  actor: Actor,
  kind: NoteKind,
  serial: number,
): Promise<NoteRecord[]> {
  requireRole(actor, 'viewer');
  return desk.store.transaction(async (tx) => {
    const [order] = await tx.orders.get([serial]);
    if (!order) throw new DomainError('NOT_FOUND', { field: 'serial', value: serial });
    return tx.notes.of(kind, serial);
  });
}
