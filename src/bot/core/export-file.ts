// R13 on chat: the export a person may have (audited with its reason) as one file in memory, for the
// platform to send to them privately. Files stay within chat upload limits (about 100k rows of xlsx).
import { Writable } from 'node:stream';
import type { Desk } from '../../domain/context.js';
import type { OrderFilter } from '../../domain/ports.js';
import { exportOrders } from '../../domain/services/queries.js';
import type { Actor } from '../../domain/types.js';
import { writeOrders } from '../../excel/export.js';
import type { Locale } from '../../i18n/catalog.js';
import type { ExportRequest } from './model.js';

export async function exportFile(
  desk: Desk,
  actor: Actor,
  locale: Locale,
  request: ExportRequest,
): Promise<{ name: string; bytes: Buffer; rows: number }> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk as Buffer);
      done();
    },
  });
  const batches = exportOrders(desk, actor, {
    filter: request.filter as OrderFilter,
    reason: request.reason,
    format: request.format,
    approvalId: request.approvalId,
  });
  const { rows } = await writeOrders(request.format, batches, sink, locale);
  const name = `orders-${desk.now().toISOString().slice(0, 10)}.${request.format}`;
  return { name, bytes: Buffer.concat(chunks), rows };
}
