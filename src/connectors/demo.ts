// The demo mall of the embedded default: deterministic orders for any period (the same day always gives
// the same orders, so collecting twice adds nothing), some unmatched, one cancel request a day. Every
// product name says [데모] and the orders are stored as demo data.
import type { CollectedPage } from '../domain/services/collection.js';
import type { CollectedClaim, IncomingOrder } from '../domain/services/intake.js';
import { ADDRESSES, NAMES, PRODUCTS, UNMATCHED } from '../seed/demo-data.js';
import { type AccountAccess, type Connector, kstDayStart, type Period } from './types.js';

const PER_DAY = 8;
const DAY_MS = 86_400_000;

function dayOf(start: Date, index: number): string {
  return new Date(start.getTime() + index * DAY_MS + 9 * 3600_000).toISOString().slice(0, 10);
}

function ordersOf(account: AccountAccess, day: string): CollectedPage {
  const compact = day.replaceAll('-', '');
  const seed = Number(compact) % 97;
  const orders: IncomingOrder[] = [];
  for (let i = 0; i < PER_DAY; i++) {
    const k = seed + i;
    const unmatched = k % 5 === 0;
    const product = PRODUCTS[k % PRODUCTS.length]!;
    const [address, zip] = ADDRESSES[k % ADDRESSES.length]!;
    orders.push({
      channelId: account.channelId,
      mallOrderNo: `DEMO-NV-${compact}-${String(i + 1).padStart(3, '0')}`,
      mallLineNo: '1',
      mallProductCode: unmatched ? UNMATCHED.mall : product.mall,
      mallOption: unmatched ? UNMATCHED.option : product.option,
      mallProductName: unmatched ? UNMATCHED.name : product.name,
      quantity: (k % 3) + 1,
      unitPriceKrw: unmatched ? 39000 : product.priceKrw,
      ordererName: NAMES[k % NAMES.length]!,
      ordererPhone: `010${String(40000000 + k * 7919).slice(0, 8)}`,
      recipientName: NAMES[(k + 2) % NAMES.length]!,
      recipientPhone: `010${String(50000000 + k * 104729).slice(0, 8)}`,
      address: address!,
      zip: zip!,
      deliveryMessage: i % 3 === 0 ? '[데모] 문 앞에 놓아주세요' : '',
      orderedAt: new Date(kstDayStart(day).getTime() + (9 + i) * 3600_000),
    });
  }
  const cancelled = orders[PER_DAY - 1]!;
  const claims: CollectedClaim[] = [
    {
      channelId: account.channelId,
      mallOrderNo: cancelled.mallOrderNo,
      mallLineNo: '1',
      type: 'cancel',
      reason: '[데모] 단순 변심',
      mallClaimId: `DEMO-CL-${compact}`,
    },
  ];
  return { orders, claims, cursor: null, isDemo: true };
}

export function demoConnector(): Connector {
  return {
    async verify() {},
    async *pages(account, period: Period, cursor) {
      const start = kstDayStart(period.from);
      const days = Math.round((kstDayStart(period.to).getTime() - start.getTime()) / DAY_MS) + 1;
      for (let d = cursor ? Number(cursor) : 0; d < days; d++) {
        const page = ordersOf(account, dayOf(start, d));
        yield { ...page, cursor: d + 1 < days ? String(d + 1) : null };
      }
    },
  };
}
