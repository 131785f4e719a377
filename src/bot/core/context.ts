// What every bot handler gets: the desk, who acts (with role and language), and a way to reach others.
import type { Desk } from '../../domain/context.js';
import type { ApprovalRecord, CollectionRunRecord } from '../../domain/ports.js';
import type { UnmatchedDigest } from '../../domain/services/unmatched.js';
import type { Actor } from '../../domain/types.js';
import type { Locale } from '../../i18n/catalog.js';

/** How a platform reaches people other than the one acting. */
export interface Notifier {
  /** Post the request where approvers decide (a channel, or their DMs). */
  approvalRequested(approval: ApprovalRecord): Promise<void>;
  /** Update the request's messages with the outcome and tell the requester. */
  approvalDecided(approval: ApprovalRecord): Promise<void>;
}

/** A platform's own notifier, then the other platforms' (each failing alone). */
export function withPeers(own: Notifier, peers?: () => Notifier[]): Notifier {
  if (!peers) return own;
  // The request is stored already: a platform that cannot be reached must not turn it into an error.
  const all = async (call: (n: Notifier) => Promise<void>) => {
    await call(own).catch(() => {});
    for (const peer of peers()) await call(peer).catch(() => {});
  };
  return {
    approvalRequested: (approval) => all((n) => n.approvalRequested(approval)),
    approvalDecided: (approval) => all((n) => n.approvalDecided(approval)),
  };
}

/** Starts a collection run; the platform shows its progress where it was asked for (R2, R16). */
export interface CollectionStarter {
  start(ctx: BotContext, request: { accountIds: number[]; from: string; to: string }): Promise<number>;
}

/** A platform's channels for what nobody asked for at that moment. */
export interface ChannelPoster {
  /** A finished run, to the platform's collection channel when one is set. */
  collectionFinished(run: CollectionRunRecord): Promise<void>;
  /** The unmatched digest, to the platform's digest channel when one is set. */
  unmatchedDigest(digest: UnmatchedDigest): Promise<void>;
}

export interface BotContext {
  desk: Desk;
  actor: Actor;
  locale: Locale;
  notifier: Notifier;
  /** A platform's address for answering later (Slack's response_url), carried through forms. */
  reply?: string;
  /** The conversation the request came from (a Slack channel id), carried through forms. */
  origin?: string;
  /** Present where collection runs can be started. */
  collector?: CollectionStarter;
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
  /** Keeps data under a key of the caller's (replacing what was there), like stash. */
  keep(id: string, data: unknown, ttlMs: number): Promise<void>;
  /** The stashed data, or null when unknown or expired. */
  unstash(id: string): Promise<unknown | null>;
}
