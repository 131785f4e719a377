// `npm run manifests`: writes manifests/ from the command catalogue.
import { writeFileSync } from 'node:fs';
import { discordCommandsJson } from './discord.js';
import { slackManifestYaml } from './slack.js';

const outputs: [string, string][] = [
  ['slack-app.yaml', slackManifestYaml()],
  ['discord-commands.json', discordCommandsJson()],
];
for (const [name, text] of outputs) {
  const target = new URL(`../../../manifests/${name}`, import.meta.url);
  writeFileSync(target, text);
  console.log(`wrote ${target.pathname}`);
}
