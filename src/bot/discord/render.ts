// Neutral views and forms → Discord messages and modals, within Discord's limits: 2000 characters of
// content, 5 action rows of 5 buttons, 25 options a select, 100 characters a custom_id or an option
// value, 80 a button label, and modals of at most 5 top-level components (Label-wrapped inputs and
// selects, a Text Display for the intro), 45 characters a title or a label.
import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIComponentInMessageActionRow,
  type APILabelComponent,
  type APIModalInteractionResponseCallbackData,
  type APISelectMenuOption,
  type APITextDisplayComponent,
  ButtonStyle,
  ComponentType,
  MessageFlags,
  TextInputStyle,
} from 'discord-api-types/v10';
import { ACTIONS, type Block, type Button, type Field, type Form, type View } from '../core/model.js';

export const LIMITS = {
  content: 2000,
  rows: 5,
  buttonsPerRow: 5,
  selectOptions: 25,
  customId: 100,
  optionValue: 100,
  optionLabel: 100,
  buttonLabel: 80,
  modalTitle: 45,
  modalComponents: 5,
  label: 45,
  labelDescription: 100,
  placeholder: 100,
  textInput: 4000,
} as const;

export interface DiscordMessage {
  content: string;
  components: APIActionRowComponent<APIComponentInMessageActionRow>[];
  flags?: number;
  allowed_mentions: { parse: never[]; users?: string[] };
}

const clip = (text: string, max: number) =>
  [...text].length <= max ? text : `${[...text].slice(0, max - 1).join('')}…`;

/** The catalogue writes Slack's mrkdwn (`*bold*`); Discord's bold is `**bold**`. */
export function toDiscordMarkdown(text: string): string {
  return text.replace(/(^|[^*\w`])\*([^*\n]+?)\*(?=[^*\w]|$)/g, '$1**$2**');
}

/** A component's custom_id: `<action>|<value>`, or `<action>|~<key>` when the value was stashed. */
export type CustomIdOf = (action: string, value: string) => Promise<string>;

function blockText(block: Block): string | null {
  switch (block.type) {
    case 'header':
      return `### ${block.text}`;
    case 'text':
      return toDiscordMarkdown(block.text);
    case 'context':
      return `-# ${toDiscordMarkdown(block.text).replace(/\n/g, '\n-# ')}`;
    case 'fields':
      return block.fields.map((f) => `**${f.label}** ${f.value}`).join(' · ');
    case 'divider':
      return '───';
    case 'orders':
      return block.lines
        .map((l) => `**${l.title}**${l.badges ? ` ${l.badges}` : ''}\n${l.detail}`)
        .join('\n');
    case 'buttons':
      return null;
  }
}

const style = (s?: 'primary' | 'danger') =>
  s === 'primary' ? ButtonStyle.Primary : s === 'danger' ? ButtonStyle.Danger : ButtonStyle.Secondary;

/**
 * A message: the text of every block, a multi-select for the orders a list offers to tick, and the
 * buttons in rows of five (what does not fit in five rows is dropped; views keep within that).
 */
export async function renderMessage(view: View, customId: CustomIdOf): Promise<DiscordMessage> {
  const text = view.blocks.map(blockText).filter((t): t is string => t !== null);
  const rows: APIActionRowComponent<APIComponentInMessageActionRow>[] = [];
  const buttons: Button[] = [];
  for (const block of view.blocks) {
    if (block.type === 'orders' && block.selectable && block.lines.length) {
      const options: APISelectMenuOption[] = block.lines.slice(0, LIMITS.selectOptions).map((l) => ({
        label: clip(l.title, LIMITS.optionLabel),
        value: JSON.stringify({ s: l.serial, v: l.version }),
      }));
      rows.push({
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.StringSelect,
            custom_id: await customId(ACTIONS.select, '{}'),
            options,
            min_values: 0,
            max_values: options.length,
          },
        ],
      });
    }
    if (block.type === 'buttons') buttons.push(...block.buttons);
  }
  // Discord shows components under the text anyway: the buttons of every block, five to a row.
  for (let i = 0; i < buttons.length; i += LIMITS.buttonsPerRow) {
    const row: APIButtonComponent[] = [];
    for (const b of buttons.slice(i, i + LIMITS.buttonsPerRow)) {
      row.push({
        type: ComponentType.Button,
        style: style(b.style),
        label: clip(b.label, LIMITS.buttonLabel),
        custom_id: await customId(b.action, b.value),
      });
    }
    rows.push({ type: ComponentType.ActionRow, components: row });
  }
  return {
    content: clip(text.join('\n') || view.text, LIMITS.content),
    components: rows.slice(0, LIMITS.rows),
    allowed_mentions: { parse: [] },
  };
}

/** The fields of each modal step: five components a modal, the intro taking one on the first step. */
export function formSteps(form: Form): Field[][] {
  const steps: Field[][] = [];
  let rest = form.fields;
  let room = form.intro ? LIMITS.modalComponents - 1 : LIMITS.modalComponents;
  while (rest.length) {
    steps.push(rest.slice(0, room));
    rest = rest.slice(room);
    room = LIMITS.modalComponents;
  }
  return steps;
}

const initialOf = (field: Field, values: Record<string, string | string[] | undefined>) =>
  values[field.id] ?? field.initial;

function input(field: Field, given: string | string[] | undefined): APILabelComponent['component'] {
  const options = field.options ?? [];
  if ((field.kind === 'select' || field.kind === 'multiselect') && options.length <= LIMITS.selectOptions) {
    const chosen = new Set(Array.isArray(given) ? given : given ? [given] : []);
    return {
      type: ComponentType.StringSelect,
      custom_id: field.id,
      options: options.map((o) => ({
        label: clip(o.label, LIMITS.optionLabel),
        value: o.value,
        ...(chosen.has(o.value) ? { default: true } : {}),
      })),
      min_values: field.required ? 1 : 0,
      max_values: field.kind === 'multiselect' ? options.length : 1,
      required: field.required,
    };
  }
  // Selects with more than 25 options, products and dates are typed: the submission reads them back.
  const text = Array.isArray(given)
    ? given.map((v) => options.find((o) => o.value === v)?.label ?? v).join(', ')
    : field.kind === 'select'
      ? (options.find((o) => o.value === given)?.label ?? given)
      : given;
  const multiline = field.kind === 'multiline' || field.kind === 'multiselect';
  return {
    type: ComponentType.TextInput,
    custom_id: field.id,
    style: multiline ? TextInputStyle.Paragraph : TextInputStyle.Short,
    required: field.required,
    max_length: Math.min(field.maxLength ?? LIMITS.textInput, LIMITS.textInput),
    ...(text ? { value: clip(text, field.maxLength ?? LIMITS.textInput) } : {}),
    ...(field.placeholder ? { placeholder: clip(field.placeholder, LIMITS.placeholder) } : {}),
  };
}

/** What a typed field expects, under its label (Discord has no product search or date picker in modals). */
export type FieldHint = (field: Field) => string | undefined;

/** One step of a form as a modal; `customId` carries the stashed form and the step. */
export function renderModal(
  form: Form,
  step: number,
  customId: string,
  values: Record<string, string | string[] | undefined>,
  hint: FieldHint,
): APIModalInteractionResponseCallbackData {
  const steps = formSteps(form);
  const fields = steps[step] ?? [];
  const title = steps.length > 1 ? `${form.title} (${step + 1}/${steps.length})` : form.title;
  const components: (APILabelComponent | APITextDisplayComponent)[] = [];
  if (step === 0 && form.intro) {
    components.push({ type: ComponentType.TextDisplay, content: clip(toDiscordMarkdown(form.intro), 4000) });
  }
  for (const field of fields) {
    const description = field.hint ?? hint(field);
    components.push({
      type: ComponentType.Label,
      label: clip(field.label, LIMITS.label),
      ...(description ? { description: clip(description, LIMITS.labelDescription) } : {}),
      component: input(field, initialOf(field, values)),
    });
  }
  return { custom_id: customId, title: clip(title, LIMITS.modalTitle), components };
}

/** A submitted modal's values: custom_id → the text typed, or the options chosen. */
export function modalValues(components: unknown): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as { custom_id?: unknown; value?: unknown; values?: unknown };
    if (typeof n.custom_id === 'string') {
      if (Array.isArray(n.values)) values[n.custom_id] = n.values.map(String);
      else if (typeof n.value === 'string') values[n.custom_id] = n.value;
    }
    for (const child of Object.values(node)) if (typeof child === 'object') walk(child);
  };
  walk(components);
  return values;
}

/** Ephemeral: only the person who asked sees it. */
export const EPHEMERAL = MessageFlags.Ephemeral;
