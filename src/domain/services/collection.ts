// R2, R16, R17: a collection run, stored a page at a time; each page is one transaction, so a process
// killed mid-run leaves no half page. The background runner and the connectors come with their issue.
import type { Desk } from '../context.js';
import { DomainError } from '../errors.js';
import type { CollectionRunRecord } from '../ports.js';
import { validateCollection } from '../rules/collection.js';
import type { Actor } from '../types.js';
import { requireRole } from './actors.js';
import { type CollectedClaim, type IncomingOrder, storeCollectedClaims, storeOrders } from './intake.js';

export async function startCollection(
  desk: Desk,
  actor: Actor,
  request: { accountIds: number[]; from: string; to: string },
): Promise<number> {
  requireRole(actor, 'operator');
  const accountIds = [...new Set(request.accountIds)];
  return desk.store.transaction(async (tx) => {
    validateCollection(await tx.catalog.accounts(), { ...request, accountIds });
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

/** The accounts of a run as the collector needs them; credentials are opened here and nowhere else. */
export async function accountsToCollect(desk: Desk, runId: number): Promise<AccountReach[]> {
  return desk.store.read(async (tx) => {
    const run = await tx.collections.get(runId);
    if (!run) throw new DomainError('NOT_FOUND', { field: 'run', value: runId });
    const accounts = new Map((await tx.catalog.accounts()).map((a) => [a.id, a]));
    const reach: AccountReach[] = [];
    for (const result of run.accounts) {
      const account = accounts.get(result.accountId)!;
      const sealed = await tx.catalog.accountCredentials(account.id);
      if (sealed && !desk.secrets) throw new DomainError('SECRET_KEY_MISSING');
      reach.push({
        id: account.id,
        name: account.name,
        channelId: account.channelId,
        connector: account.connector,
        baseUrl: account.baseUrl,
        credentials: sealed ? (JSON.parse(desk.secrets!.open(sealed)) as Record<string, string>) : {},
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

/** One page in one transaction: orders (deduplicated, matched, gifts) and claims, and the tally. */
export async function storeCollectedPage(
  desk: Desk,
  actor: Actor,
  runId: number,
  accountId: number,
  page: CollectedPage,
) {
  return desk.store.transaction(async (tx) => {
    const stored = await storeOrders(
      tx,
      actor,
      // Object.assign rather than a spread with a trailing property: the same copy, cheaper per line.
      page.orders.map((o) => Object.assign({}, o, { accountId })),
      { source: 'api', collectionRunId: runId, isDemo: page.isDemo ?? false },
      desk.now(),
    );
    const claims = await storeCollectedClaims(tx, actor, page.claims);
    await tx.collections.recordPage(
      runId,
      accountId,
      {
        fetched: page.orders.length,
        created: stored.created.length - stored.unmatched.length,
        duplicates: stored.duplicates,
        unmatched: stored.unmatched.length,
        claims: claims.stored,
      },
      page.cursor,
    );
    if (stored.created.length) {
      await tx.audit.append({
        actor: actor.id,
        source: actor.source,
        action: 'collected',
        serials: stored.created,
        detail: { runId, accountId },
      });
    }
    return { ...stored, claims: claims.stored };
  });
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
  const staleBefore = staleAfterMs > 0 ? new Date(desk.now().getTime() - staleAfterMs) : undefined;
  return desk.store.transaction(async (tx) => {
    const ids = await tx.collections.running(staleBefore);
    for (const id of ids) await tx.collections.finishRun(id, 'interrupted');
    return ids;
  });
}

export async function collectionHistory(
  desk: Desk,
  actor: Actor,
  limit = 20,
): Promise<CollectionRunRecord[]> {
  requireRole(actor, 'viewer');
  return desk.store.transaction((tx) => tx.collections.list(Math.min(Math.max(limit, 1), 100)));
}
