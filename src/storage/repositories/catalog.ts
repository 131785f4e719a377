// Sales channels, mall accounts, products and product matches.
import { and, asc, eq, ilike, inArray, or, sql } from 'drizzle-orm';
import type { CatalogPort, MatchItem } from '../../domain/ports.js';
import { matchKey } from '../../domain/rules/mall-key.js';
import { type Db, pgArray, prepared, queryRows } from '../db.js';
import { mallAccounts, productMatches, products, salesChannels } from '../schema.js';

export function catalogRepository(db: Db): CatalogPort {
  return {
    async channel(id) {
      const [row] = await db
        .select({ id: salesChannels.id, name: salesChannels.name, code: salesChannels.code })
        .from(salesChannels)
        .where(eq(salesChannels.id, id));
      return row ?? null;
    },
    channels: () =>
      db
        .select({
          id: salesChannels.id,
          name: salesChannels.name,
          code: salesChannels.code,
          kind: salesChannels.kind,
          isDemo: salesChannels.isDemo,
        })
        .from(salesChannels)
        .orderBy(asc(salesChannels.id)),
    async createChannel(input) {
      const [row] = await db.insert(salesChannels).values(input).returning({ id: salesChannels.id });
      return row!.id;
    },
    async product(id) {
      const [row] = await db
        .select({ id: products.id, code: products.code, name: products.name, priceKrw: products.priceKrw })
        .from(products)
        .where(eq(products.id, id));
      return row ?? null;
    },
    products(q, limit) {
      const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      return db
        .select({ id: products.id, code: products.code, name: products.name, priceKrw: products.priceKrw })
        .from(products)
        .where(q ? or(ilike(products.name, like), ilike(products.code, like)) : undefined)
        .orderBy(asc(products.code))
        .limit(limit);
    },
    productsOf(keys) {
      const codes = keys.codes ?? [];
      const ids = keys.ids ?? [];
      if (codes.length === 0 && ids.length === 0) return Promise.resolve([]);
      return db
        .select({ id: products.id, code: products.code, name: products.name, priceKrw: products.priceKrw })
        .from(products)
        .where(or(inArray(products.code, codes), inArray(products.id, ids)))
        .orderBy(asc(products.code));
    },
    async createProduct(input) {
      const [row] = await db.insert(products).values(input).returning({ id: products.id });
      return row!.id;
    },
    async matchFor(channelId, mallProductCode, mallOption) {
      const rows = await db
        .select({ productId: productMatches.productId, quantity: productMatches.quantity })
        .from(productMatches)
        .where(
          and(
            eq(productMatches.channelId, channelId),
            eq(productMatches.mallProductCode, mallProductCode),
            eq(productMatches.mallOption, mallOption),
          ),
        )
        .orderBy(asc(productMatches.id));
      return rows.length ? rows : null;
    },
    async matchesFor(keys) {
      const result = new Map<string, MatchItem[]>();
      if (keys.length === 0) return result;
      const unique = [...new Map(keys.map((k) => [matchKey(k), k])).values()];
      const rows = await queryRows<{
        channel_id: number;
        mall_product_code: string;
        mall_option: string;
        product_id: number;
        quantity: number;
      }>(
        db,
        prepared(sql`select m.channel_id, m.mall_product_code, m.mall_option, m.product_id, m.quantity
            from product_matches m
            join unnest(${pgArray(
              unique.map((k) => k.channelId),
              'int',
            )}, ${pgArray(
              unique.map((k) => k.mallProductCode),
              'text',
            )}, ${pgArray(
              unique.map((k) => k.mallOption),
              'text',
            )}) as k(channel_id, code, opt)
              on m.channel_id = k.channel_id and m.mall_product_code = k.code and m.mall_option = k.opt
            order by m.id`),
      );
      for (const r of rows) {
        const key = matchKey({
          channelId: r.channel_id,
          mallProductCode: r.mall_product_code,
          mallOption: r.mall_option,
        });
        const items = result.get(key) ?? [];
        items.push({ productId: Number(r.product_id), quantity: Number(r.quantity) });
        result.set(key, items);
      }
      return result;
    },
    async saveMatch(key, items, actor) {
      await db
        .delete(productMatches)
        .where(
          and(
            eq(productMatches.channelId, key.channelId),
            eq(productMatches.mallProductCode, key.mallProductCode),
            eq(productMatches.mallOption, key.mallOption),
          ),
        );
      await db.insert(productMatches).values(items.map((i) => ({ ...key, ...i, createdBy: actor })));
    },
    matches: (channelId) =>
      db
        .select({
          channelId: productMatches.channelId,
          mallProductCode: productMatches.mallProductCode,
          mallOption: productMatches.mallOption,
          productId: productMatches.productId,
          quantity: productMatches.quantity,
        })
        .from(productMatches)
        .where(channelId === undefined ? undefined : eq(productMatches.channelId, channelId))
        .orderBy(asc(productMatches.id)),
    async accounts() {
      const rows = await db
        .select({
          id: mallAccounts.id,
          channelId: mallAccounts.channelId,
          name: mallAccounts.name,
          connector: mallAccounts.connector,
          status: mallAccounts.status,
          services: mallAccounts.services,
          baseUrl: mallAccounts.baseUrl,
          hasCredentials: sql<boolean>`${mallAccounts.credentialsSealed} is not null`,
          isDemo: mallAccounts.isDemo,
        })
        .from(mallAccounts)
        .orderBy(asc(mallAccounts.id));
      return rows;
    },
    async accountCredentials(id) {
      const [row] = await db
        .select({ sealed: mallAccounts.credentialsSealed })
        .from(mallAccounts)
        .where(eq(mallAccounts.id, id));
      return row?.sealed ?? null;
    },
    async saveAccountCredentials(id, sealed) {
      await db.update(mallAccounts).set({ credentialsSealed: sealed }).where(eq(mallAccounts.id, id));
    },
    async createAccount(input) {
      const [row] = await db.insert(mallAccounts).values(input).returning({ id: mallAccounts.id });
      return row!.id;
    },
  };
}
