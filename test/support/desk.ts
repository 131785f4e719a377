// A Desk over the worker's test database, with a few fixtures every rule test needs.
import type { Desk, DeskPolicy } from '../../src/domain/context.js';
import type { IncomingOrder } from '../../src/domain/services/intake.js';
import { storeOrders } from '../../src/domain/services/intake.js';
import type { Actor, Role } from '../../src/domain/types.js';
import { deskStore } from '../../src/storage/desk-store.js';
import { secretBox } from '../../src/storage/secret-box.js';
import { type TestDatabase, testDatabase } from './db.js';

export const TEST_KEY = 'a'.repeat(64);

export function testDesk(database: TestDatabase, policy: Partial<DeskPolicy> = {}, now?: () => Date): Desk {
  return {
    store: deskStore(database.db),
    policy: {
      approvalRequired: [],
      approvalTtlHours: 24,
      adminUsers: [],
      defaultRole: 'operator',
      ...policy,
    },
    now: now ?? (() => new Date()),
    secrets: secretBox(TEST_KEY),
  };
}

export const actor = (role: Role = 'operator', id = `slack:T1:U${role.toUpperCase()}`): Actor => ({
  id,
  role,
  source: 'slack',
});

/** A fresh database and desk for one test. */
export async function freshDesk(policy: Partial<DeskPolicy> = {}, now?: () => Date) {
  const database = await testDatabase();
  await database.reset();
  return { database, desk: testDesk(database, policy, now) };
}

export interface Fixture {
  channelId: number;
  otherChannelId: number;
  productId: number;
  giftProductId: number;
}

/** Two channels, two products, and a match for mall product P-1 (option "red") → product A. */
export async function seedCatalog(desk: Desk): Promise<Fixture> {
  return desk.store.transaction(async (tx) => {
    const channelId = await tx.catalog.createChannel({
      code: 'smartstore',
      name: '스마트스토어',
      kind: 'mall',
    });
    const otherChannelId = await tx.catalog.createChannel({ code: 'coupang', name: '쿠팡', kind: 'mall' });
    const productId = await tx.catalog.createProduct({
      code: 'A-001',
      name: '유기농 현미 5kg',
      priceKrw: 32000,
    });
    const giftProductId = await tx.catalog.createProduct({
      code: 'G-001',
      name: '사은품 에코백',
      priceKrw: 0,
    });
    await tx.catalog.saveMatch(
      { channelId, mallProductCode: 'P-1', mallOption: 'red' },
      [{ productId, quantity: 1 }],
      'test',
    );
    await tx.catalog.saveMatch(
      { channelId: otherChannelId, mallProductCode: 'P-1', mallOption: 'red' },
      [{ productId, quantity: 1 }],
      'test',
    );
    return { channelId, otherChannelId, productId, giftProductId };
  });
}

let counter = 0;
/** An incoming order line; defaults match product A and ship to one address. */
export function line(channelId: number, over: Partial<IncomingOrder> = {}): IncomingOrder {
  counter++;
  return {
    channelId,
    mallOrderNo: `2026112600${counter}`,
    mallLineNo: '1',
    mallProductCode: 'P-1',
    mallOption: 'red',
    mallProductName: '현미 5kg',
    quantity: 1,
    unitPriceKrw: 32000,
    ordererName: '김민수',
    ordererPhone: '01012345678',
    recipientName: `수령인${counter}`,
    recipientPhone: '010-9876-5432',
    address: '서울특별시 강남구 테헤란로 1',
    zip: '6236',
    ...over,
  };
}

/** Stores order lines as an Excel import would; returns the serials created, in input order. */
export async function addLines(
  desk: Desk,
  lines: IncomingOrder[],
  source: 'api' | 'excel' | 'manual' = 'excel',
) {
  const result = await desk.store.transaction((tx) =>
    storeOrders(tx, actor('admin', 'system'), lines, { source }, desk.now()),
  );
  return result;
}

export async function stageOf(desk: Desk, serial: number) {
  const [row] = await desk.store.transaction((tx) => tx.orders.get([serial]));
  return row;
}

/** A demo-mall account on the fixture's channel: deterministic orders, some unmatched, one cancel a day. */
/** A mall account in `normal` status that collects orders, through the connector named. */
export async function mallAccount(desk: Desk, channelId: number, name: string, connector = 'fake') {
  return desk.store.transaction((tx) =>
    tx.catalog.createAccount({ channelId, name, connector, status: 'normal', services: ['collect_orders'] }),
  );
}

export async function demoAccount(desk: Desk, channelId: number, status: 'normal' | 'suspended' = 'normal') {
  return desk.store.transaction((tx) =>
    tx.catalog.createAccount({
      channelId,
      name: '데모 스토어',
      connector: 'demo',
      status,
      services: ['collect_orders'],
      isDemo: true,
    }),
  );
}
