// What every bot handler gets: the desk, who acts (with role and language), and a way to reach others.
import type { Desk } from '../../domain/context.js';
import type { ApprovalRecord } from '../../domain/ports.js';
import type { Actor } from '../../domain/types.js';
import type { Locale } from '../../i18n/catalog.js';

/** How a platform reaches people other than the one acting. */
export interface Notifier {
  /** Post the request where approvers decide (a channel, or their DMs). */
  approvalRequested(approval: ApprovalRecord): Promise<void>;
  /** Update the request's messages with the outcome and tell the requester. */
  approvalDecided(approval: ApprovalRecord): Promise<void>;
}

export interface BotContext {
  desk: Desk;
  actor: Actor;
  locale: Locale;
  notifier: Notifier;
  /** A platform's address for answering later (Slack's response_url), carried through forms. */
  reply?: string;
  /** How the platform writes a mention of an identity (`<@U123>` in Slack). */
  mention(identity: string): string;
  /** The identity a user wrote as a mention (`<@U123|kim>` in Slack), or null. */
  identityOf(mention: string): string | null;
}

/** Where the chat adapters keep what they posted and form context too big for the platform. */
export interface ChatRefs {
  addMessage(ref: {
    kind: string;
    ref: string;
    platform: string;
    channel: string;
    ts: string;
  }): Promise<void>;
  messages(kind: string, ref: string, platform: string): Promise<{ channel: string; ts: string }[]>;
  stash(data: unknown, ttlMs: number): Promise<string>;
  /** The stashed data, or null when unknown or expired. */
  unstash(id: string): Promise<unknown | null>;
}
