// What the domain needs from storage. Storage implements these with set-based SQL; the domain decides.
import type { GiftParent } from './rules/gifts.js';
import type {
  ActionResult,
  Actor,
  ActorSource,
  ClaimType,
  OrderKind,
  OrderSource,
  OrderState,
  Role,
  Stage,
} from './types.js';

export interface NewOrder {
  channelId: number;
  accountId?: number | null;
  mallOrderNo: string;
  mallLineNo: string;
  mallProductCode: string;
  mallOption: string;
  mallProductName: string;
  productId: number | null;
  quantity: number;
  unitPriceKrw: number;
  amountKrw: number;
  ordererName: string;
  ordererPhone: string;
  recipientName: string;
  recipientPhone: string;
  address: string;
  zip: string;
  deliveryMessage: string;
  stage: Stage;
  source: OrderSource;
  badges: string[];
  kind: OrderKind;
  giftParentSerial?: number | null;
  giftEventId?: number | null;
  packingKey: string;
  orderedAt: Date;
  collectionRunId?: number | null;
  importId?: string | null;
  isDemo?: boolean;
}

export interface DeliveryFields {
  recipientName: string;
  recipientPhone: string;
  address: string;
  zip: string;
  deliveryMessage: string;
}

export interface OrderFilter {
  stage?: Stage;
  channelId?: number;
  /** R15: only orders with CS notes. */
  cs?: boolean;
  /** Text search: serial, mall order number, product, recipient. */
  q?: string;
  serials?: number[];
  includeDeleted?: boolean;
}

/** One order as lists and details show it; personal fields are full here and masked by the caller. */
export interface OrderRow {
  serial: number;
  channelId: number;
  channelName: string;
  mallOrderNo: string;
  mallLineNo: string;
  mallProductCode: string;
  mallOption: string;
  mallProductName: string;
  productId: number | null;
  productCode: string | null;
  productName: string | null;
  quantity: number;
  unitPriceKrw: number;
  amountKrw: number;
  ordererName: string;
  ordererPhone: string;
  recipientName: string;
  recipientPhone: string;
  address: string;
  zip: string;
  deliveryMessage: string;
  stage: Stage;
  closedStatus: 'delivered' | 'cancelled' | null;
  source: OrderSource;
  badges: string[];
  kind: OrderKind;
  giftParentSerial: number | null;
  holdReason: string | null;
  deleteReason: string | null;
  deletedAt: Date | null;
  locallyEdited: boolean;
  wmsRegisteredAt: Date | null;
  orderedAt: Date;
  csCount: number;
  version: number;
  updatedBy: string;
  updatedAt: Date;
  isDemo: boolean;
}

export interface AuditEntry {
  actor: string;
  source: ActorSource;
  action: string;
  reason?: string | null;
  serials?: number[];
  detail?: Record<string, unknown> | null;
}

export interface AuditRecord extends Required<Omit<AuditEntry, 'detail'>> {
  id: number;
  at: Date;
  detail: Record<string, unknown> | null;
}

export interface ClaimRecord {
  id: number;
  orderSerial: number;
  type: ClaimType;
  reason: string;
  source: 'manual' | 'api';
  status: 'open' | 'completed';
  newProductId: number | null;
  createdBy: string;
  createdAt: Date;
  completedAt: Date | null;
}

export interface NoteRecord {
  id: number;
  orderSerial: number;
  author: string;
  body: string;
  createdAt: Date;
}

export interface MatchItem {
  productId: number;
  quantity: number;
}

export interface GiftEventRecord {
  id: number;
  channelId: number;
  name: string;
  productIds: number[];
  startsOn: string;
  endsOn: string;
  minQuantity: number | null;
  minAmountKrw: number | null;
  giftProductId: number;
  giftQuantity: number;
  active: boolean;
}

export interface ApprovalRecord {
  id: number;
  action: string;
  params: Record<string, unknown>;
  itemCount: number;
  requester: string;
  requesterSource: string;
  reason: string;
  status: 'pending' | 'approved' | 'rejected' | 'expired';
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  result: unknown;
  expiresAt: Date;
  createdAt: Date;
}

export interface ColumnSetting {
  key: string;
  width: number;
  visible: boolean;
}

export interface OrdersPort {
  /** SELECT … FOR UPDATE, in serial order (no deadlocks between two batches). */
  lock(serials: number[]): Promise<OrderState[]>;
  /** Serials in the packing groups of these orders, limited to the given stages, not deleted. */
  packingGroupOf(serials: number[], stages: Stage[]): Promise<number[]>;
  /** Gift orders (not deleted) whose parent is one of these. */
  giftsOf(parentSerials: number[]): Promise<number[]>;
  /** Gift orders deleted with `reason` whose parent is one of these. */
  deletedGiftsOf(parentSerials: number[], reason: string): Promise<number[]>;
  setStage(
    serials: number[],
    stage: Stage,
    actor: string,
    fields?: { holdReason?: string | null },
  ): Promise<void>;
  softDelete(serials: number[], reason: string, actor: string): Promise<void>;
  restore(serials: number[], actor: string): Promise<void>;
  closeCancelled(serials: number[], actor: string): Promise<void>;
  addBadge(serials: number[], badge: string, actor: string): Promise<void>;
  editDelivery(serial: number, fields: DeliveryFields, packingKey: string, actor: string): Promise<void>;
  /**
   * R1 + R6/R7: every intake order in scope moves to processing unless an unmatched order with the
   * same (channel, mall order number) exists. One statement; returns what moved and what R1 blocked.
   */
  moveToProcessing(
    scope: { serials: number[] } | { channelIds: number[] },
    actor: string,
  ): Promise<{ moved: number[]; blocked: number[] }>;
  /**
   * Inserts; rows whose (channel, mall order no, line no) exists already are skipped, and of rows given
   * twice only the first is stored. `index`: the position in `rows` of the row an inserted serial holds.
   */
  insert(
    rows: NewOrder[],
    actor: string,
  ): Promise<{ inserted: { serial: number; index: number }[]; duplicates: number }>;
  /**
   * Unmatched orders with this key become intake orders of the first item; a bundle's further items
   * become orders of their own (line `<line>/<n>`). Returns every serial that entered intake.
   */
  matchWaiting(
    key: { channelId: number; mallProductCode: string; mallOption: string },
    items: MatchItem[],
    actor: string,
  ): Promise<number[]>;
  giftParents(serials: number[]): Promise<GiftParent[]>;
  /** Orders by their mall identity, locked; `mallLineNo` omitted → every line of the mall order. */
  lockByMallKeys(
    keys: { channelId: number; mallOrderNo: string; mallLineNo?: string }[],
  ): Promise<OrderState[]>;
  /** Which of these (channel, mall order no, line no) are stored already, as mall keys. */
  existingKeys(keys: { channelId: number; mallOrderNo: string; mallLineNo: string }[]): Promise<Set<string>>;
  markWms(serials: number[], event: 'registered' | 'delivered', actor: string): Promise<number[]>;
  list(filter: OrderFilter, page: { limit: number; afterSerial?: number }): Promise<OrderRow[]>;
  count(filter: OrderFilter): Promise<number>;
  get(serials: number[]): Promise<OrderRow[]>;
  summary(): Promise<{ stage: Stage; channelId: number; channelName: string; count: number }[]>;
  /** R1: waiting orders grouped by the key one match releases, most orders first. */
  unmatchedGroups(filter: {
    channelId?: number;
    key?: { mallProductCode: string; mallOption: string };
    limit: number;
  }): Promise<UnmatchedGroup[]>;
  /** R1: waiting orders per channel: how many, in how many groups, since when. */
  unmatchedByChannel(): Promise<UnmatchedChannel[]>;
}

export interface UnmatchedChannel {
  channelId: number;
  channelName: string;
  count: number;
  groups: number;
  oldest: Date;
}

/** Unmatched orders that one saved match would release together (R1). */
export interface UnmatchedGroup {
  channelId: number;
  channelName: string;
  mallProductCode: string;
  mallOption: string;
  /** The mall's name for the product, as the newest waiting order carries it. */
  mallProductName: string;
  orders: number;
  quantity: number;
  /** When the oldest of them arrived in OrderMate. */
  oldest: Date;
  /** One waiting order of the group: a short handle for buttons (Discord ids hold 100 characters). */
  sampleSerial: number;
}

export interface CatalogPort {
  channel(id: number): Promise<{ id: number; name: string; code: string } | null>;
  channels(): Promise<{ id: number; name: string; code: string; kind: string; isDemo: boolean }[]>;
  createChannel(input: {
    code: string;
    name: string;
    kind: 'mall' | 'offline';
    isDemo?: boolean;
  }): Promise<number>;
  product(id: number): Promise<{ id: number; code: string; name: string; priceKrw: number } | null>;
  products(q: string, limit: number): Promise<{ id: number; code: string; name: string; priceKrw: number }[]>;
  /** Products by exact code or id (either list may be empty). */
  productsOf(keys: {
    codes?: string[];
    ids?: number[];
  }): Promise<{ id: number; code: string; name: string; priceKrw: number }[]>;
  createProduct(input: { code: string; name: string; priceKrw: number; isDemo?: boolean }): Promise<number>;
  /** The saved match of a mall product/option, or null. */
  matchFor(channelId: number, mallProductCode: string, mallOption: string): Promise<MatchItem[] | null>;
  matchesFor(
    keys: { channelId: number; mallProductCode: string; mallOption: string }[],
  ): Promise<Map<string, MatchItem[]>>;
  saveMatch(
    key: { channelId: number; mallProductCode: string; mallOption: string },
    items: MatchItem[],
    actor: string,
  ): Promise<void>;
  matches(
    channelId?: number,
  ): Promise<
    { channelId: number; mallProductCode: string; mallOption: string; productId: number; quantity: number }[]
  >;
  accounts(): Promise<
    {
      id: number;
      channelId: number;
      name: string;
      connector: string;
      status: string;
      services: string[];
      baseUrl: string | null;
      hasCredentials: boolean;
      isDemo: boolean;
    }[]
  >;
  /** The account's sealed credentials (only the collector reads them; never returned by the API). */
  accountCredentials(id: number): Promise<string | null>;
  /** Replaces the account's sealed credentials (a mall that rotates its refresh token). */
  saveAccountCredentials(id: number, sealed: string): Promise<void>;
  createAccount(input: {
    channelId: number;
    name: string;
    connector: string;
    status: 'normal' | 'suspended' | 'auth_failed';
    services: string[];
    baseUrl?: string | null;
    credentialsSealed?: string | null;
    isDemo?: boolean;
  }): Promise<number>;
}

export interface ClaimsPort {
  insert(
    rows: {
      orderSerial: number;
      type: ClaimType;
      reason: string;
      source: 'manual' | 'api';
      status: 'open' | 'completed';
      newProductId?: number | null;
      mallClaimId?: string | null;
    }[],
    actor: string,
  ): Promise<number>;
  of(serial: number): Promise<ClaimRecord[]>;
}

export interface NotesPort {
  add(kind: 'message' | 'cs', serial: number, author: string, body: string): Promise<NoteRecord>;
  of(kind: 'message' | 'cs', serial: number): Promise<NoteRecord[]>;
}

export interface GiftsPort {
  create(input: Omit<GiftEventRecord, 'id' | 'active'>, actor: string): Promise<number>;
  list(channelId?: number): Promise<GiftEventRecord[]>;
  /** Active events of these channels whose period covers the date (YYYY-MM-DD). */
  activeFor(channelIds: number[]): Promise<GiftEventRecord[]>;
}

export interface AuditPort {
  append(entry: AuditEntry): Promise<void>;
  list(filter: {
    serial?: number;
    actor?: string;
    action?: string;
    limit: number;
    beforeId?: number;
  }): Promise<AuditRecord[]>;
}

export interface IdentitiesPort {
  get(
    id: string,
  ): Promise<{ id: string; role: Role | null; locale: string | null; displayName: string | null } | null>;
  setRole(id: string, role: Role): Promise<void>;
  setProfile(id: string, profile: { locale?: string | null; displayName?: string | null }): Promise<void>;
  withRole(roles: Role[]): Promise<string[]>;
}

export interface ApprovalsPort {
  create(
    input: Omit<
      ApprovalRecord,
      'id' | 'status' | 'decidedBy' | 'decidedAt' | 'decisionReason' | 'result' | 'createdAt'
    >,
  ): Promise<ApprovalRecord>;
  get(id: number): Promise<ApprovalRecord | null>;
  /** FOR UPDATE: a request decides once even under a double click. */
  lock(id: number): Promise<ApprovalRecord | null>;
  decide(
    id: number,
    decision: {
      status: 'approved' | 'rejected' | 'expired';
      decidedBy: string | null;
      reason: string | null;
      result: unknown;
    },
  ): Promise<ApprovalRecord>;
  list(status?: ApprovalRecord['status']): Promise<ApprovalRecord[]>;
  /** Pending requests past their expiry become expired; returns them. */
  expire(now: Date): Promise<ApprovalRecord[]>;
}

export interface ColumnsPort {
  get(identity: string): Promise<ColumnSetting[] | null>;
  set(identity: string, columns: ColumnSetting[]): Promise<void>;
}

export interface CollectionAccountResult {
  accountId: number;
  fetched: number;
  created: number;
  duplicates: number;
  unmatched: number;
  claims: number;
  status: 'running' | 'done' | 'failed';
  error: string | null;
  cursor: string | null;
}

export interface CollectionRunRecord {
  id: number;
  startedBy: string;
  source: string;
  periodFrom: string;
  periodTo: string;
  status: 'running' | 'done' | 'failed' | 'interrupted';
  startedAt: Date;
  finishedAt: Date | null;
  accounts: CollectionAccountResult[];
}

export interface CollectionsPort {
  createRun(input: {
    startedBy: string;
    source: string;
    periodFrom: string;
    periodTo: string;
    accountIds: number[];
  }): Promise<number>;
  /**
   * Adds the counts of a page (or of whole pages stored together) to the account's tally and keeps the
   * cursor to resume from; returns the account's tally as it now stands.
   */
  recordPage(
    runId: number,
    accountId: number,
    counts: { fetched: number; created: number; duplicates: number; unmatched: number; claims: number },
    cursor: string | null,
  ): Promise<CollectionAccountResult>;
  finishAccount(
    runId: number,
    accountId: number,
    status: 'done' | 'failed',
    error: string | null,
  ): Promise<void>;
  finishRun(runId: number, status: 'done' | 'failed' | 'interrupted'): Promise<void>;
  get(runId: number): Promise<CollectionRunRecord | null>;
  list(limit: number): Promise<CollectionRunRecord[]>;
  /**
   * Marks `interrupted` the runs still running whose last heartbeat is more than `staleAfterMs` old by
   * the database's clock (every running run without it); their ids, ascending.
   */
  interruptRuns(staleAfterMs?: number): Promise<number[]>;
  /**
   * Locks the accounts (until the transaction ends, so two starts on one account go one after the
   * other), then says which are being collected: in a running run touched within `staleAfterMs`, and
   * not yet done or failed in it.
   */
  busyAccounts(accountIds: number[], staleAfterMs: number): Promise<{ accountId: number; runId: number }[]>;
  /** The running instance's heartbeat on its run. */
  touch(runId: number): Promise<void>;
}

export interface ImportPreviewRecord {
  id: string;
  channelId: number;
  templateName: string;
  fileName: string;
  createdBy: string;
  status: 'reading' | 'preview' | 'registered' | 'cancelled' | 'expired';
  summary: Record<string, number>;
  problems: unknown[];
  result: unknown;
  expiresAt: Date;
  createdAt: Date;
}

/** A valid file row waiting in a preview: normalised like an order line, not matched yet (R12). */
export type StagedRow = Pick<
  NewOrder,
  | 'mallOrderNo'
  | 'mallLineNo'
  | 'mallProductCode'
  | 'mallOption'
  | 'mallProductName'
  | 'quantity'
  | 'unitPriceKrw'
  | 'amountKrw'
  | 'ordererName'
  | 'ordererPhone'
  | 'recipientName'
  | 'recipientPhone'
  | 'address'
  | 'zip'
  | 'deliveryMessage'
  | 'kind'
  | 'packingKey'
> & { rowNo: number; orderedAt: Date | null };

export interface ImportsPort {
  /** A preview being read (`reading`): its rows are staged next. */
  create(
    p: Pick<
      ImportPreviewRecord,
      'id' | 'channelId' | 'templateName' | 'fileName' | 'createdBy' | 'expiresAt'
    >,
  ): Promise<void>;
  /** Chunk `chunkNo` (1, 2, …) of a preview's rows. */
  stage(id: string, chunkNo: number, rows: StagedRow[]): Promise<void>;
  /** Lines staged again (same mall order and line as an earlier row): the summary and Register skip them. */
  repeats(id: string): Promise<{ rowNo: number; mallOrderNo: string; mallLineNo: string }[]>;
  /** Staged rows already in OrderMate, and of the rest those a product match exists for. */
  summarize(
    id: string,
    skipRows: number[],
  ): Promise<{ matched: number; unmatched: number; duplicates: number }>;
  /** Every row is staged: the preview waits for Register. */
  open(id: string, summary: Record<string, number>, problems: unknown[]): Promise<void>;
  /** FOR UPDATE: Register runs once even when clicked twice. */
  lock(id: string): Promise<ImportPreviewRecord | null>;
  /**
   * Register's one statement: staged rows → orders, matched (bundles become several lines) → intake, the
   * rest → unmatched; lines already in OrderMate are skipped. Serials in file order.
   */
  register(
    id: string,
    /** `skipRows`: rows repeated within the file (see `repeats`), left out. */
    options: { channelId: number; actor: string; now: Date; badges: string[]; skipRows: number[] },
  ): Promise<{ inserted: { serial: number; stage: 'intake' | 'unmatched' }[]; duplicates: number }>;
  /** A preview that ended keeps its summary and result, not its rows. */
  setStatus(id: string, status: ImportPreviewRecord['status'], result?: unknown): Promise<void>;
  /** A file that could not be read: the preview and its staged rows are gone. */
  discard(id: string): Promise<void>;
  /** Open (or abandoned) previews past their expiry become expired; returns their ids. */
  expire(now: Date): Promise<string[]>;
}

export interface TemplateRecord {
  name: string;
  channelId: number | null;
  definition: unknown;
  builtin: boolean;
}

export interface TemplatesPort {
  list(): Promise<TemplateRecord[]>;
  save(t: { name: string; channelId: number | null; definition: unknown }, actor: string): Promise<void>;
}

export interface DeskTx {
  orders: OrdersPort;
  catalog: CatalogPort;
  claims: ClaimsPort;
  notes: NotesPort;
  gifts: GiftsPort;
  audit: AuditPort;
  identities: IdentitiesPort;
  approvals: ApprovalsPort;
  columns: ColumnsPort;
  collections: CollectionsPort;
  imports: ImportsPort;
  templates: TemplatesPort;
}

/** The unit of work: everything inside `transaction` commits or rolls back together. */
export interface DeskStore {
  transaction<T>(fn: (tx: DeskTx) => Promise<T>): Promise<T>;
  /** Reads that need no transaction (one statement, or no consistency across statements). */
  read<T>(fn: (tx: DeskTx) => Promise<T>): Promise<T>;
}

export type { ActionResult, Actor };
