// R18 on chat: the gift events, and the form that defines one.
import type { GiftEventRecord } from '../../domain/ports.js';
import { kstDay } from '../../domain/rules/gifts.js';
import { listChannels, productsOf } from '../../domain/services/catalog.js';
import { createGiftEvent, listGiftEvents } from '../../domain/services/gift-events.js';
import type { Locale } from '../../i18n/catalog.js';
import { t } from '../../i18n/messages.js';
import { domainErrorReply } from './commands.js';
import type { BotContext } from './context.js';
import { type FormValues, giftForm, number, text } from './forms.js';
import { ACTIONS, type Block, type BotReply, type View, viewReply } from './model.js';
import { messageView, won } from './views.js';

/** The codes a person typed: split on commas and spaces, each once. */
export const productCodes = (raw: string) => [
  ...new Set(
    raw
      .split(/[\s,]+/)
      .map((c) => c.trim())
      .filter(Boolean),
  ),
];

export function giftListView(
  events: GiftEventRecord[],
  names: { channels: Map<number, string>; products: Map<number, string> },
  locale: Locale,
  canCreate: boolean,
): View {
  const title = t(locale, 'gift.title');
  const blocks: Block[] = [{ type: 'header', text: title }];
  const product = (id: number) => names.products.get(id) ?? `#${id}`;
  if (events.length === 0) blocks.push({ type: 'text', text: t(locale, 'gift.empty') });
  else {
    const lines = events.map((e) => {
      const rule = [
        e.minQuantity !== null ? t(locale, 'gift.minQuantity', { n: e.minQuantity }) : '',
        e.minAmountKrw !== null ? t(locale, 'gift.minAmount', { n: won(e.minAmountKrw) }) : '',
      ]
        .filter(Boolean)
        .join(t(locale, 'gift.and'));
      return `• ${t(locale, 'gift.line', {
        id: e.id,
        name: e.name,
        channel: names.channels.get(e.channelId) ?? `#${e.channelId}`,
        from: e.startsOn,
        to: e.endsOn,
        inactive: e.active ? '' : t(locale, 'gift.inactive'),
        products: e.productIds.map(product).join(', '),
        rule,
        gift: product(e.giftProductId),
        qty: e.giftQuantity,
      })}`;
    });
    blocks.push({ type: 'text', text: lines.join('\n') });
  }
  if (canCreate) {
    blocks.push({
      type: 'buttons',
      buttons: [{ action: ACTIONS.giftNew, label: t(locale, 'gift.new'), value: '{}', style: 'primary' }],
    });
  }
  return { text: title, blocks };
}

/** `/orders gift`: the events with their channel and product names, and a "New event" button. */
export async function giftListReply(ctx: BotContext): Promise<BotReply> {
  try {
    const events = await listGiftEvents(ctx.desk, ctx.actor);
    const channels = await listChannels(ctx.desk, ctx.actor);
    const ids = [...new Set(events.flatMap((e) => [...e.productIds, e.giftProductId]))];
    const products = await productsOf(ctx.desk, ctx.actor, { ids });
    const canCreate = ctx.actor.role !== 'viewer';
    return viewReply(
      giftListView(
        events,
        {
          channels: new Map(channels.map((c) => [c.id, c.name])),
          products: new Map(products.map((p) => [p.id, `${p.name} (${p.code})`])),
        },
        ctx.locale,
        canCreate,
      ),
    );
  } catch (e) {
    return domainErrorReply(ctx, e);
  }
}

/** The form, for today to thirty days on (Korean calendar). */
export async function giftFormReply(ctx: BotContext): Promise<BotReply> {
  try {
    const channels = await listChannels(ctx.desk, ctx.actor);
    const now = ctx.desk.now().getTime();
    const days = { from: kstDay(new Date(now)), to: kstDay(new Date(now + 30 * 86_400_000)) };
    return { kind: 'form', form: giftForm(ctx.locale, channels.slice(0, 100), days, ctx.reply) };
  } catch (e) {
    return domainErrorReply(ctx, e);
  }
}

/** Product codes no product has: the one check of this form that needs the catalogue. */
export async function unknownGiftCodes(ctx: BotContext, values: FormValues): Promise<string[]> {
  const codes = productCodes(text(values, 'products'));
  const known = new Set((await productsOf(ctx.desk, ctx.actor, { codes })).map((p) => p.code));
  return codes.filter((c) => !known.has(c));
}

export async function submitGift(ctx: BotContext, values: FormValues): Promise<BotReply> {
  // Unknown codes were refused by checkForm before the form closed.
  const products = await productsOf(ctx.desk, ctx.actor, { codes: productCodes(text(values, 'products')) });
  const optional = (id: string) => (text(values, id) ? number(values, id) : null);
  const name = text(values, 'name');
  const id = await createGiftEvent(ctx.desk, ctx.actor, {
    channelId: number(values, 'channel'),
    name,
    productIds: products.map((p) => p.id),
    startsOn: text(values, 'startsOn'),
    endsOn: text(values, 'endsOn'),
    minQuantity: optional('minQuantity'),
    minAmountKrw: optional('minAmount'),
    giftProductId: number(values, 'giftProduct'),
    giftQuantity: number(values, 'giftQuantity'),
  });
  return viewReply(messageView(t(ctx.locale, 'gift.created', { id, name })));
}
