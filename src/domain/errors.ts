// Failures of a whole request (as opposed to per-order refusals, which are results, not errors).
// Controllers map the code to a status and the i18n catalog to a sentence.

export const DOMAIN_ERROR_CODES = [
  'VALIDATION',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'APPROVAL_SELF',
  'APPROVAL_DECIDED',
  'APPROVAL_EXPIRED',
  'ACCOUNT_NOT_ELIGIBLE',
  'PERIOD_TOO_LONG',
  'NO_ACCOUNT',
  'PREVIEW_NOT_OPEN',
  'SECRET_KEY_MISSING',
  'ALREADY_MATCHED',
  'ACCOUNT_BUSY',
] as const;
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    /** Values the sentence needs (a field name, a limit, who decided). */
    readonly params: Record<string, string | number> = {},
  ) {
    super(`${code} ${JSON.stringify(params)}`);
    this.name = 'DomainError';
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
