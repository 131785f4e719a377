// The WMS tells us when orders are registered for shipment and when they are delivered.
import type { Desk } from '../context.js';
import { DomainError } from '../errors.js';
import type { Actor } from '../types.js';
import { requireRole } from './actors.js';

/**
 * `registered`: ready (or processing) orders move to `shipping`; `delivered`: shipping orders close as
 * delivered. Orders in other stages are reported back, untouched.
 */
export async function recordWmsEvent(
  desk: Desk,
  actor: Actor,
  input: { event: 'registered' | 'delivered'; serials: number[] },
): Promise<{ updated: number[]; ignored: number[] }> {
  requireRole(actor, 'operator');
  const serials = [...new Set(input.serials)];
  if (serials.length === 0) throw new DomainError('VALIDATION', { field: 'serials' });
  return desk.store.transaction(async (tx) => {
    const updated = await tx.orders.markWms(serials, input.event, actor.id);
    const done = new Set(updated);
    await tx.audit.append({
      actor: actor.id,
      source: actor.source,
      action: `wms_${input.event}`,
      serials: updated,
    });
    return { updated, ignored: serials.filter((s) => !done.has(s)) };
  });
}
