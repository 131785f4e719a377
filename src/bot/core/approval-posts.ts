// Approval requests on a chat platform, written once (R13 and the approval policy): the request to the
// approvals channel or to each approver's DM, those messages updated with the decision, the requester
// told, and an approved export sent to them as its file. A platform gives only how to post, edit and DM.
import type { Desk } from '../../domain/context.js';
import type { ApprovalRecord, OrderFilter } from '../../domain/ports.js';
import { resolveActorWithProfile } from '../../domain/services/actors.js';
import { approverIdentities } from '../../domain/services/approvals.js';
import { type Locale, pickLocale } from '../../i18n/catalog.js';
import { type MessageKey, t } from '../../i18n/messages.js';
import type { ChatRefs, Notifier } from './context.js';
import { exportFile } from './export-file.js';
import type { View } from './model.js';
import { approvalView, messageView } from './views.js';

/** A message a platform can edit later. */
export interface MessageRef {
  channel: string;
  ts: string;
}

export interface ApprovalIo {
  platform: 'slack' | 'discord';
  /** The platform's user id of an identity of this platform; null for anyone else's. */
  userOf(identity: string): string | null;
  mention(identity: string): string;
  /** The person's language (cached profile, or asked of the platform). */
  localeOf(identity: string): Promise<Locale>;
  post(channel: string, view: View): Promise<MessageRef | null>;
  /** The DM channel with a user. */
  dm(user: string): Promise<string>;
  edit(ref: MessageRef, view: View): Promise<void>;
  /** A file to the user's DM, with a comment. */
  sendFile(user: string, file: { name: string; bytes: Buffer }, comment: string): Promise<void>;
}

export function approvalNotifier(
  desk: Desk,
  refs: ChatRefs,
  io: ApprovalIo,
  options: { approvalsChannel?: string; defaultLocale: Locale; warn(what: string): (e: unknown) => void },
): Notifier {
  const remember = async (approval: ApprovalRecord, ref: MessageRef | null) => {
    if (ref)
      await refs.addMessage({ kind: 'approval', ref: String(approval.id), platform: io.platform, ...ref });
  };

  async function tell(identity: string, key: MessageKey, params: Record<string, string | number>) {
    const user = io.userOf(identity);
    if (!user) return;
    await io.post(await io.dm(user), messageView(t(await io.localeOf(identity), key, params)));
  }

  async function sendApprovedExport(approval: ApprovalRecord, user: string): Promise<void> {
    const params = approval.params as { filter: OrderFilter; reason: string; format?: 'xlsx' | 'csv' };
    const resolved = await resolveActorWithProfile(desk, approval.requester, io.platform);
    const locale = pickLocale(resolved.locale, options.defaultLocale);
    const file = await exportFile(desk, resolved.actor, locale, {
      filter: params.filter,
      reason: params.reason,
      format: params.format ?? 'xlsx',
      approvalId: approval.id,
    });
    await io.sendFile(user, file, t(locale, 'export.comment', { n: file.rows, reason: params.reason }));
  }

  return {
    async approvalRequested(approval) {
      if (options.approvalsChannel) {
        const view = approvalView(approval, options.defaultLocale, io.mention);
        await remember(approval, await io.post(options.approvalsChannel, view));
        return;
      }
      for (const approver of await approverIdentities(desk)) {
        const user = io.userOf(approver);
        if (!user || approver === approval.requester) continue;
        // One approver who cannot be reached (DMs closed) does not keep the others from being asked.
        await (async () => {
          const view = approvalView(approval, await io.localeOf(approver), io.mention);
          await remember(approval, await io.post(await io.dm(user), view));
        })().catch(options.warn(`approval request to ${approver}`));
      }
    },
    async approvalDecided(approval) {
      // An approved export goes to its requester as the file it was approved for.
      const requester = io.userOf(approval.requester);
      if (approval.action === 'export' && approval.status === 'approved' && requester)
        await sendApprovedExport(approval, requester).catch(options.warn('approved export'));
      for (const ref of await refs.messages('approval', String(approval.id), io.platform)) {
        const view = approvalView(approval, options.defaultLocale, io.mention);
        await io.edit(ref, view).catch(options.warn('approval message update'));
      }
      if (approval.status === 'approved' || approval.status === 'rejected') {
        const locale = await io.localeOf(approval.requester);
        await tell(approval.requester, `approval.toRequester.${approval.status}`, {
          id: approval.id,
          action: t(locale, `action.${approval.action}` as MessageKey),
          decider: io.mention(approval.decidedBy ?? ''),
          reason: approval.decisionReason ?? '',
        }).catch(options.warn('DM to the requester'));
      }
    },
  };
}
