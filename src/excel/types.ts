// What the Excel layer hands the rest: rows of text cells, and typed refusals of files it cannot take.

/** One spreadsheet row: 1-based row number as the user sees it, cells as text (A = index 0). */
export interface SheetRow {
  row: number;
  cells: string[];
}

export const FILE_REFUSALS = [
  'EMPTY',
  'TOO_LARGE',
  'TOO_MANY_ROWS',
  'ENCRYPTED_NEEDS_PASSWORD',
  'WRONG_PASSWORD',
  'LEGACY_XLS',
  'HTML',
  'TRUNCATED',
  'NO_WORKBOOK',
  'NO_SHEET',
  'NOT_A_SPREADSHEET',
  'TIMEOUT',
] as const;
export type FileRefusal = (typeof FILE_REFUSALS)[number];

/** A file OrderMate cannot read, with the reason a user can act on. */
export class FileRejected extends Error {
  constructor(
    readonly code: FileRefusal,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`${code} ${JSON.stringify(params)}`);
    this.name = 'FileRejected';
  }
}

export interface ReadOptions {
  /** For an encrypted xlsx. */
  password?: string;
  /** Refuse past this many data rows (UPLOAD_MAX_ROWS). */
  maxRows: number;
  /** The reader gives up after this long (a broken zip can make a streaming reader hang). */
  timeoutMs: number;
  /** Sheet name or 1-based index; default the first sheet. */
  sheet?: string | number;
}
