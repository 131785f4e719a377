// Pure rules: no database.
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import type { GiftEventRecord } from '../../src/domain/ports.js';
import { validateCollection } from '../../src/domain/rules/collection.js';
import {
  completeColumns,
  defaultColumns,
  ORDER_COLUMNS,
  validateColumns,
} from '../../src/domain/rules/columns.js';
import {
  maskAddress,
  maskName,
  maskPhone,
  normalizeAddress,
  normalizePhone,
  normalizeZip,
} from '../../src/domain/rules/contact.js';
import { type GiftParent, giftOrdersFor, kstDay, qualifies } from '../../src/domain/rules/gifts.js';
import { packingKey } from '../../src/domain/rules/packing.js';
import {
  canClaim,
  cancelClosesAtOnce,
  canDelete,
  canEditDelivery,
  canHold,
  canMoveNext,
  canRelease,
  canRestore,
  claimTypesFor,
} from '../../src/domain/rules/stage-rules.js';
import type { OrderState } from '../../src/domain/types.js';

const order = (over: Partial<OrderState> = {}): OrderState => ({
  serial: 1001,
  channelId: 1,
  mallOrderNo: 'M-1',
  mallLineNo: '1',
  stage: 'intake',
  closedStatus: null,
  kind: 'B2C',
  source: 'api',
  badges: [],
  giftParentSerial: null,
  packingKey: 'k',
  deletedAt: null,
  wmsRegisteredAt: null,
  version: 1,
  updatedBy: 'slack:T1:U1',
  updatedAt: new Date(0),
  ...over,
});

const codeOf = (v: { ok: true } | { ok: false; code: string }) => (v.ok ? 'OK' : v.code);

describe('contact: normalizePhone', () => {
  it.each([
    ['01012345678', '010-1234-5678'],
    ['010 1234 5678', '010-1234-5678'],
    ['010-1234-5678', '010-1234-5678'],
    ['+82 10-1234-5678', '010-1234-5678'],
    ['1012345678', '010-1234-5678'],
    ['0212345678', '02-1234-5678'],
    ['021234567', '02-123-4567'],
    ['0311234567', '031-123-4567'],
    ['1588-1234', '1588-1234'],
    ['15881234', '1588-1234'],
    ['', ''],
  ])('keeps the leading zero and the usual dashes: %s → %s', (raw, expected) => {
    expect(normalizePhone(raw)).toBe(expected);
  });

  it('is idempotent', () => {
    for (const raw of ['01012345678', '+82 10 1234 5678', '021234567', '1588-1234']) {
      expect(normalizePhone(normalizePhone(raw))).toBe(normalizePhone(raw));
    }
  });
});

describe('contact: normalizeZip', () => {
  it.each([
    ['6236', '06236'],
    ['06236', '06236'],
    ['062-36', '06236'],
    ['', ''],
  ])('restores the leading zero a spreadsheet dropped: %s → %s', (raw, expected) => {
    expect(normalizeZip(raw)).toBe(expected);
  });
});

describe('contact: normalizeAddress', () => {
  it('ignores case, spacing and punctuation', () => {
    expect(normalizeAddress('서울특별시 강남구 테헤란로 1, 101동 (역삼동)')).toBe(
      normalizeAddress('서울특별시  강남구 테헤란로1 101동 역삼동'),
    );
    expect(normalizeAddress('Seoul Gangnam-gu')).toBe(normalizeAddress('seoul gangnamgu'));
    expect(normalizeAddress('테헤란로 1')).not.toBe(normalizeAddress('테헤란로 2'));
  });
});

describe('contact: masking', () => {
  it.each([
    ['김민수', '김*수'],
    ['남궁민수', '남**수'],
    ['이수', '이*'],
    ['김', '김'],
    [' 김민수 ', '김*수'],
  ])('maskName(%s) = %s', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  it.each([
    ['010-1234-5678', '010-****-5678'],
    ['02-123-4567', '02-***-4567'],
    ['01012345678', '*******5678'],
    ['123', '***'],
  ])('maskPhone(%s) = %s', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });

  it('maskAddress keeps the region (first two words) only', () => {
    expect(maskAddress('서울특별시 강남구 테헤란로 1 101동')).toBe('서울특별시 강남구 …');
    expect(maskAddress('서울특별시 강남구')).toBe('서울특별시 강남구');
  });
});

describe('packing (R8)', () => {
  const base = {
    channelId: 1,
    recipientName: '김민수',
    recipientPhone: '010-9876-5432',
    address: '서울특별시 강남구 테헤란로 1',
    zip: '06236',
  };

  it('R8: the same recipient, phone, address and zip in one channel share a packing key, however spelled', () => {
    expect(
      packingKey({
        channelId: 1,
        recipientName: '김 민수',
        recipientPhone: '01098765432',
        address: '서울특별시  강남구 테헤란로 1,',
        zip: '6236',
      }),
    ).toBe(packingKey(base));
  });

  it.each([
    ['channel', { channelId: 2 }],
    ['recipient name', { recipientName: '김민우' }],
    ['recipient phone', { recipientPhone: '010-9876-5433' }],
    ['address', { address: '서울특별시 강남구 테헤란로 2' }],
    ['zip', { zip: '06237' }],
  ])('R8: another %s is another box', (_what, change) => {
    expect(packingKey({ ...base, ...change })).not.toBe(packingKey(base));
  });
});

describe('stage rules', () => {
  it('R3: only orders not yet registered in the WMS can be held', () => {
    expect(codeOf(canHold(order({ stage: 'intake' })))).toBe('OK');
    expect(codeOf(canHold(order({ stage: 'processing' })))).toBe('OK');
    expect(codeOf(canHold(order({ stage: 'ready' })))).toBe('OK');
    expect(codeOf(canHold(order({ stage: 'shipping' })))).toBe('REGISTERED_IN_WMS');
    expect(codeOf(canHold(order({ stage: 'closed', closedStatus: 'delivered' })))).toBe('REGISTERED_IN_WMS');
    expect(codeOf(canHold(order({ stage: 'ready', wmsRegisteredAt: new Date() })))).toBe('REGISTERED_IN_WMS');
    expect(codeOf(canHold(order({ stage: 'held' })))).toBe('STAGE_NOT_ALLOWED');
    expect(codeOf(canHold(order({ deletedAt: new Date() })))).toBe('DELETED');
  });

  it('R3: only a held order can be released', () => {
    expect(codeOf(canRelease(order({ stage: 'held' })))).toBe('OK');
    expect(codeOf(canRelease(order({ stage: 'intake' })))).toBe('STAGE_NOT_ALLOWED');
    expect(codeOf(canRelease(order({ stage: 'held', deletedAt: new Date() })))).toBe('DELETED');
  });

  it('R5: deletes from any stage before shipping; restores only deleted orders', () => {
    for (const stage of ['unmatched', 'intake', 'processing', 'ready', 'held'] as const) {
      expect(codeOf(canDelete(order({ stage })))).toBe('OK');
    }
    expect(codeOf(canDelete(order({ stage: 'shipping' })))).toBe('REGISTERED_IN_WMS');
    expect(codeOf(canDelete(order({ stage: 'closed' })))).toBe('REGISTERED_IN_WMS');
    expect(codeOf(canDelete(order({ deletedAt: new Date() })))).toBe('DELETED');
    expect(codeOf(canRestore(order({ deletedAt: new Date() })))).toBe('OK');
    expect(codeOf(canRestore(order()))).toBe('NOT_DELETED');
  });

  it('R6/R7: only intake orders move to processing', () => {
    expect(codeOf(canMoveNext(order({ stage: 'intake' })))).toBe('OK');
    for (const stage of ['unmatched', 'processing', 'ready', 'held', 'shipping', 'closed'] as const) {
      expect(codeOf(canMoveNext(order({ stage })))).toBe('STAGE_NOT_ALLOWED');
    }
  });

  it('R9: delivery details are editable until the WMS has the order', () => {
    expect(codeOf(canEditDelivery(order({ stage: 'ready' })))).toBe('OK');
    expect(codeOf(canEditDelivery(order({ stage: 'shipping' })))).toBe('REGISTERED_IN_WMS');
  });

  it('R10: manual claims are for B2C orders only; a cancelled order takes no further claim', () => {
    expect(codeOf(canClaim(order({ kind: 'B2B' }), 'cancel'))).toBe('NOT_B2C');
    expect(codeOf(canClaim(order({ stage: 'closed', closedStatus: 'cancelled' }), 'return'))).toBe(
      'STAGE_NOT_ALLOWED',
    );
    expect(codeOf(canClaim(order({ stage: 'ready' }), 'exchange'))).toBe('CLAIM_TYPE_NOT_ALLOWED');
    expect(codeOf(canClaim(order({ stage: 'shipping' }), 'return'))).toBe('OK');
    expect(codeOf(canClaim(order({ stage: 'closed', closedStatus: 'delivered' }), 'exchange'))).toBe('OK');
  });

  it('R10: a cancel closes at once only before the WMS', () => {
    expect(cancelClosesAtOnce(order({ stage: 'intake' }), 'cancel')).toBe(true);
    expect(cancelClosesAtOnce(order({ stage: 'processing' }), 'cancel')).toBe(true);
    expect(cancelClosesAtOnce(order({ stage: 'ready' }), 'cancel')).toBe(true);
    expect(cancelClosesAtOnce(order({ stage: 'shipping' }), 'cancel')).toBe(false);
    expect(cancelClosesAtOnce(order({ stage: 'intake' }), 'return')).toBe(false);
  });

  it('R10: claimTypesFor offers only cancel when any chosen order is ready', () => {
    expect(claimTypesFor(['intake'])).toEqual(['cancel', 'return', 'exchange']);
    expect(claimTypesFor(['ready'])).toEqual(['cancel']);
    expect(claimTypesFor(['intake', 'ready'])).toEqual(['cancel']);
    expect(claimTypesFor(['shipping'])).toEqual(['return', 'exchange']);
    expect(claimTypesFor(['closed'])).toEqual(['return', 'exchange']);
    expect(claimTypesFor(['ready', 'shipping'])).toEqual([]);
    expect(claimTypesFor([])).toEqual(['cancel', 'return', 'exchange']);
  });
});

describe('collection (R2)', () => {
  const accounts = [
    { id: 1, status: 'normal', services: ['collect_orders', 'send_invoice'] },
    { id: 2, status: 'suspended', services: ['collect_orders'] },
    { id: 3, status: 'normal', services: ['collect_claims'] },
    { id: 4, status: 'auth_failed', services: ['collect_orders'] },
  ];
  const refusal = (request: { accountIds: number[]; from: string; to: string }) => {
    try {
      validateCollection(accounts, request);
      return 'OK';
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      return (e as DomainError).code;
    }
  };

  it('R2: only normal accounts with the collect_orders service; at least one; at most 30 days', () => {
    expect(refusal({ accountIds: [1], from: '2026-11-01', to: '2026-11-30' })).toBe('OK');
    expect(refusal({ accountIds: [1], from: '2026-11-01', to: '2026-12-01' })).toBe('PERIOD_TOO_LONG');
    expect(refusal({ accountIds: [], from: '2026-11-01', to: '2026-11-02' })).toBe('NO_ACCOUNT');
    expect(refusal({ accountIds: [1, 2], from: '2026-11-01', to: '2026-11-02' })).toBe(
      'ACCOUNT_NOT_ELIGIBLE',
    );
    expect(refusal({ accountIds: [3], from: '2026-11-01', to: '2026-11-02' })).toBe('ACCOUNT_NOT_ELIGIBLE');
    expect(refusal({ accountIds: [4], from: '2026-11-01', to: '2026-11-02' })).toBe('ACCOUNT_NOT_ELIGIBLE');
    expect(refusal({ accountIds: [9], from: '2026-11-01', to: '2026-11-02' })).toBe('NOT_FOUND');
    expect(refusal({ accountIds: [1], from: '2026-11-02', to: '2026-11-01' })).toBe('VALIDATION');
    expect(refusal({ accountIds: [1], from: '2026/11/01', to: '2026-11-02' })).toBe('VALIDATION');
  });
});

describe('columns (R14)', () => {
  it('R14: a setting names known columns once, widths 4–100, at least one shown', () => {
    expect(validateColumns(defaultColumns())).toBeNull();
    expect(validateColumns([{ key: 'nope', width: 10, visible: true }])).toMatch(/unknown/);
    expect(
      validateColumns([
        { key: 'serial', width: 10, visible: true },
        { key: 'serial', width: 10, visible: true },
      ]),
    ).toMatch(/twice/);
    expect(validateColumns([{ key: 'serial', width: 3, visible: true }])).toMatch(/width/);
    expect(validateColumns([{ key: 'serial', width: 101, visible: true }])).toMatch(/width/);
    expect(validateColumns([{ key: 'serial', width: 10, visible: false }])).toMatch(/visible/);
  });

  it('R14: a saved setting keeps its order and gains columns it does not name, with their defaults', () => {
    const completed = completeColumns([
      { key: 'address', width: 50, visible: false },
      { key: 'gone', width: 10, visible: true },
      { key: 'serial', width: 8, visible: true },
    ]);
    expect(completed.slice(0, 2)).toEqual([
      { key: 'address', width: 50, visible: false },
      { key: 'serial', width: 8, visible: true },
    ]);
    expect(completed.map((c) => c.key).sort()).toEqual([...ORDER_COLUMNS].sort());
  });
});

describe('gifts (R18)', () => {
  const event: GiftEventRecord = {
    id: 7,
    channelId: 1,
    name: '에코백 증정',
    productIds: [10],
    startsOn: '2026-11-26',
    endsOn: '2026-11-26',
    minQuantity: 2,
    minAmountKrw: null,
    giftProductId: 99,
    giftQuantity: 1,
    active: true,
  };
  const parent: GiftParent = {
    serial: 1001,
    channelId: 1,
    mallOrderNo: 'M-1',
    mallLineNo: '1',
    productId: 10,
    quantity: 2,
    amountKrw: 64000,
    orderedAt: new Date('2026-11-26T03:00:00Z'),
    ordererName: '김민수',
    ordererPhone: '010-1234-5678',
    recipientName: '김민수',
    recipientPhone: '010-1234-5678',
    address: '서울특별시 강남구 테헤란로 1',
    zip: '06236',
    deliveryMessage: '',
    kind: 'B2C',
    packingKey: 'k',
    source: 'api',
    isDemo: false,
  };

  it('R18: events run on Korean calendar days', () => {
    expect(kstDay(new Date('2026-11-25T15:00:00Z'))).toBe('2026-11-26');
    expect(kstDay(new Date('2026-11-25T14:59:59Z'))).toBe('2026-11-25');
  });

  it('R18: qualifies by channel, product, period, minimum quantity or amount', () => {
    expect(qualifies(event, parent)).toBe(true);
    expect(qualifies(event, { ...parent, channelId: 2 })).toBe(false);
    expect(qualifies(event, { ...parent, productId: 11 })).toBe(false);
    expect(qualifies(event, { ...parent, productId: null })).toBe(false);
    expect(qualifies(event, { ...parent, quantity: 1 })).toBe(false);
    expect(qualifies(event, { ...parent, orderedAt: new Date('2026-11-26T15:00:00Z') })).toBe(false);
    expect(qualifies(event, { ...parent, source: 'gift' })).toBe(false);
    expect(qualifies({ ...event, active: false }, parent)).toBe(false);
    const byAmount = { ...event, minQuantity: null, minAmountKrw: 50000 };
    expect(qualifies(byAmount, { ...parent, quantity: 1 })).toBe(true);
    expect(qualifies(byAmount, { ...parent, amountKrw: 49999 })).toBe(false);
  });

  it('R18: a gift order ships in the parent box, under the parent mall order, at no charge', () => {
    const [gift, ...rest] = giftOrdersFor([parent], [event]);
    expect(rest).toEqual([]);
    expect(gift).toMatchObject({
      channelId: 1,
      mallOrderNo: 'M-1',
      mallLineNo: 'G7-1',
      productId: 99,
      quantity: 1,
      amountKrw: 0,
      stage: 'intake',
      source: 'gift',
      badges: ['gift'],
      giftParentSerial: 1001,
      giftEventId: 7,
      packingKey: 'k',
    });
  });
});
