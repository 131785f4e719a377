// Templates users add (JSON definitions over REST or chat) next to the built-in ones.
import type { Desk } from '../domain/context.js';
import { DomainError } from '../domain/errors.js';
import { requireRole } from '../domain/services/actors.js';
import type { Actor } from '../domain/types.js';
import { BUILTIN_TEMPLATES, type TemplateDefinition, templateDefinition } from './templates.js';

/** Built-ins first, then the saved ones (a saved template never shadows a built-in). */
export async function allTemplates(desk: Desk): Promise<TemplateDefinition[]> {
  const saved = await desk.store.read((tx) => tx.templates.list());
  const builtin = new Set(BUILTIN_TEMPLATES.map((t) => t.name));
  const custom = saved
    .filter((t) => !builtin.has(t.name))
    .map((t) => templateDefinition.safeParse(t.definition))
    .flatMap((p) => (p.success ? [p.data] : []));
  return [...BUILTIN_TEMPLATES, ...custom];
}

/** Adds or replaces a template from its definition; the definition is checked like any input. */
export async function saveTemplate(
  desk: Desk,
  actor: Actor,
  definition: unknown,
): Promise<TemplateDefinition> {
  requireRole(actor, 'operator');
  const parsed = templateDefinition.safeParse(definition);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DomainError('VALIDATION', {
      field: `template.${issue.path.join('.')}`,
      problem: issue.message,
    });
  }
  if (BUILTIN_TEMPLATES.some((t) => t.name === parsed.data.name)) {
    throw new DomainError('CONFLICT', { field: 'template', value: parsed.data.name });
  }
  await desk.store.transaction(async (tx) => {
    await tx.templates.save({ name: parsed.data.name, channelId: null, definition: parsed.data }, actor.id);
    await tx.audit.append({
      actor: actor.id,
      source: actor.source,
      action: 'save_template',
      detail: { name: parsed.data.name },
    });
  });
  return parsed.data;
}
