// The neutral message and modal models. Slack, Discord and the console each render these; platform
// limits (block counts, option counts, text lengths) are the renderers' business.

/** Interactive element ids: `om:<action>`; each carries a small JSON value. */
export const ACTIONS = {
  openList: 'om:list',
  page: 'om:page',
  bulk: 'om:bulk',
  orderMenu: 'om:order',
  approve: 'om:approve',
  reject: 'om:reject',
  select: 'om:select',
  importRegister: 'om:import-register',
  importCancel: 'om:import-cancel',
  importOpen: 'om:import-open',
  importProblems: 'om:import-problems',
  unmatched: 'om:unmatched',
  match: 'om:match',
  collect: 'om:collect',
  giftNew: 'om:gift-new',
} as const;
export type ActionId = (typeof ACTIONS)[keyof typeof ACTIONS];

/** Forms (modals): `om:form:<name>`. */
export const FORMS = {
  hold: 'om:form:hold',
  delete: 'om:form:delete',
  claim: 'om:form:claim',
  batchNext: 'om:form:batch-next',
  edit: 'om:form:edit',
  add: 'om:form:add',
  reject: 'om:form:reject',
  export: 'om:form:export',
  columns: 'om:form:columns',
  upload: 'om:form:upload',
  match: 'om:form:match',
  collect: 'om:form:collect',
  gift: 'om:form:gift',
} as const;
export type FormId = (typeof FORMS)[keyof typeof FORMS];

export interface Button {
  action: ActionId;
  label: string;
  /** JSON, kept small (Slack: 2000 chars; Discord custom_id: 100). */
  value: string;
  style?: 'primary' | 'danger';
}

export interface MenuItem {
  label: string;
  value: string;
}

/** One order as a list line: what the operator needs to recognise it. */
export interface OrderLine {
  serial: number;
  version: number;
  title: string;
  detail: string;
  badges: string;
  /** Per-order actions (claim, next, hold, edit, delete, detail, message). */
  menu: MenuItem[];
}

export type Block =
  | { type: 'header'; text: string }
  | { type: 'text'; text: string }
  | { type: 'fields'; fields: { label: string; value: string }[] }
  | { type: 'orders'; lines: OrderLine[]; selectable: boolean }
  | { type: 'buttons'; buttons: Button[] }
  | { type: 'context'; text: string }
  | { type: 'divider' };

export interface View {
  /** Plain text for notifications and fallbacks. */
  text: string;
  blocks: Block[];
}

export interface Option {
  value: string;
  label: string;
}

export type FieldKind = 'text' | 'multiline' | 'number' | 'select' | 'multiselect' | 'date' | 'product';

export interface Field {
  id: string;
  kind: FieldKind;
  label: string;
  required: boolean;
  options?: Option[];
  initial?: string | string[];
  placeholder?: string;
  hint?: string;
  maxLength?: number;
}

/** A modal: its fields, and the context it needs when submitted (kept small). */
export interface Form {
  id: FormId;
  title: string;
  submit: string;
  fields: Field[];
  meta: Record<string, unknown>;
  /** Text shown above the fields (what the form acts on). */
  intro?: string;
}

/** What a command, a click or a submission answers. */
export type BotReply =
  | { kind: 'view'; view: View; replaceOriginal?: boolean }
  | { kind: 'form'; form: Form }
  /** Form values that cannot be taken: field id → sentence; the form stays open. */
  | { kind: 'errors'; errors: Record<string, string> }
  /** An export the caller may have now: the platform writes the file and sends it to them (R13). */
  | { kind: 'export'; request: ExportRequest }
  /** A file for the person who asked (the platform sends it privately), and what to tell them after. */
  | { kind: 'file'; file: { name: string; bytes: Buffer; comment: string }; done: View }
  | { kind: 'none' };

export interface ExportRequest {
  filter: { stage?: string; channelId?: number; cs?: boolean; q?: string };
  reason: string;
  format: 'xlsx' | 'csv';
  approvalId?: number;
}

export const viewReply = (view: View, replaceOriginal = false): BotReply => ({
  kind: 'view',
  view,
  replaceOriginal,
});
