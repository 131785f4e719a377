// A refused file as a sentence in the user's language (REST, Slack and the console say the same).
import type { Locale } from '../i18n/catalog.js';
import { t } from '../i18n/messages.js';
import type { FileRejected } from './types.js';

export function fileRefusalText(e: FileRejected, locale: Locale): string {
  const maxMb = Math.round(Number(e.params.max ?? 0) / 1048576);
  return t(locale, `file.${e.code}`, { ...e.params, maxMb });
}
