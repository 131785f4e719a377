// `npm run manifests`: writes manifests/ from the command catalogue.
import { writeFileSync } from 'node:fs';
import { slackManifestYaml } from './slack.js';

const target = new URL('../../../manifests/slack-app.yaml', import.meta.url);
writeFileSync(target, slackManifestYaml());
console.log(`wrote ${target.pathname}`);
