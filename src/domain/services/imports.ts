// R12: an Excel upload becomes a preview — rows read, matched, unmatched, rejected (row, column, why),
// already in OrderMate — and nothing is saved until Register, which stores every row of the preview in
// one transaction (matched → intake, unmatched → the unmatched queue) and runs once.
import { randomUUID } from 'node:crypto';
import type { Desk } from '../context.js';
import { DomainError } from '../errors.js';
import type { ImportPreviewRecord } from '../ports.js';
import { mallKey, matchKey } from '../rules/mall-key.js';
import type { Actor } from '../types.js';
import { requireRole } from './actors.js';
import { type IncomingOrder, type StoreResult, storeOrders } from './intake.js';

export const ROW_PROBLEMS = [
  'REQUIRED',
  'NUMBER',
  'PHONE',
  'ZIP',
  'DATE',
  'TOO_LONG',
  'DUPLICATE_IN_FILE',
] as const;
export interface RowProblem {
  /** The row number as the spreadsheet shows it. */
  row: number;
  /** The column's header text, or its letter. */
  column: string;
  code: (typeof ROW_PROBLEMS)[number];
  value?: string;
}

export interface ImportSummary {
  read: number;
  matched: number;
  unmatched: number;
  rejected: number;
  /** Already in OrderMate: registering skips them. */
  duplicates: number;
}

export interface ImportPreview {
  id: string;
  summary: ImportSummary;
  /** The first problems; the preview keeps them all. */
  errors: RowProblem[];
  expiresAt: Date;
}

/** Problems shown inline; the rest are in the full list. */
export const INLINE_PROBLEMS = 10;

export async function createImportPreview(
  desk: Desk,
  actor: Actor,
  input: {
    channelId: number;
    templateName: string;
    fileName: string;
    orders: IncomingOrder[];
    problems: RowProblem[];
    read: number;
    ttlMs: number;
  },
): Promise<ImportPreview> {
  requireRole(actor, 'operator');
  return desk.store.transaction(async (tx) => {
    if (!(await tx.catalog.channel(input.channelId)))
      throw new DomainError('NOT_FOUND', { field: 'channelId' });
    const keyed = input.orders.map((o) => ({
      ...o,
      mallLineNo: o.mallLineNo ?? '1',
      mallProductCode: o.mallProductCode ?? '',
      mallOption: o.mallOption ?? '',
    }));
    // The same line twice in one file is a mistake in the file, not two orders.
    const seen = new Set<string>();
    const problems = [...input.problems];
    const unique: typeof keyed = [];
    for (const o of keyed) {
      const key = mallKey(o);
      if (seen.has(key)) {
        problems.push({
          row: 0,
          column: o.mallOrderNo,
          code: 'DUPLICATE_IN_FILE',
          value: `${o.mallOrderNo}/${o.mallLineNo}`,
        });
        continue;
      }
      seen.add(key);
      unique.push(o);
    }
    const existing = await tx.orders.existingKeys(unique);
    const matches = await tx.catalog.matchesFor(unique);
    let matched = 0;
    let unmatched = 0;
    for (const o of unique) {
      if (existing.has(mallKey(o))) continue;
      if (matches.has(matchKey(o))) matched++;
      else unmatched++;
    }
    const summary: ImportSummary = {
      read: input.read,
      matched,
      unmatched,
      rejected: problems.length,
      duplicates: existing.size,
    };
    const id = randomUUID();
    const expiresAt = new Date(desk.now().getTime() + input.ttlMs);
    await tx.imports.create({
      id,
      channelId: input.channelId,
      templateName: input.templateName,
      fileName: input.fileName,
      createdBy: actor.id,
      summary: { ...summary },
      rows: unique,
      problems,
      expiresAt,
    });
    await tx.audit.append({
      actor: actor.id,
      source: actor.source,
      action: 'import_preview',
      detail: { importId: id, fileName: input.fileName, template: input.templateName, ...summary },
    });
    return { id, summary, errors: problems.slice(0, INLINE_PROBLEMS), expiresAt };
  });
}

/** The stored rows are the preview's own copy: dates come back as text and are revived in place. */
const revive = (row: unknown): IncomingOrder => {
  const o = row as IncomingOrder & { orderedAt?: string | Date };
  o.orderedAt = o.orderedAt ? new Date(o.orderedAt) : undefined;
  return o;
};

/** Register: every row of the preview in one transaction; a second click is told it already ran. */
export async function registerImport(
  desk: Desk,
  actor: Actor,
  id: string,
): Promise<StoreResult & { importId: string }> {
  requireRole(actor, 'operator');
  return desk.store.transaction(async (tx) => {
    const preview = await tx.imports.lock(id);
    if (!preview) throw new DomainError('NOT_FOUND', { field: 'import', value: id });
    if (preview.status !== 'preview') throw new DomainError('PREVIEW_NOT_OPEN', { status: preview.status });
    if (preview.expiresAt.getTime() <= desk.now().getTime()) {
      await tx.imports.setStatus(id, 'expired');
      throw new DomainError('PREVIEW_NOT_OPEN', { status: 'expired' });
    }
    const result = await storeOrders(
      tx,
      actor,
      preview.rows.map(revive),
      { source: 'excel', importId: id },
      desk.now(),
    );
    await tx.imports.setStatus(id, 'registered', {
      created: result.created.length,
      unmatched: result.unmatched.length,
      duplicates: result.duplicates,
      gifts: result.gifts.length,
    });
    await tx.audit.append({
      actor: actor.id,
      source: actor.source,
      action: 'import_registered',
      serials: result.created,
      detail: { importId: id, fileName: preview.fileName, duplicates: result.duplicates },
    });
    return { ...result, importId: id };
  });
}

/** Close: nothing saved, so the file can be fixed and uploaded again. */
export async function cancelImport(desk: Desk, actor: Actor, id: string): Promise<void> {
  requireRole(actor, 'operator');
  await desk.store.transaction(async (tx) => {
    const preview = await tx.imports.lock(id);
    if (!preview) throw new DomainError('NOT_FOUND', { field: 'import', value: id });
    if (preview.status !== 'preview') throw new DomainError('PREVIEW_NOT_OPEN', { status: preview.status });
    await tx.imports.setStatus(id, 'cancelled');
  });
}

export async function importPreview(desk: Desk, actor: Actor, id: string): Promise<ImportPreviewRecord> {
  requireRole(actor, 'viewer');
  const preview = await desk.store.transaction((tx) => tx.imports.lock(id));
  if (!preview) throw new DomainError('NOT_FOUND', { field: 'import', value: id });
  return preview;
}

/** Previews past their time to live expire (a schedule calls this). */
export async function expireImports(desk: Desk): Promise<string[]> {
  return desk.store.transaction((tx) => tx.imports.expire(desk.now()));
}
