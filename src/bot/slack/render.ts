// Neutral views and forms → Block Kit, within Slack's limits: 50 blocks a message, 100 a modal, 3000
// characters a section, 75 a button or option label, 10 options a checkbox group, 100 a select, 25
// elements an actions block, 24 a modal title, 3000 characters of private_metadata.
import { ACTIONS, type Block, type Field, type Form, type View } from '../core/model.js';

export const LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  sectionText: 3000,
  headerText: 150,
  label: 75,
  buttonValue: 2000,
  checkboxOptions: 10,
  selectOptions: 100,
  overflowOptions: 5,
  actionsElements: 25,
  modalTitle: 24,
  privateMetadata: 3000,
  /** Slack reports msg_blocks_too_long near 13.2k characters; keep well under. */
  messageChars: 12_000,
} as const;

type SlackBlock = Record<string, unknown>;

const clip = (text: string, max: number) =>
  [...text].length <= max ? text : `${[...text].slice(0, max - 1).join('')}…`;
const plain = (text: string, max: number = LIMITS.label) => ({
  type: 'plain_text',
  text: clip(text, max),
  emoji: true,
});
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text: clip(text, LIMITS.sectionText) });
/** An option of a list message's menus and checkboxes: our own labels, no emoji flag (it adds up). */
const option = (label: string, value: string) => ({
  text: { type: 'plain_text', text: clip(label, LIMITS.label) },
  value,
});

/** Slack mrkdwn needs &, < and > escaped in user text; our catalog uses *bold* and `code` on purpose. */
export const escapeText = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    // Mentions the views put in on purpose (`<@U123>`) stay mentions.
    .replace(/&lt;@([UW][A-Z0-9]{2,20})&gt;/g, '<@$1>');

function renderBlock(block: Block, lineMax: number = LIMITS.sectionText): SlackBlock[] {
  switch (block.type) {
    case 'header':
      return [{ type: 'header', text: plain(block.text, LIMITS.headerText) }];
    case 'text':
      return [{ type: 'section', text: mrkdwn(escapeText(block.text)) }];
    case 'context':
      return [{ type: 'context', elements: [mrkdwn(escapeText(block.text))] }];
    case 'divider':
      return [{ type: 'divider' }];
    case 'fields': {
      // A section holds at most 10 fields of 2000 characters.
      const out: SlackBlock[] = [];
      for (let i = 0; i < block.fields.length; i += 10) {
        out.push({
          type: 'section',
          fields: block.fields
            .slice(i, i + 10)
            .map((f) => mrkdwn(clip(`*${escapeText(f.label)}*\n${escapeText(f.value)}`, 2000))),
        });
      }
      return out;
    }
    case 'buttons': {
      const out: SlackBlock[] = [];
      for (let i = 0; i < block.buttons.length; i += LIMITS.actionsElements) {
        out.push({
          type: 'actions',
          elements: block.buttons.slice(i, i + LIMITS.actionsElements).map((b, j) => ({
            type: 'button',
            action_id: `${b.action}:${i + j}`,
            text: plain(b.label),
            value: b.value.slice(0, LIMITS.buttonValue),
            ...(b.style ? { style: b.style } : {}),
          })),
        });
      }
      return out;
    }
    case 'orders': {
      const out: SlackBlock[] = block.lines.map((line) => ({
        type: 'section',
        block_id: `order:${line.serial}`,
        text: mrkdwn(
          clip(`*${escapeText(line.title)}* ${escapeText(line.badges)}\n${escapeText(line.detail)}`, lineMax),
        ),
        accessory:
          line.menu.length <= LIMITS.overflowOptions
            ? {
                type: 'overflow',
                action_id: `${ACTIONS.orderMenu}:${line.serial}`,
                options: line.menu.map((m) => option(m.label, m.value.slice(0, 150))),
              }
            : {
                type: 'static_select',
                action_id: `${ACTIONS.orderMenu}:${line.serial}`,
                placeholder: plain('⋯'),
                options: line.menu
                  .slice(0, LIMITS.selectOptions)
                  .map((m) => option(m.label, m.value.slice(0, 150))),
              },
      }));
      if (block.selectable) {
        for (let i = 0; i < block.lines.length; i += LIMITS.checkboxOptions) {
          out.push({
            type: 'actions',
            block_id: `pick:${i / LIMITS.checkboxOptions}`,
            elements: [
              {
                type: 'checkboxes',
                action_id: `${ACTIONS.select}:${i / LIMITS.checkboxOptions}`,
                options: block.lines
                  .slice(i, i + LIMITS.checkboxOptions)
                  .map((line) =>
                    option(`${line.serial}`, JSON.stringify({ s: line.serial, v: line.version })),
                  ),
              },
            ],
          });
        }
      }
      return out;
    }
  }
}

/**
 * How long an order line's text may be, tried in turn until the message fits: a page of ten orders with
 * their menus is close to Slack's size limit, and cutting the message would drop its checkboxes, bulk
 * buttons and paging with it.
 */
const ORDER_LINE_BUDGETS = [LIMITS.sectionText, 300, 200, 120, 80];

/** Blocks for a message, cut to Slack's block and size limits with a note when something was left out. */
export function renderMessage(view: View): { text: string; blocks: SlackBlock[] } {
  for (const lineMax of ORDER_LINE_BUDGETS) {
    const rendered = view.blocks.flatMap((block) => renderBlock(block, lineMax));
    if (rendered.length <= LIMITS.messageBlocks && JSON.stringify(rendered).length <= LIMITS.messageChars) {
      return { text: clip(view.text, 3000), blocks: rendered };
    }
    if (!view.blocks.some((block) => block.type === 'orders')) break;
  }
  const blocks: SlackBlock[] = [];
  let chars = 0;
  for (const block of view.blocks) {
    for (const rendered of renderBlock(block)) {
      const size = JSON.stringify(rendered).length;
      if (blocks.length >= LIMITS.messageBlocks - 1 || chars + size > LIMITS.messageChars) {
        blocks.push({ type: 'context', elements: [mrkdwn('…')] });
        return { text: clip(view.text, 3000), blocks };
      }
      blocks.push(rendered);
      chars += size;
    }
  }
  return { text: clip(view.text, 3000), blocks };
}

function renderField(field: Field): SlackBlock {
  const options = (field.options ?? [])
    .slice(0, LIMITS.selectOptions)
    .map((o) => ({ text: plain(o.label), value: o.value }));
  const initialOne =
    typeof field.initial === 'string' ? options.find((o) => o.value === field.initial) : undefined;
  let element: Record<string, unknown>;
  switch (field.kind) {
    case 'text':
    case 'multiline':
      element = {
        type: 'plain_text_input',
        multiline: field.kind === 'multiline',
        ...(field.maxLength ? { max_length: field.maxLength } : {}),
        ...(typeof field.initial === 'string' && field.initial ? { initial_value: field.initial } : {}),
      };
      break;
    case 'number':
      element = {
        type: 'number_input',
        is_decimal_allowed: false,
        min_value: '0',
        ...(typeof field.initial === 'string' && field.initial ? { initial_value: field.initial } : {}),
      };
      break;
    case 'select':
      element = { type: 'static_select', options, ...(initialOne ? { initial_option: initialOne } : {}) };
      break;
    case 'multiselect': {
      const chosen = Array.isArray(field.initial) ? new Set(field.initial) : new Set<string>();
      const initial = options.filter((o) => chosen.has(o.value));
      element = {
        type: 'multi_static_select',
        options,
        ...(initial.length ? { initial_options: initial } : {}),
      };
      break;
    }
    case 'date':
      element = {
        type: 'datepicker',
        ...(typeof field.initial === 'string' ? { initial_date: field.initial } : {}),
      };
      break;
    case 'product':
      element = { type: 'external_select', min_query_length: 1 };
      break;
  }
  return {
    type: 'input',
    block_id: field.id,
    optional: !field.required,
    label: plain(field.label, 2000),
    element: {
      ...element,
      action_id: field.id,
      ...(field.placeholder ? { placeholder: plain(field.placeholder, 150) } : {}),
    },
    ...(field.hint ? { hint: plain(field.hint, 2000) } : {}),
  };
}

/** A modal. `metadata` is the form's meta plus what the platform needs to answer later. */
export function renderModal(form: Form, metadata: string): Record<string, unknown> {
  const blocks: SlackBlock[] = [];
  if (form.intro) blocks.push({ type: 'section', text: mrkdwn(escapeText(form.intro)) });
  for (const field of form.fields.slice(0, LIMITS.modalBlocks - blocks.length))
    blocks.push(renderField(field));
  return {
    type: 'modal',
    callback_id: form.id,
    title: plain(form.title, LIMITS.modalTitle),
    submit: plain(form.submit, LIMITS.modalTitle),
    close: plain('✕', LIMITS.modalTitle),
    private_metadata: metadata,
    blocks,
  };
}

/** Values of a submitted modal: field id → text, or list for multi-selects. */
export function formValues(
  state: Record<string, Record<string, Record<string, unknown>>>,
): Record<string, string | string[] | undefined> {
  const values: Record<string, string | string[] | undefined> = {};
  for (const [blockId, actions] of Object.entries(state ?? {})) {
    for (const element of Object.values(actions)) {
      const e = element as {
        type?: string;
        value?: string | null;
        selected_option?: { value: string } | null;
        selected_options?: { value: string }[];
        selected_date?: string | null;
      };
      if (e.selected_options) values[blockId] = e.selected_options.map((o) => o.value);
      else if (e.selected_option !== undefined) values[blockId] = e.selected_option?.value;
      else if (e.selected_date !== undefined) values[blockId] = e.selected_date ?? undefined;
      else values[blockId] = e.value ?? undefined;
    }
  }
  return values;
}
