// Every sentence a user reads, in Korean and English. Codes come from the domain (refusals, errors).
import type { DomainErrorCode } from '../domain/errors.js';
import type { RefusalCode, Stage } from '../domain/types.js';

export const LOCALES = ['ko', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

type Params = Record<string, string | number>;
type Entry = Record<Locale, string | ((p: Params) => string)>;

const stageNames: Record<Stage, Entry> = {
  unmatched: { ko: '비매칭', en: 'unmatched' },
  intake: { ko: '주문(발주)관리', en: 'intake' },
  processing: { ko: '주문서처리', en: 'processing' },
  ready: { ko: '출고준비', en: 'ready to ship' },
  shipping: { ko: 'WMS 출고등록', en: 'registered in the WMS' },
  closed: { ko: '종결', en: 'closed' },
  held: { ko: '출고보류', en: 'held' },
};

const refusals: Record<RefusalCode, Entry> = {
  NOT_FOUND: { ko: '주문서를 찾을 수 없습니다', en: 'no such order' },
  UNMATCHED_SIBLING: {
    ko: '같은 쇼핑몰 주문번호의 비매칭 주문서가 있어 먼저 상품 매칭이 필요합니다',
    en: 'an unmatched order with the same mall order number must be matched first',
  },
  REGISTERED_IN_WMS: {
    ko: '이미 WMS에 출고등록된 주문서입니다',
    en: 'already registered for shipment in the WMS',
  },
  STAGE_NOT_ALLOWED: {
    ko: (p) => `현재 단계(${p.stage})에서는 할 수 없습니다${p.by ? ` — 마지막 변경: ${p.by}` : ''}`,
    en: (p) => `not possible in its current stage (${p.stage})${p.by ? ` — last changed by ${p.by}` : ''}`,
  },
  STALE_VERSION: {
    ko: (p) => `다른 사람이 먼저 변경했습니다(${p.by}, 현재 ${p.stage}). 목록을 새로 고친 뒤 다시 시도하세요`,
    en: (p) => `changed by ${p.by} in the meantime (now ${p.stage}); refresh and try again`,
  },
  FORBIDDEN: { ko: '권한이 없습니다', en: 'you are not allowed to do that' },
  DELETED: { ko: '삭제된 주문서입니다', en: 'the order is deleted' },
  NOT_DELETED: { ko: '삭제되지 않은 주문서입니다', en: 'the order is not deleted' },
  NOT_B2C: { ko: '수기 클레임은 B2C 주문서만 가능합니다', en: 'manual claims are for B2C orders only' },
  CLAIM_TYPE_NOT_ALLOWED: {
    ko: (p) => `현재 단계(${p.stage})에서는 이 클레임 유형을 등록할 수 없습니다`,
    en: (p) => `this claim type cannot be filed in its current stage (${p.stage})`,
  },
};

const errors: Record<
  DomainErrorCode | 'UNAUTHORIZED' | 'BAD_REQUEST' | 'INTERNAL' | 'ROUTE_NOT_FOUND' | 'API_OFF',
  Entry
> = {
  VALIDATION: {
    ko: (p) => `입력값을 확인하세요: ${p.field ?? ''}${p.problem ? ` (${p.problem})` : ''}`,
    en: (p) => `please check the input: ${p.field ?? ''}${p.problem ? ` (${p.problem})` : ''}`,
  },
  BAD_REQUEST: {
    ko: (p) => `요청 형식이 올바르지 않습니다: ${p.detail}`,
    en: (p) => `the request is malformed: ${p.detail}`,
  },
  FORBIDDEN: {
    ko: (p) => `권한이 없습니다${p.role ? ` (필요한 역할: ${p.role})` : ''}`,
    en: (p) => `you are not allowed to do that${p.role ? ` (needs role ${p.role})` : ''}`,
  },
  NOT_FOUND: {
    ko: (p) =>
      `찾을 수 없습니다${p.field ? `: ${p.field}${p.value !== undefined ? ` ${p.value}` : ''}` : ''}`,
    en: (p) => `not found${p.field ? `: ${p.field}${p.value !== undefined ? ` ${p.value}` : ''}` : ''}`,
  },
  CONFLICT: {
    ko: (p) => `이미 있습니다: ${p.field} ${p.value ?? ''}`,
    en: (p) => `already exists: ${p.field} ${p.value ?? ''}`,
  },
  APPROVAL_SELF: { ko: '본인이 요청한 건은 승인할 수 없습니다', en: 'you cannot decide your own request' },
  APPROVAL_DECIDED: {
    ko: (p) => `이미 처리된 요청입니다 (${p.status}${p.by ? `, ${p.by}` : ''})`,
    en: (p) => `this request was already decided (${p.status}${p.by ? ` by ${p.by}` : ''})`,
  },
  APPROVAL_EXPIRED: { ko: '승인 요청이 만료되었습니다', en: 'the approval request has expired' },
  ACCOUNT_NOT_ELIGIBLE: {
    ko: (p) => `수집할 수 없는 쇼핑몰 계정입니다 (#${p.account}: 서비스 상태 ‘정상’, ‘주문수집’ 지원 필요)`,
    en: (p) =>
      `account #${p.account} cannot be collected (needs status normal and the order collection service)`,
  },
  PERIOD_TOO_LONG: {
    ko: (p) => `수집 기간은 최대 ${p.max}일입니다 (선택: ${p.days}일)`,
    en: (p) => `the collection period is at most ${p.max} days (chosen: ${p.days})`,
  },
  NO_ACCOUNT: { ko: '쇼핑몰 계정을 1개 이상 선택하세요', en: 'choose at least one mall account' },
  PREVIEW_NOT_OPEN: {
    ko: '이미 등록되었거나 닫힌 미리보기입니다',
    en: 'this preview was already registered or closed',
  },
  SECRET_KEY_MISSING: {
    ko: 'ORDERMATE_SECRET_KEY가 설정되지 않아 계정 정보를 저장할 수 없습니다',
    en: 'ORDERMATE_SECRET_KEY is not set, so credentials cannot be stored',
  },
  ACCOUNT_BUSY: {
    ko: (p) => `‘${p.name}’ 계정은 이미 수집 중입니다 (수집 #${p.run}). 끝난 뒤 다시 시도하세요`,
    en: (p) => `account ‘${p.name}’ is already being collected (run #${p.run}); try again when it ends`,
  },
  ALREADY_MATCHED: {
    ko: (p) => `이미 매칭되었거나 더 이상 기다리는 주문이 아닙니다 (주문서 ${p.serial})`,
    en: (p) => `already matched, or no longer waiting (order ${p.serial})`,
  },
  UNAUTHORIZED: {
    ko: 'API 토큰이 없거나 올바르지 않습니다 (Authorization: Bearer <API_TOKEN>)',
    en: 'missing or wrong API token (Authorization: Bearer <API_TOKEN>)',
  },
  ROUTE_NOT_FOUND: { ko: '없는 경로입니다', en: 'no such route' },
  API_OFF: {
    ko: 'REST API가 꺼져 있습니다. API_TOKEN을 설정하면 켜집니다',
    en: 'the REST API is off: set API_TOKEN to turn it on',
  },
  INTERNAL: {
    ko: '처리 중 문제가 생겼습니다. 잠시 후 다시 시도하세요',
    en: 'something went wrong on our side; please try again shortly',
  },
};

const render = (entry: Entry, locale: Locale, params: Params) => {
  const text = entry[locale];
  return typeof text === 'function' ? text(params) : text;
};

export function stageName(stage: Stage, locale: Locale): string {
  return render(stageNames[stage], locale, {});
}

export function refusalText(
  code: RefusalCode,
  locale: Locale,
  params: { stage?: Stage; by?: string } = {},
): string {
  const p: Params = { ...params, stage: params.stage ? stageName(params.stage, locale) : '' };
  return render(refusals[code], locale, p);
}

export type ErrorCode = keyof typeof errors;

export function errorText(code: ErrorCode, locale: Locale, params: Params = {}): string {
  return render(errors[code], locale, params);
}

/** `ko-KR,ko;q=0.9,en;q=0.8` or a Slack/Discord locale (`en-US`, `ko`) → ko | en. */
export function pickLocale(header: string | undefined | null, fallback: Locale): Locale {
  if (!header) return fallback;
  // `en; q=0.8` (spaces are allowed around `;` and `=`); q=0 means "not this one"; a bad q is ignored.
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.split(';').map((p) => p.trim());
      const weight = params.find((p) => /^q\s*=/i.test(p));
      const q = weight === undefined ? 1 : Number(weight.replace(/^q\s*=\s*/i, '') || 'x');
      return { tag: tag.toLowerCase(), q: Number.isFinite(q) ? q : 0 };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const base = tag.split(/[-_]/)[0];
    if (base === 'ko' || base === 'en') return base;
  }
  return fallback;
}
