// The full list of a preview's rejected rows as an xlsx (R12): the chat preview shows the first ten, this
// file holds every one — row, column, why and the value — for the person fixing the mall file.
import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { RowProblem } from '../domain/services/imports.js';
import type { Locale } from '../i18n/catalog.js';
import { type MessageKey, t } from '../i18n/messages.js';
import { neutralise } from './export.js';

export async function writeProblemsXlsx(problems: RowProblem[], locale: Locale): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk as Buffer);
      done();
    },
  });
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: sink,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = book.addWorksheet(t(locale, 'problems.sheet'));
  sheet.columns = [{ width: 8 }, { width: 20 }, { width: 40 }, { width: 40 }];
  sheet
    .addRow([
      t(locale, 'problems.row'),
      t(locale, 'problems.column'),
      t(locale, 'problems.why'),
      t(locale, 'problems.value'),
    ])
    .commit();
  for (const p of problems) {
    sheet
      .addRow([
        p.row,
        neutralise(p.column),
        t(locale, `row.${p.code}` as MessageKey),
        neutralise(p.value ?? ''),
      ])
      .commit();
  }
  sheet.commit();
  await book.commit();
  return Buffer.concat(chunks);
}

/** `orders.xlsx` → `orders-rejected.xlsx`. */
export function problemsFileName(fileName: string): string {
  const base = fileName.replace(/\.[^.]*$/, '') || 'upload';
  return `${base}-rejected.xlsx`;
}
