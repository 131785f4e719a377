// Collection runs in the background (R2, R16): validated and recorded at once, then each account's pages
// fetched by its connector, read ahead while the pages before are stored, and stored as whole pages, those
// that come while a transaction stores pages going into that transaction (a group commit); accounts side
// by side. A failing account fails alone; listeners hear progress after every transaction and the result
// at the end.
import type { Connectors } from '../connectors/registry.js';
import { ConnectorError } from '../connectors/types.js';
import type { Desk } from '../domain/context.js';
import type { CollectionAccountResult, CollectionRunRecord } from '../domain/ports.js';
import {
  type AccountReach,
  accountsToCollect,
  type CollectedPage,
  type PageSource,
  finishCollection,
  finishCollectionAccount,
  RUN_HEARTBEAT_MS,
  renewAccountCredentials,
  startCollection,
  storeCollectedPage,
  storeCollectedPages,
  storedAccountCredentials,
  touchCollection,
} from '../domain/services/collection.js';
import type { Actor } from '../domain/types.js';

export interface CollectionListener {
  progress?(run: CollectionRunRecord): Promise<void> | void;
  finished?(run: CollectionRunRecord): Promise<void> | void;
}

export interface CollectionRequest {
  accountIds: number[];
  from: string;
  to: string;
}

/** What an account's failure says: the kind first (auth, rate_limited, transient, permanent). */
function failureText(error: unknown): string {
  if (error instanceof ConnectorError) return `${error.kind}: ${error.message}`.slice(0, 500);
  return 'internal: the account could not be collected';
}

export class CollectionRunner {
  /** Each run in progress here, settled (never rejected) when it is over, however it ended. */
  private readonly runs = new Map<number, Promise<void>>();

  constructor(
    private readonly desk: Desk,
    private readonly connectors: Connectors,
    private readonly listeners: CollectionListener[] = [],
  ) {}

  listen(listener: CollectionListener): void {
    this.listeners.push(listener);
  }

  /** Validates and records the run, then collects in the background; resolves with the run's id. */
  async start(actor: Actor, request: CollectionRequest, listener?: CollectionListener): Promise<number> {
    const runId = await startCollection(this.desk, actor, request);
    const listeners = listener ? [...this.listeners, listener] : this.listeners;
    const job = this.run(actor, runId, request, listeners)
      .catch(() => {})
      .finally(() => this.runs.delete(runId));
    this.runs.set(runId, job);
    return runId;
  }

  /**
   * Resolves when the run is over here, whether it finished or broke off (a listener's `finished` is
   * not heard when the database fails at the end); at once for a run this runner is not running.
   */
  async settled(runId: number): Promise<void> {
    await this.runs.get(runId);
  }

  /** Resolves when no run is in progress (tests, and a graceful stop). */
  async idle(): Promise<void> {
    while (this.runs.size) await Promise.all([...this.runs.values()]);
  }

  private async run(
    actor: Actor,
    runId: number,
    period: CollectionRequest,
    listeners: CollectionListener[],
  ): Promise<void> {
    const tell = async (event: keyof CollectionListener, run: CollectionRunRecord) => {
      for (const l of listeners) await Promise.resolve(l[event]?.(run)).catch(() => {});
    };
    // Other instances on the same database see the run is alive (see markInterruptedRuns).
    const heartbeat = setInterval(() => {
      touchCollection(this.desk, runId).catch(() => {});
    }, RUN_HEARTBEAT_MS);
    heartbeat.unref();
    try {
      await this.collectAll(
        actor,
        runId,
        period,
        tell,
        listeners.some((l) => l.progress),
      );
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async collectAll(
    actor: Actor,
    runId: number,
    period: CollectionRequest,
    tell: (event: keyof CollectionListener, run: CollectionRunRecord) => Promise<void>,
    wantsProgress: boolean,
  ): Promise<void> {
    let accounts: AccountReach[] = [];
    try {
      accounts = await accountsToCollect(this.desk, runId);
    } catch (error) {
      for (const id of period.accountIds)
        await finishCollectionAccount(this.desk, runId, id, failureText(error));
    }
    // Progress is told from the run as read once here and the tallies each batch returns: no read per batch,
    // and none at all when nobody listens for progress.
    const run =
      wantsProgress && accounts.length ? await this.desk.store.read((tx) => tx.collections.get(runId)) : null;
    const progress = async (tally: CollectionAccountResult) => {
      if (!run) return;
      run.accounts = run.accounts.map((a) => (a.accountId === tally.accountId ? tally : a));
      await tell('progress', { ...run, accounts: run.accounts.map((a) => ({ ...a })) });
    };
    await Promise.all(
      accounts.map((account) => {
        const start = run?.accounts.find((a) => a.accountId === account.id);
        return this.collectAccount(actor, runId, account, period, start, progress);
      }),
    );
    await tell('finished', await finishCollection(this.desk, runId));
  }

  private async collectAccount(
    actor: Actor,
    runId: number,
    account: AccountReach,
    period: CollectionRequest,
    start: CollectionAccountResult | undefined,
    progress: (tally: CollectionAccountResult) => Promise<void>,
  ): Promise<void> {
    let tally = start;
    const finish = async (failure: string | null) => {
      await finishCollectionAccount(this.desk, runId, account.id, failure);
      if (tally) await progress({ ...tally, status: failure ? 'failed' : 'done', error: failure });
    };
    const connector = this.connectors[account.connector];
    if (!connector) {
      await finish(`permanent: no connector "${account.connector}"`);
      return;
    }
    // Credentials a mall rotates mid-run (Cafe24 refresh tokens) are sealed and stored at once.
    const access = {
      ...account,
      renewCredentials: (next: Record<string, string>) =>
        renewAccountCredentials(this.desk, account.id, next),
      storedCredentials: () => storedAccountCredentials(this.desk, account.id),
    };
    const reader = new PageReader(connector.pages(access, period));
    try {
      for (let first = await reader.take(); first.length; first = await reader.take()) {
        tally = await this.store(actor, runId, account.id, first, reader);
        await progress(tally);
      }
    } catch (error) {
      await reader.stop();
      await finish(failureText(error));
      return;
    }
    await finish(null);
  }

  /**
   * One transaction: the pages at hand, then those that come while it stores them, until it holds
   * BATCH_LINES lines; it commits once no page comes within WAIT_MS (or after TRANSACTION_MS). While it
   * finishes (claims, tally, commit: short round trips that a CPU-bound reader would delay), the reader
   * holds back. When it fails, its pages are stored one by one: those before the failing page as they
   * would have been without the group commit, and the failing page's error ends the account.
   */
  private async store(
    actor: Actor,
    runId: number,
    accountId: number,
    first: CollectedPage[],
    reader: PageReader,
  ): Promise<CollectionAccountResult> {
    const taken: CollectedPage[] = [];
    let lines = 0;
    const opened = Date.now();
    const source: PageSource = {
      take() {
        const pages = taken.length === 0 ? first : lines < BATCH_LINES ? reader.poll(READ_AHEAD_LINES) : [];
        taken.push(...pages);
        lines += linesIn(pages);
        return pages;
      },
      // A reader that keeps pace (a page every few ms) keeps one transaction going; a mall that answers
      // slowly gets a commit per page or so.
      async soon() {
        const left = Math.min(WAIT_MS, opened + TRANSACTION_MS - Date.now());
        if (lines >= BATCH_LINES || left <= 0 || !(await reader.arrival(left))) return [];
        return this.take();
      },
      drawn: () => reader.hold(),
    };
    try {
      return (await storeCollectedPages(this.desk, actor, runId, accountId, source)).account;
    } catch (error) {
      reader.release();
      if (taken.length === 1) throw error;
      let tally: CollectionAccountResult | undefined;
      for (const page of taken)
        tally = (await storeCollectedPage(this.desk, actor, runId, accountId, page)).account;
      return tally!;
    } finally {
      reader.release();
    }
  }
}

/**
 * Lines (orders and claims) after which a transaction draws no more pages: it holds whole pages, so it
 * ends with fewer than BATCH_LINES + READ_AHEAD_LINES (what was queued when it last drew). A run a
 * little longer than this is not split into a big and a tiny transaction. A transaction ends sooner
 * when no page is waiting, so this bounds only a reader faster than the store.
 */
export const BATCH_LINES = 10_000;
/** Lines read ahead of the store at most: the reader waits above this. */
export const READ_AHEAD_LINES = 10_000;
/** How long a transaction waits for a page that is not there yet, and how long it draws pages at most. */
export const WAIT_MS = 50;
export const TRANSACTION_MS = 2_000;

const linesOf = (page: CollectedPage) => Math.max(1, page.orders.length + page.claims.length);
const linesIn = (pages: CollectedPage[]) => pages.reduce((n, page) => n + linesOf(page), 0);

/**
 * Reads a connector's pages ahead of the store, into a bounded queue: while pages are stored, the next
 * ones are fetched. A connector's failure comes after the pages read before it. Held, it asks for no
 * further page (the one under way still comes) until released.
 */
class PageReader {
  private readonly queue: CollectedPage[] = [];
  private queued = 0;
  private ended = false;
  private failure: { error: unknown } | null = null;
  private stopped = false;
  private held = false;
  private pagesArrived: (() => void) | null = null;
  private resumed: (() => void) | null = null;
  private readonly reading: Promise<void>;

  constructor(pages: AsyncIterable<CollectedPage>) {
    this.reading = this.read(pages);
  }

  private async read(pages: AsyncIterable<CollectedPage>): Promise<void> {
    try {
      for await (const page of pages) {
        this.queue.push(page);
        this.queued += linesOf(page);
        this.signal('pagesArrived');
        while ((this.queued >= READ_AHEAD_LINES || this.held) && !this.stopped)
          await new Promise<void>((resolve) => {
            this.resumed = resolve;
          });
        if (this.stopped) break;
      }
    } catch (error) {
      this.failure = { error };
    } finally {
      this.ended = true;
      this.signal('pagesArrived');
    }
  }

  private signal(waiter: 'pagesArrived' | 'resumed') {
    const resolve = this[waiter];
    this[waiter] = null;
    resolve?.();
  }

  /** The pages queued (see `poll`), waiting for one; [] at the end, or then the connector's failure. */
  async take(): Promise<CollectedPage[]> {
    while (this.queue.length === 0 && !this.ended)
      await new Promise<void>((resolve) => {
        this.pagesArrived = resolve;
      });
    if (this.queue.length === 0 && this.failure) throw this.failure.error;
    return this.poll(BATCH_LINES, true);
  }

  /**
   * The whole pages queued now, in order, up to `limit` lines and one demo flag, [] when none fits; with
   * `atLeastOne`, the first page however long it is.
   */
  poll(limit: number, atLeastOne = false): CollectedPage[] {
    const pages: CollectedPage[] = [];
    let lines = 0;
    while (this.queue.length) {
      const next = this.queue[0]!;
      const first = pages.length === 0;
      if (first ? !atLeastOne && linesOf(next) > limit : lines + linesOf(next) > limit) break;
      if (!first && (next.isDemo ?? false) !== (pages[0]!.isDemo ?? false)) break;
      pages.push(this.queue.shift()!);
      lines += linesOf(next);
    }
    this.queued -= lines;
    this.signal('resumed');
    return pages;
  }

  /** Resolves true once a page is queued, false after `ms` or at the end. */
  arrival(ms: number): Promise<boolean> {
    if (this.queue.length) return Promise.resolve(true);
    if (this.ended) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pagesArrived = null;
        resolve(false);
      }, ms);
      this.pagesArrived = () => {
        clearTimeout(timer);
        resolve(this.queue.length > 0);
      };
    });
  }

  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
    this.signal('resumed');
  }

  /** No more pages wanted: the reader ends after the request under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.signal('resumed');
    await this.reading;
  }
}
