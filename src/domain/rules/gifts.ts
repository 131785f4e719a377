// R18: a gift event generates a gift order for a parent order that qualifies when it enters intake.
import type { GiftEventRecord, NewOrder } from '../ports.js';

export interface GiftParent {
  serial: number;
  channelId: number;
  mallOrderNo: string;
  mallLineNo: string;
  productId: number | null;
  quantity: number;
  amountKrw: number;
  orderedAt: Date;
  ordererName: string;
  ordererPhone: string;
  recipientName: string;
  recipientPhone: string;
  address: string;
  zip: string;
  deliveryMessage: string;
  kind: 'B2C' | 'B2B';
  packingKey: string;
  source: string;
  isDemo: boolean;
}

/** The day (YYYY-MM-DD) an order was placed, in Korean time: events run on Korean calendar days. */
export function kstDay(at: Date): string {
  return new Date(at.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}

export function qualifies(event: GiftEventRecord, parent: GiftParent): boolean {
  if (!event.active || parent.source === 'gift' || parent.productId === null) return false;
  if (event.channelId !== parent.channelId || !event.productIds.includes(parent.productId)) return false;
  const day = kstDay(parent.orderedAt);
  if (day < event.startsOn || day > event.endsOn) return false;
  if (event.minQuantity !== null && parent.quantity < event.minQuantity) return false;
  if (event.minAmountKrw !== null && parent.amountKrw < event.minAmountKrw) return false;
  return true;
}

/** Gift orders for these parents: same box and recipient, the parent's mall order number, no charge. */
export function giftOrdersFor(parents: GiftParent[], events: GiftEventRecord[]): NewOrder[] {
  const gifts: NewOrder[] = [];
  for (const parent of parents) {
    for (const event of events) {
      if (!qualifies(event, parent)) continue;
      gifts.push({
        channelId: parent.channelId,
        mallOrderNo: parent.mallOrderNo,
        mallLineNo: `G${event.id}-${parent.mallLineNo}`,
        mallProductCode: '',
        mallOption: '',
        mallProductName: event.name,
        productId: event.giftProductId,
        quantity: event.giftQuantity,
        unitPriceKrw: 0,
        amountKrw: 0,
        ordererName: parent.ordererName,
        ordererPhone: parent.ordererPhone,
        recipientName: parent.recipientName,
        recipientPhone: parent.recipientPhone,
        address: parent.address,
        zip: parent.zip,
        deliveryMessage: parent.deliveryMessage,
        stage: 'intake',
        source: 'gift',
        badges: ['gift'],
        kind: parent.kind,
        giftParentSerial: parent.serial,
        giftEventId: event.id,
        packingKey: parent.packingKey,
        orderedAt: parent.orderedAt,
        isDemo: parent.isDemo,
      });
    }
  }
  return gifts;
}
