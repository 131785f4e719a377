// Neutral views as terminal text. Buttons cannot be clicked here, so they become the commands that do
// the same.
import type { Block, View } from '../core/model.js';

const strip = (text: string) => text.replace(/\*([^*\n]+)\*/g, '$1').replace(/`([^`\n]+)`/g, '$1');

function renderBlock(block: Block): string[] {
  switch (block.type) {
    case 'header':
      return ['', `== ${block.text} ==`];
    case 'text':
      return [strip(block.text)];
    case 'context':
      return [`  (${strip(block.text)})`];
    case 'divider':
      return ['  ----'];
    case 'fields':
      return block.fields.map((f) => `  ${f.label}: ${f.value}`);
    case 'orders':
      return block.lines.flatMap((line) => [
        `  ${line.title} ${line.badges}`.trimEnd(),
        `      ${line.detail}`,
      ]);
    case 'buttons':
      return [];
  }
}

export function renderText(view: View): string {
  return view.blocks.flatMap(renderBlock).join('\n');
}
