// Discord's `/orders` registration body, generated from the command catalogue like the Slack manifest;
// `npm run discord:register` PUTs the same commands to Discord.
import { discordCommands } from '../discord/commands.js';

export function discordCommandsJson(): string {
  return `${JSON.stringify(discordCommands(), null, 2)}\n`;
}
