// R2, R16, R17: a collection run, stored by whole pages; each page, or each batch of whole pages, is one
// transaction, so a process killed mid-run leaves no half page. The background runner and the
// connectors come with their issue.
import type { Desk } from '../context.js';
import { DomainError } from '../errors.js';
import type { CollectionAccountResult, CollectionRunRecord, GiftEventRecord, MatchItem } from '../ports.js';
import { matchKey } from '../rules/mall-key.js';
import { validateCollection } from '../rules/collection.js';
import type { Actor } from '../types.js';
import { requireRole } from './actors.js';
import {
  type CollectedClaim,
  type IncomingOrder,
  intakeChannels,
  type MatchKey,
  matchKeyOf,
  matchOrders,
  normalizeOrders,
  type StoreResult,
  storeCollectedClaims,
  storedOrders,
  withGifts,
} from './intake.js';

export async function startCollection(
  desk: Desk,
  actor: Actor,
  request: { accountIds: number[]; from: string; to: string },
): Promise<number> {
  requireRole(actor, 'operator');
  const accountIds = [...new Set(request.accountIds)];
  return desk.store.transaction(async (tx) => {
    const accounts = await tx.catalog.accounts();
    validateCollection(accounts, { ...request, accountIds });
    // One run at a time per account: two runs would spend one Cafe24 refresh token twice, and count
    // every line of the second as a duplicate.
    const [busy] = await tx.collections.busyAccounts(accountIds, RUN_STALE_AFTER_MS);
    if (busy) {
      const name = accounts.find((a) => a.id === busy.accountId)?.name ?? `#${busy.accountId}`;
      throw new DomainError('ACCOUNT_BUSY', { account: busy.accountId, name, run: busy.runId });
    }
    const runId = await tx.collections.createRun({
      startedBy: actor.id,
      source: actor.source,
      periodFrom: request.from,
      periodTo: request.to,
      accountIds,
    });
    await tx.audit.append({
      actor: actor.id,
      source: actor.source,
      action: 'collect',
      detail: { runId, accountIds, from: request.from, to: request.to },
    });
    return runId;
  });
}

/** What a collector needs to reach an account's mall: its connector, base URL and opened credentials. */
export interface AccountReach {
  id: number;
  name: string;
  channelId: number;
  connector: string;
  baseUrl: string | null;
  credentials: Record<string, string>;
}

/** Sealed credentials opened: here, for a collector, and nowhere else. */
function openCredentials(desk: Desk, sealed: string | null): Record<string, string> {
  if (!sealed) return {};
  if (!desk.secrets) throw new DomainError('SECRET_KEY_MISSING');
  return JSON.parse(desk.secrets.open(sealed)) as Record<string, string>;
}

/** The accounts of a run as the collector needs them, their credentials opened. */
export async function accountsToCollect(desk: Desk, runId: number): Promise<AccountReach[]> {
  return desk.store.read(async (tx) => {
    const run = await tx.collections.get(runId);
    if (!run) throw new DomainError('NOT_FOUND', { field: 'run', value: runId });
    const accounts = new Map((await tx.catalog.accounts()).map((a) => [a.id, a]));
    const reach: AccountReach[] = [];
    for (const result of run.accounts) {
      const account = accounts.get(result.accountId)!;
      const credentials = openCredentials(desk, await tx.catalog.accountCredentials(account.id));
      reach.push({
        id: account.id,
        name: account.name,
        channelId: account.channelId,
        connector: account.connector,
        baseUrl: account.baseUrl,
        credentials,
      });
    }
    return reach;
  });
}

/**
 * A mall rotated the account's credentials (Cafe24 issues a new refresh token with every access token):
 * sealed and stored at once, so the next run starts from the new ones.
 */
export async function renewAccountCredentials(
  desk: Desk,
  accountId: number,
  credentials: Record<string, string>,
): Promise<void> {
  if (!desk.secrets) throw new DomainError('SECRET_KEY_MISSING');
  const sealed = desk.secrets.seal(JSON.stringify(credentials));
  await desk.store.transaction((tx) => tx.catalog.saveAccountCredentials(accountId, sealed));
}

/** An account's credentials as stored now, opened (what a connector re-reads when its own were refused). */
export async function storedAccountCredentials(
  desk: Desk,
  accountId: number,
): Promise<Record<string, string>> {
  return openCredentials(desk, await desk.store.read((tx) => tx.catalog.accountCredentials(accountId)));
}

/** Every half minute while a run goes on: this instance still works on it. */
export async function touchCollection(desk: Desk, runId: number): Promise<void> {
  await desk.store.transaction((tx) => tx.collections.touch(runId));
}

/** One run, for its progress and result. */
export async function collectionRun(desk: Desk, actor: Actor, runId: number): Promise<CollectionRunRecord> {
  requireRole(actor, 'viewer');
  const run = await desk.store.read((tx) => tx.collections.get(runId));
  if (!run) throw new DomainError('NOT_FOUND', { field: 'run', value: runId });
  return run;
}

export interface CollectedPage {
  orders: IncomingOrder[];
  claims: CollectedClaim[];
  /** Where the next page starts, kept so a run can resume. */
  cursor: string | null;
  /** The demo mall's orders are stored as demo data. */
  isDemo?: boolean;
}

export interface StoredPages extends StoreResult {
  claims: number;
  /** The account's tally in the run after these pages. */
  account: CollectionAccountResult;
}

/** One page in one transaction: orders (deduplicated, matched, gifts) and claims, and the tally. */
export async function storeCollectedPage(
  desk: Desk,
  actor: Actor,
  runId: number,
  accountId: number,
  page: CollectedPage,
): Promise<StoredPages> {
  return storeCollectedPages(desk, actor, runId, accountId, [page]);
}

/** Where a transaction draws its pages from, as it goes. */
export interface PageSource {
  /** The next whole pages at hand, in order, with one demo flag; [] when there are none. */
  take(): CollectedPage[];
  /**
   * When none is at hand: the next pages if some come soon, else [] (the transaction then ends). A
   * transaction waits only here, and only briefly: its drawing holds no lock another desk user waits on
   * (claims, with their row locks, come last).
   */
  soon?(): Promise<CollectedPage[]>;
  /**
   * The transaction draws no more: what is left (claims, tally, commit) is a few short round trips, which
   * a reader fetching pages in the same process had better not slow down.
   */
  drawn?(): void;
}

/**
 * Whole pages of one account stored in one transaction (a group commit: a killed process still leaves
 * no half page). `pages` is a list, or a source the transaction draws from as it goes, never waiting
 * for a mall. The result is the same as storing the pages one after the other: every page's orders (a
 * line given twice is stored from its first page), and the claims of page k, which see the orders
 * stored before and those of pages 1…k. The tally adds up every page and keeps the last page's cursor.
 *
 * The orders of each draw go in one insert, sent without waiting for the one before (postgres.js
 * pipelines them; PGlite runs them in turn); the transaction waits only when no page is at hand, and
 * then (with `soon`) for the next page while the inserts sent are under way, so the database keeps
 * storing while the mall answers; without `soon`, or when none comes soon, it ends. Matches and
 * gift events are read once per transaction, for the products and channels it meets; with gift events
 * at hand, draws are stored one after another. The claims come last, each seeing only the lines of its
 * page and before.
 */
export async function storeCollectedPages(
  desk: Desk,
  actor: Actor,
  runId: number,
  accountId: number,
  pages: CollectedPage[] | PageSource,
): Promise<StoredPages> {
  const source = Array.isArray(pages) ? once(pages) : pages;
  return desk.store.transaction(async (tx) => {
    const taken: CollectedPage[] = [];
    const known = new Map<string, MatchItem[]>();
    const events = new Map<number, GiftEventRecord[]>();
    /** The page (in `taken`) of every line drawn, and of every claim. */
    const linePages: number[] = [];
    const claims: CollectedClaim[] = [];
    const claimPages: number[] = [];
    const draws: Promise<StoreResult & { origins: Map<number, number> }>[] = [];
    for (;;) {
      let draw = source.take();
      // Nothing at hand: the next page if one comes soon, while the inserts sent are under way.
      if (draw.length === 0 && draws.length && source.soon) draw = await source.soon();
      if (draw.length === 0) break;
      const isDemo = draw[0]!.isDemo ?? false;
      if (draw.some((p) => (p.isDemo ?? false) !== isDemo)) {
        throw new Error('storeCollectedPages: pages of one draw share the demo flag');
      }
      const incoming: IncomingOrder[] = [];
      const lineBase = linePages.length;
      for (const page of draw) {
        const index = taken.push(page) - 1;
        for (const o of page.orders) {
          incoming.push(o);
          linePages.push(index);
        }
        for (const c of page.claims) {
          claims.push(c);
          claimPages.push(index);
        }
      }
      // Matches and gift events this transaction has not read yet, read while the lines are normalised.
      const missing = new Map<string, MatchKey>();
      const channels = new Set<number>();
      for (const o of incoming) {
        if (!events.has(o.channelId)) channels.add(o.channelId);
        if (o.productId != null) continue;
        const k = matchKeyOf(o);
        const key = matchKey(k);
        if (!known.has(key)) missing.set(key, k);
      }
      const reading = Promise.all([
        missing.size ? tx.catalog.matchesFor([...missing.values()]) : undefined,
        channels.size ? tx.gifts.activeFor([...channels]) : undefined,
      ]);
      reading.catch(() => {}); // awaited below; a refused line must not leave it unobserved
      const lines = normalizeOrders(
        incoming,
        { source: 'api', accountId, collectionRunId: runId, isDemo },
        desk.now(),
      );
      const [found, active] = await reading;
      for (const key of missing.keys()) known.set(key, found?.get(key) ?? []);
      for (const c of channels) events.set(c, active?.filter((e) => e.channelId === c) ?? []);
      const { rows, origins } = matchOrders(incoming, lines, known);
      const gifting = intakeChannels(rows).flatMap((c) => events.get(c) ?? []);
      const inserting = tx.orders.insert(rows, actor.id);
      const stored = inserting.then((inserted) =>
        withGifts(
          tx,
          actor,
          storedOrders(
            rows,
            origins.map((i) => lineBase + i),
            inserted,
          ),
          gifting,
        ),
      );
      stored.catch(() => {}); // awaited below, or the transaction failed already
      draws.push(stored);
      // Gift orders are inserted when their draw's insert returns: then draws go one after another.
      if (gifting.length) await stored;
    }
    if (taken.length === 0) throw new Error('storeCollectedPages: no page');
    source.drawn?.();
    const result: StoreResult & { claims: number } = {
      created: [],
      unmatched: [],
      duplicates: 0,
      gifts: [],
      claims: 0,
    };
    const origins = new Map<number, number>();
    for (const draw of await Promise.all(draws)) {
      result.created.push(...draw.created);
      result.unmatched.push(...draw.unmatched);
      result.gifts.push(...draw.gifts);
      result.duplicates += draw.duplicates;
      for (const [serial, line] of draw.origins) origins.set(serial, line);
    }
    const visible = (claim: number, serial: number) => {
      const line = origins.get(serial);
      return line === undefined || linePages[line]! <= claimPages[claim]!;
    };
    result.claims = (
      await storeCollectedClaims(tx, actor, claims, taken.length > 1 ? visible : undefined, claimPages)
    ).stored;
    // The tally and the audit entry together (one round trip where the driver pipelines).
    const [account] = await Promise.all([
      tx.collections.recordPage(
        runId,
        accountId,
        {
          fetched: linePages.length,
          created: result.created.length - result.unmatched.length,
          duplicates: result.duplicates,
          unmatched: result.unmatched.length,
          claims: result.claims,
        },
        taken.at(-1)!.cursor,
      ),
      result.created.length
        ? tx.audit.append({
            actor: actor.id,
            source: actor.source,
            action: 'collected',
            serials: result.created,
            detail: { runId, accountId },
          })
        : undefined,
    ]);
    return { ...result, account };
  });
}

function once(pages: CollectedPage[]): PageSource {
  let given = false;
  return {
    take() {
      if (given) return [];
      given = true;
      return pages;
    },
  };
}

export async function finishCollectionAccount(
  desk: Desk,
  runId: number,
  accountId: number,
  failure: string | null,
): Promise<void> {
  await desk.store.transaction((tx) =>
    tx.collections.finishAccount(runId, accountId, failure ? 'failed' : 'done', failure),
  );
}

/** Ends a run: `done` when any account succeeded, else `failed`. */
export async function finishCollection(desk: Desk, runId: number): Promise<CollectionRunRecord> {
  return desk.store.transaction(async (tx) => {
    const run = (await tx.collections.get(runId))!;
    const status = run.accounts.some((a) => a.status !== 'failed') ? 'done' : 'failed';
    await tx.collections.finishRun(runId, status);
    return (await tx.collections.get(runId))!;
  });
}

/** How often a running instance touches its runs, and after how long without a touch a run is dead. */
export const RUN_HEARTBEAT_MS = 30_000;
export const RUN_STALE_AFTER_MS = 4 * RUN_HEARTBEAT_MS;

/**
 * Runs a killed process left as `running` become `interrupted`: at start and on the expiry schedule,
 * those no instance touched for `staleAfterMs`; with 0, every running run (one process owns the
 * embedded database, so at its start nothing else can be running).
 */
export async function markInterruptedRuns(desk: Desk, staleAfterMs = 0): Promise<number[]> {
  return desk.store.transaction((tx) =>
    tx.collections.interruptRuns(staleAfterMs > 0 ? staleAfterMs : undefined),
  );
}

export async function collectionHistory(
  desk: Desk,
  actor: Actor,
  limit = 20,
): Promise<CollectionRunRecord[]> {
  requireRole(actor, 'viewer');
  return desk.store.transaction((tx) => tx.collections.list(Math.min(Math.max(limit, 1), 100)));
}
