// One pg-core schema for PGlite and Postgres alike. Ids that malls hand us, phones and zip codes are
// text (leading zeros, 18-digit ids); money is integer KRW.
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { ROLES, STAGES } from '../domain/types.js';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const salesChannels = pgTable('sales_channels', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  kind: text('kind', { enum: ['mall', 'offline'] })
    .notNull()
    .default('mall'),
  isDemo: boolean('is_demo').notNull().default(false),
  createdAt: createdAt(),
});

export const mallAccounts = pgTable('mall_accounts', {
  id: serial('id').primaryKey(),
  channelId: integer('channel_id')
    .notNull()
    .references(() => salesChannels.id),
  name: text('name').notNull(),
  connector: text('connector').notNull(),
  status: text('status', { enum: ['normal', 'suspended', 'auth_failed'] })
    .notNull()
    .default('normal'),
  services: text('services').array().notNull().default(sql`'{}'::text[]`),
  baseUrl: text('base_url'),
  // AES-256-GCM sealed JSON; never returned by the API or logged.
  credentialsSealed: text('credentials_sealed'),
  isDemo: boolean('is_demo').notNull().default(false),
  createdAt: createdAt(),
});

export const products = pgTable('products', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  priceKrw: integer('price_krw').notNull().default(0),
  isDemo: boolean('is_demo').notNull().default(false),
  createdAt: createdAt(),
});

// One row per (mall product, option) → internal product; several rows with the same key form a bundle.
export const productMatches = pgTable(
  'product_matches',
  {
    id: serial('id').primaryKey(),
    channelId: integer('channel_id')
      .notNull()
      .references(() => salesChannels.id),
    mallProductCode: text('mall_product_code').notNull(),
    mallOption: text('mall_option').notNull().default(''),
    productId: integer('product_id')
      .notNull()
      .references(() => products.id),
    quantity: integer('quantity').notNull().default(1),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('product_matches_key').on(t.channelId, t.mallProductCode, t.mallOption, t.productId)],
);

export const orders = pgTable(
  'orders',
  {
    serial: integer('serial').primaryKey().generatedAlwaysAsIdentity({ startWith: 1001 }),
    channelId: integer('channel_id')
      .notNull()
      .references(() => salesChannels.id),
    accountId: integer('account_id').references(() => mallAccounts.id),
    mallOrderNo: text('mall_order_no').notNull(),
    mallLineNo: text('mall_line_no').notNull().default('1'),
    mallProductCode: text('mall_product_code').notNull().default(''),
    mallOption: text('mall_option').notNull().default(''),
    mallProductName: text('mall_product_name').notNull().default(''),
    productId: integer('product_id').references(() => products.id),
    quantity: integer('quantity').notNull(),
    unitPriceKrw: integer('unit_price_krw').notNull().default(0),
    amountKrw: integer('amount_krw').notNull().default(0),
    ordererName: text('orderer_name').notNull().default(''),
    ordererPhone: text('orderer_phone').notNull().default(''),
    recipientName: text('recipient_name').notNull(),
    recipientPhone: text('recipient_phone').notNull(),
    address: text('address').notNull(),
    zip: text('zip').notNull(),
    deliveryMessage: text('delivery_message').notNull().default(''),
    stage: text('stage', { enum: STAGES }).notNull(),
    closedStatus: text('closed_status', { enum: ['delivered', 'cancelled'] }),
    source: text('source', { enum: ['api', 'manual', 'excel', 'gift'] }).notNull(),
    badges: text('badges').array().notNull().default(sql`'{}'::text[]`),
    kind: text('kind', { enum: ['B2C', 'B2B'] })
      .notNull()
      .default('B2C'),
    giftParentSerial: integer('gift_parent_serial'),
    giftEventId: integer('gift_event_id'),
    packingKey: text('packing_key').notNull(),
    holdReason: text('hold_reason'),
    deleteReason: text('delete_reason'),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    locallyEdited: boolean('locally_edited').notNull().default(false),
    wmsRegisteredAt: timestamp('wms_registered_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    orderedAt: timestamp('ordered_at', { withTimezone: true }).notNull().defaultNow(),
    collectionRunId: integer('collection_run_id'),
    importId: text('import_id'),
    isDemo: boolean('is_demo').notNull().default(false),
    version: integer('version').notNull().default(1),
    updatedBy: text('updated_by').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('orders_mall_line').on(t.channelId, t.mallOrderNo, t.mallLineNo),
    index('orders_stage_channel').on(t.stage, t.channelId),
    index('orders_packing').on(t.packingKey),
    index('orders_gift_parent').on(t.giftParentSerial),
    // R1: the sibling check looks up unmatched orders by (channel, mall order number).
    index('orders_unmatched_sibling')
      .on(t.channelId, t.mallOrderNo)
      .where(sql`stage = 'unmatched' and deleted_at is null`),
    index('orders_unmatched_key')
      .on(t.channelId, t.mallProductCode, t.mallOption)
      .where(sql`stage = 'unmatched' and deleted_at is null`),
  ],
);

export const claims = pgTable(
  'claims',
  {
    id: serial('id').primaryKey(),
    orderSerial: integer('order_serial')
      .notNull()
      .references(() => orders.serial),
    type: text('type', { enum: ['cancel', 'return', 'exchange'] }).notNull(),
    reason: text('reason').notNull(),
    source: text('source', { enum: ['manual', 'api'] }).notNull(),
    status: text('status', { enum: ['open', 'completed'] }).notNull(),
    newProductId: integer('new_product_id').references(() => products.id),
    mallClaimId: text('mall_claim_id'),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    index('claims_order').on(t.orderSerial),
    uniqueIndex('claims_mall_claim').on(t.orderSerial, t.mallClaimId),
  ],
);

export const orderMessages = pgTable(
  'order_messages',
  {
    id: serial('id').primaryKey(),
    orderSerial: integer('order_serial')
      .notNull()
      .references(() => orders.serial),
    author: text('author').notNull(),
    body: text('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('order_messages_order').on(t.orderSerial)],
);

export const csNotes = pgTable(
  'cs_notes',
  {
    id: serial('id').primaryKey(),
    orderSerial: integer('order_serial')
      .notNull()
      .references(() => orders.serial),
    author: text('author').notNull(),
    body: text('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('cs_notes_order').on(t.orderSerial)],
);

export const giftEvents = pgTable('gift_events', {
  id: serial('id').primaryKey(),
  channelId: integer('channel_id')
    .notNull()
    .references(() => salesChannels.id),
  name: text('name').notNull(),
  productIds: integer('product_ids').array().notNull(),
  startsOn: date('starts_on', { mode: 'string' }).notNull(),
  endsOn: date('ends_on', { mode: 'string' }).notNull(),
  minQuantity: integer('min_quantity'),
  minAmountKrw: integer('min_amount_krw'),
  giftProductId: integer('gift_product_id')
    .notNull()
    .references(() => products.id),
  giftQuantity: integer('gift_quantity').notNull().default(1),
  active: boolean('active').notNull().default(true),
  createdBy: text('created_by').notNull(),
  createdAt: createdAt(),
});

export const collectionRuns = pgTable('collection_runs', {
  id: serial('id').primaryKey(),
  startedBy: text('started_by').notNull(),
  source: text('source').notNull(),
  periodFrom: date('period_from', { mode: 'string' }).notNull(),
  periodTo: date('period_to', { mode: 'string' }).notNull(),
  status: text('status', { enum: ['running', 'done', 'failed', 'interrupted'] }).notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  /** The running instance touches its runs; a run nobody touched for a while was left by a dead process. */
  heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
});

export const collectionRunAccounts = pgTable(
  'collection_run_accounts',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => collectionRuns.id),
    accountId: integer('account_id')
      .notNull()
      .references(() => mallAccounts.id),
    fetched: integer('fetched').notNull().default(0),
    created: integer('created').notNull().default(0),
    duplicates: integer('duplicates').notNull().default(0),
    unmatched: integer('unmatched').notNull().default(0),
    claims: integer('claims').notNull().default(0),
    status: text('status', { enum: ['running', 'done', 'failed'] })
      .notNull()
      .default('running'),
    error: text('error'),
    cursor: text('cursor'),
  },
  (t) => [uniqueIndex('collection_run_accounts_pk').on(t.runId, t.accountId)],
);

export const orderTemplates = pgTable('order_templates', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  channelId: integer('channel_id').references(() => salesChannels.id),
  definition: jsonb('definition').notNull(),
  builtin: boolean('builtin').notNull().default(false),
  createdAt: createdAt(),
});

export const importPreviews = pgTable('import_previews', {
  id: text('id').primaryKey(),
  templateId: integer('template_id').references(() => orderTemplates.id),
  templateName: text('template_name').notNull().default(''),
  channelId: integer('channel_id')
    .notNull()
    .references(() => salesChannels.id),
  fileName: text('file_name').notNull(),
  createdBy: text('created_by').notNull(),
  /** `reading` while the file is staged; `preview` once every row is in and the summary is known. */
  status: text('status', { enum: ['reading', 'preview', 'registered', 'cancelled', 'expired'] }).notNull(),
  summary: jsonb('summary').notNull(),
  /** Every rejected row (row, column, why), for the full list a user downloads. */
  problems: jsonb('problems').notNull().default([]),
  result: jsonb('result'),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  createdAt: createdAt(),
});

/**
 * A preview's valid rows, normalised like orders and not yet matched, in chunks of a few thousand: one row
 * per chunk, one array per column (row i of the chunk is element i of every array). Written while the file
 * is read, so a 100k-row file is never held in memory whole, and cheap to write (50 rows, not 100k);
 * Register unnests them into `orders` with one INSERT … SELECT, matching by join.
 */
export const importChunks = pgTable(
  'import_chunks',
  {
    importId: text('import_id')
      .notNull()
      .references(() => importPreviews.id, { onDelete: 'cascade' }),
    chunkNo: integer('chunk_no').notNull(),
    rowNo: integer('row_no').array().notNull(),
    mallOrderNo: text('mall_order_no').array().notNull(),
    mallLineNo: text('mall_line_no').array().notNull(),
    mallProductCode: text('mall_product_code').array().notNull(),
    mallOption: text('mall_option').array().notNull(),
    mallProductName: text('mall_product_name').array().notNull(),
    quantity: integer('quantity').array().notNull(),
    unitPriceKrw: integer('unit_price_krw').array().notNull(),
    amountKrw: integer('amount_krw').array().notNull(),
    ordererName: text('orderer_name').array().notNull(),
    ordererPhone: text('orderer_phone').array().notNull(),
    recipientName: text('recipient_name').array().notNull(),
    recipientPhone: text('recipient_phone').array().notNull(),
    address: text('address').array().notNull(),
    zip: text('zip').array().notNull(),
    deliveryMessage: text('delivery_message').array().notNull(),
    kind: text('kind').array().notNull(),
    packingKey: text('packing_key').array().notNull(),
    orderedAt: timestamp('ordered_at', { withTimezone: true }).array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.chunkNo] })],
);

export const columnSettings = pgTable('column_settings', {
  identity: text('identity').primaryKey(),
  columns: jsonb('columns').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const chatIdentities = pgTable('chat_identities', {
  id: text('id').primaryKey(),
  role: text('role', { enum: ROLES }),
  displayName: text('display_name'),
  locale: text('locale'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const approvalRequests = pgTable(
  'approval_requests',
  {
    id: serial('id').primaryKey(),
    action: text('action').notNull(),
    params: jsonb('params').notNull(),
    itemCount: integer('item_count').notNull(),
    requester: text('requester').notNull(),
    requesterSource: text('requester_source').notNull(),
    reason: text('reason').notNull(),
    status: text('status', { enum: ['pending', 'approved', 'rejected', 'expired'] }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionReason: text('decision_reason'),
    result: jsonb('result'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('approval_requests_status').on(t.status)],
);

// Append-only: a trigger in the migrations refuses UPDATE and DELETE.
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actor: text('actor').notNull(),
    source: text('source').notNull(),
    action: text('action').notNull(),
    reason: text('reason'),
    serials: integer('serials').array().notNull().default(sql`'{}'::int[]`),
    detail: jsonb('detail'),
  },
  (t) => [index('audit_log_serials').using('gin', t.serials), index('audit_log_at').on(t.at)],
);

// Chat messages OrderMate posted and must update later (an approval request's messages).
export const chatMessages = pgTable(
  'chat_messages',
  {
    id: serial('id').primaryKey(),
    kind: text('kind').notNull(),
    ref: text('ref').notNull(),
    platform: text('platform').notNull(),
    channel: text('channel').notNull(),
    ts: text('ts').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('chat_messages_ref').on(t.kind, t.ref)],
);

// Form context too large for a platform's metadata field, kept here until the form is submitted.
export const chatState = pgTable('chat_state', {
  id: text('id').primaryKey(),
  data: jsonb('data').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

// Scheduled job slots already claimed (`<job>:<slot ISO>`): with several instances on one Postgres each
// slot runs once, whichever instance claims it first.
export const scheduleSlots = pgTable('schedule_slots', {
  key: text('key').primaryKey(),
  claimedBy: text('claimed_by').notNull(),
  claimedAt: createdAt(),
});
