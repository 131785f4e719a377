// The demo workspace of the embedded default: clearly labelled, a few dozen orders across stages, some
// unmatched, and a gift event. Built through the domain, so the demo shows what real use leaves behind.
import type { Desk } from '../domain/context.js';
import { kstDay } from '../domain/rules/gifts.js';
import { type IncomingOrder, storeOrders } from '../domain/services/intake.js';
import { addNote } from '../domain/services/notes.js';
import { claimOrders, holdOrders, moveOrdersNext } from '../domain/services/order-actions.js';
import { recordWmsEvent } from '../domain/services/wms.js';
import type { Actor } from '../domain/types.js';
import { ADDRESSES, GIFT, NAMES, PRODUCTS, UNMATCHED } from './demo-data.js';

const SYSTEM: Actor = { id: 'system', role: 'admin', source: 'system' };

export async function hasAnyChannel(desk: Desk): Promise<boolean> {
  return desk.store.transaction(async (tx) => (await tx.catalog.channels()).length > 0);
}

export async function seedDemo(desk: Desk): Promise<{ orders: number }> {
  const now = desk.now();
  const channelId = await desk.store.transaction(async (tx) => {
    const channelId = await tx.catalog.createChannel({
      code: 'demo',
      name: '데모몰 (demo)',
      kind: 'mall',
      isDemo: true,
    });
    await tx.catalog.createAccount({
      channelId,
      name: '데모 계정 (demo)',
      connector: 'demo',
      status: 'normal',
      services: ['collect_orders', 'collect_claims'],
      isDemo: true,
    });
    const productIds: number[] = [];
    for (const p of PRODUCTS) {
      const id = await tx.catalog.createProduct({
        code: p.code,
        name: p.name,
        priceKrw: p.priceKrw,
        isDemo: true,
      });
      productIds.push(id);
      await tx.catalog.saveMatch(
        { channelId, mallProductCode: p.mall, mallOption: p.option },
        [{ productId: id, quantity: 1 }],
        SYSTEM.id,
      );
    }
    const giftId = await tx.catalog.createProduct({ ...GIFT, isDemo: true });
    await tx.gifts.create(
      {
        channelId,
        name: '[데모] 김치 2개 이상 구매 시 에코백',
        productIds: [productIds[3]!],
        startsOn: kstDay(new Date(now.getTime() - 7 * 86_400_000)),
        endsOn: kstDay(new Date(now.getTime() + 30 * 86_400_000)),
        minQuantity: 2,
        minAmountKrw: null,
        giftProductId: giftId,
        giftQuantity: 1,
      },
      SYSTEM.id,
    );
    return channelId;
  });

  const lines: IncomingOrder[] = [];
  for (let i = 0; i < 40; i++) {
    const unmatched = i % 9 === 4;
    const product = PRODUCTS[i % PRODUCTS.length]!;
    const [address, zip] = ADDRESSES[i % ADDRESSES.length]!;
    const quantity = (i % 4) + 1;
    lines.push({
      channelId,
      mallOrderNo: `DEMO-2026${String(100000 + i).padStart(6, '0')}`,
      mallLineNo: '1',
      mallProductCode: unmatched ? UNMATCHED.mall : product.mall,
      mallOption: unmatched ? UNMATCHED.option : product.option,
      mallProductName: unmatched ? UNMATCHED.name : product.name,
      quantity,
      unitPriceKrw: unmatched ? 39000 : product.priceKrw,
      ordererName: NAMES[i % NAMES.length]!,
      ordererPhone: `010${String(20000000 + i * 7919).slice(0, 8)}`,
      recipientName: NAMES[(i + 3) % NAMES.length]!,
      recipientPhone: `010${String(30000000 + i * 104729).slice(0, 8)}`,
      address: address!,
      zip: zip!,
      deliveryMessage: i % 3 === 0 ? '문 앞에 놓아주세요' : '',
      orderedAt: new Date(now.getTime() - (40 - i) * 3_600_000),
    });
  }
  const stored = await desk.store.transaction((tx) =>
    storeOrders(tx, SYSTEM, lines, { source: 'api', isDemo: true }, now),
  );
  const matched = stored.created.filter((s) => !stored.unmatched.includes(s) && !stored.gifts.includes(s));
  // Spread them over the stages an operator meets during a day.
  const toProcessing = matched.slice(0, 14);
  await moveOrdersNext(desk, SYSTEM, { serials: toProcessing });
  await recordWmsEvent(desk, SYSTEM, { event: 'registered', serials: toProcessing.slice(0, 6) });
  await recordWmsEvent(desk, SYSTEM, { event: 'delivered', serials: toProcessing.slice(0, 3) });
  await holdOrders(desk, SYSTEM, { serials: matched.slice(14, 16), reason: '[데모] 주소 확인 필요' });
  await claimOrders(desk, SYSTEM, { serials: [matched[16]!], type: 'cancel', reason: '[데모] 고객 변심' });
  await addNote(desk, SYSTEM, 'cs', matched[17]!, '[데모] 배송 전 연락 요청 — 부재 시 경비실');
  await addNote(desk, SYSTEM, 'message', matched[17]!, '[데모] 고객에게 문자 안내 완료');
  return { orders: stored.created.length };
}
