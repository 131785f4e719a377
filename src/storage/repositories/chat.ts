// The chat adapters' own records: messages to update later, and stashed form context.
import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, lt, sql } from 'drizzle-orm';
import type { ChatRefs } from '../../bot/core/context.js';
import type { Db } from '../db.js';
import { chatMessages, chatState } from '../schema.js';

export function chatRefs(db: Db): ChatRefs {
  return {
    async addMessage(ref) {
      await db.insert(chatMessages).values(ref);
    },
    messages: (kind, ref, platform) =>
      db
        .select({ channel: chatMessages.channel, ts: chatMessages.ts })
        .from(chatMessages)
        .where(
          and(eq(chatMessages.kind, kind), eq(chatMessages.ref, ref), eq(chatMessages.platform, platform)),
        )
        .orderBy(asc(chatMessages.id)),
    async stash(data, ttlMs) {
      const id = randomUUID();
      await db.delete(chatState).where(lt(chatState.expiresAt, sql`now()`));
      await db.insert(chatState).values({ id, data, expiresAt: new Date(Date.now() + ttlMs) });
      return id;
    },
    async keep(id, data, ttlMs) {
      const expiresAt = new Date(Date.now() + ttlMs);
      await db
        .insert(chatState)
        .values({ id, data, expiresAt })
        .onConflictDoUpdate({ target: chatState.id, set: { data, expiresAt } });
    },
    async unstash(id) {
      const [row] = await db
        .select({ data: chatState.data })
        .from(chatState)
        .where(and(eq(chatState.id, id), gt(chatState.expiresAt, sql`now()`)));
      return row?.data ?? null;
    },
  };
}
