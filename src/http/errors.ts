// Every failure leaves as {error: {code, message}} with the right status, in the caller's language.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { type DomainErrorCode, isDomainError } from '../domain/errors.js';
import { fileRefusalText } from '../excel/refusal-text.js';
import { type FileRefusal, FileRejected } from '../excel/types.js';
import { type ErrorCode, errorText, type Locale, pickLocale } from '../i18n/catalog.js';
import { t } from '../i18n/messages.js';

const STATUS: Record<DomainErrorCode, number> = {
  VALIDATION: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  APPROVAL_SELF: 403,
  APPROVAL_DECIDED: 409,
  APPROVAL_EXPIRED: 410,
  ACCOUNT_NOT_ELIGIBLE: 422,
  PERIOD_TOO_LONG: 422,
  NO_ACCOUNT: 400,
  PREVIEW_NOT_OPEN: 409,
  ALREADY_MATCHED: 409,
  ACCOUNT_BUSY: 409,
  SECRET_KEY_MISSING: 503,
};

const FILE_STATUS: Record<FileRefusal, number> = {
  EMPTY: 400,
  TOO_LARGE: 413,
  TOO_MANY_ROWS: 413,
  ENCRYPTED_NEEDS_PASSWORD: 422,
  WRONG_PASSWORD: 422,
  LEGACY_XLS: 415,
  HTML: 415,
  TRUNCATED: 422,
  NO_WORKBOOK: 422,
  NO_SHEET: 422,
  NOT_A_SPREADSHEET: 415,
  TIMEOUT: 422,
};

declare module 'fastify' {
  interface FastifyRequest {
    locale: Locale;
  }
}

export function localeOf(request: FastifyRequest, fallback: Locale): Locale {
  return pickLocale(request.headers['accept-language'], fallback);
}

export function sendError(
  reply: FastifyReply,
  status: number,
  code: ErrorCode,
  locale: Locale,
  params: Record<string, string | number> = {},
) {
  return reply.status(status).send({ error: { code, message: errorText(code, locale, params) } });
}

export function errorHandler(fallback: Locale) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const locale = request.locale ?? localeOf(request, fallback);
    if (isDomainError(error)) return sendError(reply, STATUS[error.code], error.code, locale, error.params);
    if (error instanceof FileRejected) {
      return reply
        .status(FILE_STATUS[error.code])
        .send({ error: { code: error.code, message: fileRefusalText(error, locale) } });
    }
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      return reply
        .status(413)
        .send({ error: { code: 'TOO_LARGE', message: t(locale, 'file.TOO_LARGE', { maxMb: '' }) } });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const detail = error.validation
        .map(
          (v) =>
            `${v.instancePath.replace(/^\//, '').replace(/\//g, '.') || error.validationContext}: ${v.message}`,
        )
        .join('; ');
      return sendError(reply, 400, 'BAD_REQUEST', locale, { detail });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(reply, error.statusCode, 'BAD_REQUEST', locale, { detail: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 500, 'INTERNAL', locale);
  };
}
