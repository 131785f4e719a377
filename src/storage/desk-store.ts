// The domain's unit of work over drizzle: one transaction, every repository bound to it.
import type { DeskStore, DeskTx } from '../domain/ports.js';
import type { Db } from './db.js';
import { catalogRepository } from './repositories/catalog.js';
import { importsRepository } from './repositories/imports.js';
import { ordersRepository } from './repositories/orders.js';
import {
  approvalsRepository,
  auditRepository,
  claimsRepository,
  collectionsRepository,
  columnsRepository,
  giftsRepository,
  identitiesRepository,
  notesRepository,
  templatesRepository,
} from './repositories/records.js';

/** Repositories bound to one handle. PGlite deadlocks if the outer handle is used inside a transaction. */
export function repositories(db: Db): DeskTx {
  return {
    orders: ordersRepository(db),
    catalog: catalogRepository(db),
    claims: claimsRepository(db),
    notes: notesRepository(db),
    gifts: giftsRepository(db),
    audit: auditRepository(db),
    identities: identitiesRepository(db),
    approvals: approvalsRepository(db),
    columns: columnsRepository(db),
    collections: collectionsRepository(db),
    imports: importsRepository(db),
    templates: templatesRepository(db),
  };
}

export function deskStore(db: Db): DeskStore {
  return {
    transaction: (fn) => db.transaction((tx) => fn(repositories(tx as unknown as Db))),
    read: (fn) => fn(repositories(db)),
  };
}
