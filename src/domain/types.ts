// The domain's vocabulary (see ../shared/spec/order-workflow.md §2). No I/O here.

export const STAGES = ['unmatched', 'intake', 'processing', 'ready', 'shipping', 'closed', 'held'] as const;
export type Stage = (typeof STAGES)[number];
export type ClosedStatus = 'delivered' | 'cancelled';
export type OrderSource = 'api' | 'manual' | 'excel' | 'gift';
export type OrderKind = 'B2C' | 'B2B';
export const CLAIM_TYPES = ['cancel', 'return', 'exchange'] as const;
export type ClaimType = (typeof CLAIM_TYPES)[number];
export const BADGES = [
  'collected',
  'claim_collected',
  'exchange',
  'return',
  'cancel',
  'gift',
  'manual',
  'excel',
] as const;
export type Badge = (typeof BADGES)[number];

export const ROLES = ['viewer', 'operator', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const ACTOR_SOURCES = ['slack', 'discord', 'api', 'console', 'schedule', 'system'] as const;
export type ActorSource = (typeof ACTOR_SOURCES)[number];

/** Who acts: a chat identity (`slack:<team>:<user>`, `discord:<user>`, `api`, `console`) with its role. */
export interface Actor {
  id: string;
  role: Role;
  source: ActorSource;
}

/** The fields of an order as the domain sees them. */
export interface OrderState {
  serial: number;
  channelId: number;
  mallOrderNo: string;
  mallLineNo: string;
  stage: Stage;
  closedStatus: ClosedStatus | null;
  kind: OrderKind;
  source: OrderSource;
  badges: string[];
  giftParentSerial: number | null;
  packingKey: string;
  deletedAt: Date | null;
  wmsRegisteredAt: Date | null;
  version: number;
  updatedBy: string;
  updatedAt: Date;
}

/** Why one order was refused. Codes are stable: the i18n catalog and API clients rely on them. */
export const REFUSAL_CODES = [
  'NOT_FOUND',
  'UNMATCHED_SIBLING',
  'REGISTERED_IN_WMS',
  'STAGE_NOT_ALLOWED',
  'STALE_VERSION',
  'FORBIDDEN',
  'DELETED',
  'NOT_DELETED',
  'NOT_B2C',
  'CLAIM_TYPE_NOT_ALLOWED',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export interface Refusal {
  serial: number;
  code: RefusalCode;
  /** The order's stage when refused, and who last changed it: "already held by …". */
  stage?: Stage;
  by?: string;
}

/** What one action did to each order it was asked about. */
export interface ActionResult {
  action: OrderAction;
  done: number[];
  refused: Refusal[];
  /** Gift orders removed along with their parents (R3, R5). */
  giftsRemoved: number[];
  /** Orders that came along because they share a packing group (R8). */
  addedByPackingGroup: number[];
}

export const ORDER_ACTIONS = [
  'hold',
  'release',
  'delete',
  'restore',
  'claim',
  'next',
  'batch_next',
  'edit',
] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

/** Actions an approval policy can require approval for. */
export const APPROVABLE_ACTIONS = [
  'hold',
  'release',
  'delete',
  'restore',
  'claim',
  'next',
  'batch_next',
  'export',
] as const;
export type ApprovableAction = (typeof APPROVABLE_ACTIONS)[number];
