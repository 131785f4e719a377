// R12: an Excel upload becomes a preview — rows read, matched, unmatched, rejected (row, column, why),
// already in OrderMate — and nothing is saved until Register, which stores every row of the preview in
// one transaction (matched → intake, unmatched → the unmatched queue) and runs once.
import { randomUUID } from 'node:crypto';
import type { Desk } from '../context.js';
import { DomainError } from '../errors.js';
import type { ImportPreviewRecord, StagedRow } from '../ports.js';
import type { Actor } from '../types.js';
import { requireRole } from './actors.js';
import {
  generateGiftsFor,
  type IncomingOrder,
  normalizeLine,
  type StoreResult,
  sourceBadge,
} from './intake.js';

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

/** Rows staged per statement while the file is still being read. */
const STAGE_CHUNK = 2000;
const WRITES_IN_FLIGHT = 2;

/**
 * A preview being filled from a file: valid rows are normalised and staged in chunks (one chunk written
 * while the next is read), so no file is ever held in memory whole. `finish` opens the preview;
 * `discard` removes every trace of a file that could not be read.
 */
export interface ImportDraft {
  readonly id: string;
  /**
   * A valid row (`rowNo` as the spreadsheet shows it). Returns a promise only when a chunk had to wait for
   * the previous one to be written: the caller awaits it, and reads no further meanwhile.
   */
  add(rowNo: number, order: IncomingOrder): Promise<void> | undefined;
  finish(input: { read: number; problems: RowProblem[] }): Promise<ImportPreview>;
  discard(): Promise<void>;
}

export async function startImportPreview(
  desk: Desk,
  actor: Actor,
  input: {
    channelId: number;
    templateName: string;
    fileName: string;
    ttlMs: number;
    /** The column a line repeated within the file is reported on (the mall order number's). */
    keyColumn: string;
  },
): Promise<ImportDraft> {
  requireRole(actor, 'operator');
  const id = randomUUID();
  const expiresAt = new Date(desk.now().getTime() + input.ttlMs);
  await desk.store.transaction(async (tx) => {
    if (!(await tx.catalog.channel(input.channelId)))
      throw new DomainError('NOT_FOUND', { field: 'channelId' });
    await tx.imports.create({
      id,
      channelId: input.channelId,
      templateName: input.templateName,
      fileName: input.fileName,
      createdBy: actor.id,
      expiresAt,
    });
  });

  let chunk: StagedRow[] = [];
  let chunkNo = 0;
  // Chunks being written; at most WRITES_IN_FLIGHT, so reading never runs far ahead of the database.
  const writing: Promise<void>[] = [];
  const flush = async () => {
    while (writing.length >= WRITES_IN_FLIGHT) await writing.shift();
    const rows = chunk;
    chunk = [];
    if (rows.length === 0) return;
    const no = ++chunkNo;
    const write = desk.store.read((tx) => tx.imports.stage(id, no, rows));
    // Awaited at a later flush or at finish; until then a failure must not go unhandled.
    write.catch(() => {});
    writing.push(write);
  };
  const drain = async () => {
    while (writing.length) await writing.shift();
  };

  return {
    id,
    add(rowNo, order) {
      const line = normalizeLine(order) as StagedRow;
      line.rowNo = rowNo;
      chunk.push(line);
      return chunk.length >= STAGE_CHUNK ? flush() : undefined;
    },
    async finish({ read, problems }) {
      await flush();
      await drain();
      return desk.store.transaction(async (tx) => {
        // The same line twice in one file is a mistake in the file, not two orders: the first one stays.
        const repeats = (await tx.imports.repeats(id)).map(
          (r): RowProblem => ({
            row: r.rowNo,
            column: input.keyColumn,
            code: 'DUPLICATE_IN_FILE',
            value: `${r.mallOrderNo}/${r.mallLineNo}`.slice(0, 60),
          }),
        );
        const all = repeats.length ? [...problems, ...repeats].sort((a, b) => a.row - b.row) : problems;
        const counted = await tx.imports.summarize(
          id,
          repeats.map((r) => r.row),
        );
        const summary: ImportSummary = { read, ...counted, rejected: all.length };
        await tx.imports.open(id, { ...summary }, all);
        await tx.audit.append({
          actor: actor.id,
          source: actor.source,
          action: 'import_preview',
          detail: { importId: id, fileName: input.fileName, template: input.templateName, ...summary },
        });
        return { id, summary, errors: all.slice(0, INLINE_PROBLEMS), expiresAt };
      });
    },
    async discard() {
      chunk = [];
      await drain().catch(() => {});
      await Promise.allSettled(writing);
      await desk.store.transaction((tx) => tx.imports.discard(id));
    },
  };
}

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
    const { inserted, duplicates } = await tx.imports.register(id, {
      channelId: preview.channelId,
      actor: actor.id,
      now: desk.now(),
      badges: [sourceBadge('excel')],
      skipRows: (preview.problems as RowProblem[])
        .filter((p) => p.code === 'DUPLICATE_IN_FILE')
        .map((p) => p.row),
    });
    const created = inserted.map((i) => i.serial);
    const unmatched = inserted.filter((i) => i.stage === 'unmatched').map((i) => i.serial);
    const intake = inserted.filter((i) => i.stage === 'intake').map((i) => i.serial);
    const gifts = await generateGiftsFor(tx, actor, [preview.channelId], intake);
    const result = { created, unmatched, duplicates, gifts };
    await tx.imports.setStatus(id, 'registered', {
      created: created.length,
      unmatched: unmatched.length,
      duplicates,
      gifts: gifts.length,
    });
    await tx.audit.append({
      actor: actor.id,
      source: actor.source,
      action: 'import_registered',
      serials: created,
      detail: { importId: id, fileName: preview.fileName, duplicates },
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
