// An uploaded file → a preview (R12): read by content with limits, suggest or apply a template, map every
// row, and hand the domain the orders and the problems. Nothing is saved until Register.
import type { Desk } from '../domain/context.js';
import { DomainError } from '../domain/errors.js';
import { type ImportPreview, type RowProblem, startImportPreview } from '../domain/services/imports.js';
import type { Actor } from '../domain/types.js';
import { readRows } from './read.js';
import { columnName, orderFromRow } from './rows-to-orders.js';
import { allTemplates } from './template-store.js';
import { findHeaderRow, resolveColumns, suggestTemplates, type TemplateDefinition } from './templates.js';
import { FileRejected, type SheetRow } from './types.js';

export interface UploadLimits {
  maxBytes: number;
  maxRows: number;
  /** How long reading one file may take. */
  timeoutMs: number;
  /** How long a preview waits for Register. */
  previewTtlMs: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  maxBytes: 50 * 1024 * 1024,
  maxRows: 200_000,
  timeoutMs: 120_000,
  previewTtlMs: 3600_000,
};

export interface UploadInput {
  bytes: Buffer;
  fileName: string;
  templateName?: string;
  channelId?: number;
  password?: string;
}

export interface UploadPreview extends ImportPreview {
  template: string;
  suggested: string[];
  channelId: number;
}

/** Rows read before the template is known: enough to find the header row. */
const LOOKAHEAD = 20;

export async function previewUpload(
  desk: Desk,
  actor: Actor,
  input: UploadInput,
  limits: UploadLimits,
): Promise<UploadPreview> {
  if (input.bytes.length === 0) throw new FileRejected('EMPTY');
  if (input.bytes.length > limits.maxBytes) throw new FileRejected('TOO_LARGE', { max: limits.maxBytes });
  const templates = await allTemplates(desk);
  const rows = readRows(input.bytes, {
    password: input.password,
    maxRows: limits.maxRows,
    timeoutMs: limits.timeoutMs,
  });
  const iterator = rows[Symbol.asyncIterator]();
  try {
    return await previewRows(desk, actor, input, limits, templates, iterator);
  } finally {
    // Stops the reader if mapping gave up early (a wrong template, a missing channel).
    await iterator.return?.(undefined);
  }
}

async function previewRows(
  desk: Desk,
  actor: Actor,
  input: UploadInput,
  limits: UploadLimits,
  templates: TemplateDefinition[],
  iterator: AsyncIterator<SheetRow>,
): Promise<UploadPreview> {
  const head: SheetRow[] = [];
  while (head.length < LOOKAHEAD) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
  }
  const suggested = suggestTemplates(templates, head);
  const template = pickTemplate(templates, input.templateName, suggested);
  const channelId = input.channelId ?? (await onlyChannel(desk, actor));

  const headerRow = findHeaderRow(template, head);
  const headerCells = head.find((r) => r.row === headerRow)?.cells ?? null;
  const resolved = resolveColumns(template, headerCells);
  if (!resolved.ok || headerRow === null) {
    throw new DomainError('VALIDATION', {
      field: 'template',
      problem: `missing columns: ${resolved.ok ? '' : resolved.missing.join(', ')}`,
    });
  }
  const mapping = { template, columns: resolved.columns, headerCells: headerCells ?? [], channelId };
  const draft = await startImportPreview(desk, actor, {
    channelId,
    templateName: template.name,
    fileName: input.fileName,
    ttlMs: limits.previewTtlMs,
    keyColumn: columnName(mapping, 'mallOrderNo'),
  });
  try {
    const problems: RowProblem[] = [];
    let read = 0;
    // Synchronous per row: only a chunk waiting for the previous chunk's write is awaited.
    const take = (row: SheetRow): Promise<void> | undefined => {
      if (row.row <= headerRow) return undefined;
      read++;
      const mapped = orderFromRow(mapping, row);
      if (mapped.ok) return draft.add(row.row, mapped.order);
      for (const p of mapped.problems) problems.push(p);
      return undefined;
    };
    for (const row of head) await take(row);
    head.length = 0;
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      const waiting = take(next.value);
      if (waiting) await waiting;
    }
    const preview = await draft.finish({ read, problems });
    return { ...preview, template: template.name, suggested, channelId };
  } catch (error) {
    await draft.discard();
    throw error;
  }
}

function pickTemplate(
  templates: TemplateDefinition[],
  name: string | undefined,
  suggested: string[],
): TemplateDefinition {
  const wanted = name ?? suggested[0];
  const template = templates.find((t) => t.name === wanted);
  if (!template) {
    throw new DomainError(name ? 'NOT_FOUND' : 'VALIDATION', {
      field: 'template',
      ...(name
        ? { value: name }
        : { problem: `no template fits; known: ${templates.map((t) => t.name).join(', ')}` }),
    });
  }
  return template;
}

/** With one sales channel there is nothing to choose. */
async function onlyChannel(desk: Desk, actor: Actor): Promise<number> {
  const channels = await desk.store.read((tx) => tx.catalog.channels());
  if (channels.length === 1) return channels[0]!.id;
  throw new DomainError('VALIDATION', { field: 'channel', actor: actor.id });
}

/** The best template for a file, from its first rows (undefined when none fits or it cannot be read). */
export async function suggestTemplate(
  desk: Desk,
  bytes: Buffer,
  password?: string,
): Promise<string | undefined> {
  const templates = await allTemplates(desk);
  const head: SheetRow[] = [];
  const iterator = readRows(bytes, { password, maxRows: LOOKAHEAD, timeoutMs: 10_000 })[
    Symbol.asyncIterator
  ]();
  try {
    while (head.length < LOOKAHEAD) {
      const next = await iterator.next();
      if (next.done) break;
      head.push(next.value);
    }
  } catch {
    return undefined;
  } finally {
    await iterator.return?.(undefined);
  }
  return suggestTemplates(templates, head)[0];
}
