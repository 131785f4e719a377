// Request shapes of the REST API (zod); the OpenAPI document is produced from these.
import { z } from 'zod';
import type { ActionResult } from '../../domain/types.js';
import { CLAIM_TYPES, STAGES } from '../../domain/types.js';
import { type Locale, refusalText } from '../../i18n/catalog.js';

/** Serials and ids are Postgres `integer`s: a larger number is a bad request, not a database error (500). */
export const MAX_INT = 2_147_483_647;
/** An id in a JSON body. */
export const id = z.number().int().min(1).max(MAX_INT);
/** An id in a path or query string. */
export const idQuery = z.coerce.number().int().min(1).max(MAX_INT);
export const serial = idQuery;
export const serialParams = z.object({ serial });
export const idParams = z.object({ id: idQuery });

const reason = z.string().trim().min(1).max(500);
const serials = z.array(serial).min(1).max(10_000);
/** Versions the caller saw, per serial: a stale one refuses that order with STALE_VERSION. */
const versions = z.record(z.string().regex(/^\d+$/), z.number().int().min(1)).optional();

export const listQuery = z.object({
  stage: z.enum(STAGES).optional(),
  channel: idQuery.optional(),
  cs: z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .optional(),
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(100).optional(),
});

export const actionParams = z.object({
  action: z.enum(['hold', 'release', 'delete', 'restore', 'claim', 'next']),
});

/** One body for every action; each action checks the fields it needs. */
export const actionBody = z
  .object({
    serials: serials.optional(),
    channelIds: z.array(id).min(1).max(100).optional(),
    reason: reason.optional(),
    type: z.enum(CLAIM_TYPES).optional(),
    newProductId: id.optional(),
    packingGroup: z.boolean().optional(),
    versions,
  })
  .strict();

export const manualOrderBody = z
  .object({
    channelId: id,
    productId: id,
    mallOrderNo: z.string().trim().min(1).max(64).optional(),
    quantity: z.number().int().min(1).max(100_000),
    unitPriceKrw: z.number().int().min(0).max(1_000_000_000),
    option: z.string().max(200).optional(),
    ordererName: z.string().trim().min(1).max(100),
    ordererPhone: z.string().trim().min(1).max(30),
    recipientName: z.string().trim().min(1).max(100),
    recipientPhone: z.string().trim().min(1).max(30),
    address: z.string().trim().min(1).max(300),
    zip: z.string().trim().min(1).max(10),
    deliveryMessage: z.string().max(300).optional(),
    kind: z.enum(['B2C', 'B2B']).optional(),
  })
  .strict()
  // The amount is stored as a Postgres integer too.
  .refine((b) => b.quantity * b.unitPriceKrw <= MAX_INT, {
    path: ['unitPriceKrw'],
    message: `quantity × unitPriceKrw must be at most ${MAX_INT}`,
  });

export const deliveryBody = z
  .object({
    recipientName: z.string().trim().min(1).max(100),
    recipientPhone: z.string().trim().min(1).max(30),
    address: z.string().trim().min(1).max(300),
    zip: z.string().trim().min(1).max(10),
    deliveryMessage: z.string().max(300).default(''),
    version: z.number().int().min(1).optional(),
  })
  .strict();

export const noteBody = z.object({ body: z.string().trim().min(1).max(2000) }).strict();

/** Per-order results as the API answers them, refusals in the caller's language. */
export function actionResultBody(result: ActionResult, locale: Locale) {
  const results = [
    ...result.done.map((s) => ({ serial: s, status: 'done' as const })),
    ...result.refused.map((r) => ({
      serial: r.serial,
      status: 'refused' as const,
      code: r.code,
      message: refusalText(r.code, locale, r),
      stage: r.stage,
      by: r.by,
    })),
  ].sort((a, b) => a.serial - b.serial);
  return {
    action: result.action,
    done: result.done.length,
    refused: result.refused.length,
    results,
    giftsRemoved: result.giftsRemoved,
    addedByPackingGroup: result.addedByPackingGroup,
  };
}
