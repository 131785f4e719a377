// Collection runs in the background (R2, R16): validated and recorded at once, then each account's pages
// fetched by its connector and stored one transaction a page, accounts side by side. A failing account
// fails alone; listeners hear progress after every page and the result at the end.
import type { Connectors } from '../connectors/registry.js';
import { ConnectorError } from '../connectors/types.js';
import type { Desk } from '../domain/context.js';
import type { CollectionRunRecord } from '../domain/ports.js';
import {
  type AccountReach,
  accountsToCollect,
  finishCollection,
  finishCollectionAccount,
  RUN_HEARTBEAT_MS,
  renewAccountCredentials,
  startCollection,
  storeCollectedPage,
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
  private readonly jobs = new Set<Promise<void>>();

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
    const job: Promise<void> = this.run(actor, runId, request, listeners)
      .catch(() => {})
      .finally(() => this.jobs.delete(job));
    this.jobs.add(job);
    return runId;
  }

  /** Resolves when no run is in progress (tests, and a graceful stop). */
  async idle(): Promise<void> {
    while (this.jobs.size) await Promise.all([...this.jobs]);
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
      await this.collectAll(actor, runId, period, tell);
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async collectAll(
    actor: Actor,
    runId: number,
    period: CollectionRequest,
    tell: (event: keyof CollectionListener, run: CollectionRunRecord) => Promise<void>,
  ): Promise<void> {
    let accounts: AccountReach[] = [];
    try {
      accounts = await accountsToCollect(this.desk, runId);
    } catch (error) {
      for (const id of period.accountIds)
        await finishCollectionAccount(this.desk, runId, id, failureText(error));
    }
    await Promise.all(
      accounts.map((account) =>
        this.collectAccount(actor, runId, account, period, async () => {
          const run = await this.desk.store.read((tx) => tx.collections.get(runId));
          if (run) await tell('progress', run);
        }),
      ),
    );
    await tell('finished', await finishCollection(this.desk, runId));
  }

  private async collectAccount(
    actor: Actor,
    runId: number,
    account: AccountReach,
    period: CollectionRequest,
    progress: () => Promise<void>,
  ): Promise<void> {
    const connector = this.connectors[account.connector];
    if (!connector) {
      await finishCollectionAccount(
        this.desk,
        runId,
        account.id,
        `permanent: no connector "${account.connector}"`,
      );
      return;
    }
    // Credentials a mall rotates mid-run (Cafe24 refresh tokens) are sealed and stored at once.
    const access = {
      ...account,
      renewCredentials: (next: Record<string, string>) =>
        renewAccountCredentials(this.desk, account.id, next),
    };
    try {
      for await (const page of connector.pages(access, period)) {
        await storeCollectedPage(this.desk, actor, runId, account.id, page);
        await progress();
      }
      await finishCollectionAccount(this.desk, runId, account.id, null);
    } catch (error) {
      await finishCollectionAccount(this.desk, runId, account.id, failureText(error));
    }
    await progress();
  }
}
