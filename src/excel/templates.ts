// R12: a template maps a mall file's columns to order fields — by header text (with aliases) or by
// column letter — and says where the headers are. Built-ins cover the malls Korean sellers use most.
import { z } from 'zod';

export const TEMPLATE_FIELDS = [
  'mallOrderNo',
  'mallLineNo',
  'mallProductCode',
  'mallProductName',
  'mallOption',
  'quantity',
  'unitPriceKrw',
  'amountKrw',
  'ordererName',
  'ordererPhone',
  'recipientName',
  'recipientPhone',
  'address',
  'zip',
  'deliveryMessage',
  'orderedAt',
] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];

/** Without these an order cannot be shipped or told apart. */
export const REQUIRED_FIELDS: readonly TemplateField[] = [
  'mallOrderNo',
  'quantity',
  'recipientName',
  'recipientPhone',
  'address',
  'zip',
];

const columnRef = z
  .object({
    headers: z.array(z.string().trim().min(1).max(100)).min(1).max(20).optional(),
    column: z
      .string()
      .regex(/^[A-Z]{1,3}$/, 'a column letter such as A or AB')
      .optional(),
  })
  .refine((c) => Boolean(c.headers) !== Boolean(c.column), 'either headers or column');

export const templateDefinition = z
  .object({
    name: z.string().trim().min(1).max(60),
    description: z.string().max(200).optional(),
    sheet: z.union([z.string().min(1).max(100), z.number().int().min(1).max(100)]).optional(),
    /** 1-based header row, or `auto`: the row among the first 20 that holds the required headers. */
    headerRow: z.union([z.number().int().min(1).max(1000), z.literal('auto')]).default('auto'),
    columns: z.record(z.enum(TEMPLATE_FIELDS), columnRef),
    kind: z.enum(['B2C', 'B2B']).default('B2C'),
  })
  .strict()
  .superRefine((t, ctx) => {
    for (const field of REQUIRED_FIELDS) {
      if (!t.columns[field])
        ctx.addIssue({ code: 'custom', path: ['columns', field], message: `${field} is required` });
    }
    const byLetter = Object.values(t.columns).some((c) => c.column);
    if (byLetter && t.headerRow === 'auto') {
      ctx.addIssue({
        code: 'custom',
        path: ['headerRow'],
        message: 'columns by letter need a header row number',
      });
    }
  });

export type TemplateDefinition = z.infer<typeof templateDefinition>;

const h = (...headers: string[]) => ({ headers });

export const BUILTIN_TEMPLATES: TemplateDefinition[] = [
  {
    name: 'smartstore',
    description: '네이버 스마트스토어 주문 엑셀 (1행 안내문, 2행 헤더)',
    headerRow: 'auto',
    kind: 'B2C',
    columns: {
      mallOrderNo: h('주문번호'),
      mallLineNo: h('상품주문번호'),
      mallProductCode: h('상품번호'),
      mallProductName: h('상품명'),
      mallOption: h('옵션정보'),
      quantity: h('수량'),
      unitPriceKrw: h('상품가격', '판매가'),
      amountKrw: h('최종 상품별 총 주문금액', '상품별 총 주문금액'),
      ordererName: h('구매자명'),
      ordererPhone: h('구매자연락처'),
      recipientName: h('수취인명'),
      recipientPhone: h('수취인연락처1'),
      address: h('통합배송지', '배송지'),
      zip: h('우편번호'),
      deliveryMessage: h('배송메세지', '배송메시지'),
      orderedAt: h('주문일시'),
    },
  },
  {
    name: 'coupang',
    description: '쿠팡 Wing 발주서 엑셀',
    headerRow: 'auto',
    kind: 'B2C',
    columns: {
      mallOrderNo: h('주문번호'),
      mallLineNo: h('옵션ID', '옵션 ID'),
      mallProductCode: h('옵션ID', '옵션 ID'),
      mallProductName: h('등록상품명'),
      mallOption: h('등록옵션명'),
      quantity: h('구매수(수량)', '구매수'),
      unitPriceKrw: h('판매단가', '옵션판매가(판매단위)'),
      amountKrw: h('결제액'),
      ordererName: h('구매자'),
      ordererPhone: h('구매자전화번호'),
      recipientName: h('수취인이름'),
      recipientPhone: h('수취인전화번호'),
      address: h('수취인 주소', '수취인주소'),
      zip: h('우편번호'),
      deliveryMessage: h('배송메세지', '배송메시지'),
      orderedAt: h('주문일'),
    },
  },
  {
    name: 'cafe24',
    description: '카페24 주문 엑셀 (기본 양식)',
    headerRow: 'auto',
    kind: 'B2C',
    columns: {
      mallOrderNo: h('주문번호'),
      mallLineNo: h('품목별 주문번호', '주문상품고유번호'),
      mallProductCode: h('상품코드', '상품번호'),
      mallProductName: h('상품명', '상품명(한국어 쇼핑몰)'),
      mallOption: h('상품옵션', '옵션'),
      quantity: h('수량'),
      unitPriceKrw: h('판매가', '상품구매금액'),
      amountKrw: h('총 결제금액', '결제금액'),
      ordererName: h('주문자명'),
      ordererPhone: h('주문자 휴대전화', '주문자 전화번호'),
      recipientName: h('수령인'),
      recipientPhone: h('수령인 휴대전화', '수령인 전화번호'),
      address: h('수령인 주소(전체)', '수령인 주소'),
      zip: h('수령인 우편번호', '우편번호'),
      deliveryMessage: h('배송메시지'),
      orderedAt: h('주문일시'),
    },
  },
  {
    name: 'ordermate',
    description: 'OrderMate 기본 양식 (한국어 또는 영어 헤더)',
    headerRow: 'auto',
    kind: 'B2C',
    columns: {
      mallOrderNo: h('쇼핑몰 주문번호', '주문번호', 'mallOrderNo'),
      mallLineNo: h('라인번호', 'mallLineNo'),
      mallProductCode: h('쇼핑몰 상품코드', '상품코드', 'mallProductCode'),
      mallProductName: h('쇼핑몰 상품명', '상품명', 'mallProductName'),
      mallOption: h('옵션', 'mallOption'),
      quantity: h('수량', 'quantity'),
      unitPriceKrw: h('판매가', 'unitPriceKrw'),
      amountKrw: h('금액', 'amountKrw'),
      ordererName: h('주문자', 'ordererName'),
      ordererPhone: h('주문자 연락처', 'ordererPhone'),
      recipientName: h('수취인', 'recipientName'),
      recipientPhone: h('수취인 연락처', 'recipientPhone'),
      address: h('주소', 'address'),
      zip: h('우편번호', 'zip'),
      deliveryMessage: h('배송메시지', 'deliveryMessage'),
      orderedAt: h('주문일시', 'orderedAt'),
    },
  },
];

/** Header text as people vary it: spaces, case and full-width brackets do not matter. */
export const normalizeHeader = (text: string) =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_]+/g, '');

const letterIndex = (letters: string) =>
  [...letters].reduce((n, c) => n * 26 + (c.charCodeAt(0) - 64), 0) - 1;

/** Field → 0-based column index for this header row, or the required fields it lacks. */
export function resolveColumns(
  template: TemplateDefinition,
  headerCells: string[] | null,
): { ok: true; columns: Partial<Record<TemplateField, number>> } | { ok: false; missing: TemplateField[] } {
  const columns: Partial<Record<TemplateField, number>> = {};
  const normalized = (headerCells ?? []).map(normalizeHeader);
  for (const [field, ref] of Object.entries(template.columns) as [
    TemplateField,
    z.infer<typeof columnRef>,
  ][]) {
    if (ref.column) {
      columns[field] = letterIndex(ref.column);
      continue;
    }
    const wanted = (ref.headers ?? []).map(normalizeHeader);
    const index = normalized.findIndex((cell) => wanted.includes(cell));
    if (index >= 0) columns[field] = index;
  }
  const missing = REQUIRED_FIELDS.filter((f) => columns[f] === undefined);
  return missing.length ? { ok: false, missing } : { ok: true, columns };
}

/** The header row among the first rows: the first one that holds every required header. */
export function findHeaderRow(
  template: TemplateDefinition,
  rows: { row: number; cells: string[] }[],
): number | null {
  if (template.headerRow !== 'auto') return template.headerRow;
  for (const r of rows.slice(0, 20)) if (resolveColumns(template, r.cells).ok) return r.row;
  return null;
}

/** Templates whose required headers the file holds, best first (most mapped columns). */
export function suggestTemplates(
  templates: TemplateDefinition[],
  firstRows: { row: number; cells: string[] }[],
): string[] {
  const scored: { name: string; score: number }[] = [];
  for (const t of templates) {
    if (t.headerRow !== 'auto') continue;
    const headerRow = findHeaderRow(t, firstRows);
    const cells = firstRows.find((r) => r.row === headerRow)?.cells;
    const resolved = cells ? resolveColumns(t, cells) : null;
    if (resolved?.ok) scored.push({ name: t.name, score: Object.keys(resolved.columns).length });
  }
  return scored.sort((a, b) => b.score - a.score).map((s) => s.name);
}
