// The Slack app manifest, generated from the command catalogue so the two never drift apart.
import { stringify } from 'yaml';
import { COMMANDS } from '../core/commands.js';
import { SLACK_EVENTS_PATH } from '../slack/receiver.js';

export const SLACK_BOT_SCOPES = [
  'commands',
  'chat:write',
  'im:write',
  'im:history',
  'files:read',
  'files:write',
  'users:read',
] as const;
export const MANIFEST_BASE_URL = 'https://ordermate.example.com';

export function slackManifest(baseUrl = MANIFEST_BASE_URL): Record<string, unknown> {
  const url = `${baseUrl}${SLACK_EVENTS_PATH}`;
  const subcommands = COMMANDS.map((c) => c.name).join('|');
  return {
    display_information: {
      name: 'OrderMate',
      description: '주문(발주)관리 order desk in Slack',
      long_description:
        'OrderMate brings the order desk into Slack: list, hold, claim, delete and move orders to the next stage, ' +
        'with reasons in modals, approval buttons for sensitive actions, and results in Korean or English.',
      background_color: '#1f3a5f',
    },
    features: {
      bot_user: { display_name: 'OrderMate', always_online: true },
      slash_commands: [
        {
          command: '/orders',
          url,
          description: 'Order desk: summary, list, show, hold, claim, next, …',
          usage_hint: `[${subcommands}] …`.slice(0, 1000),
          should_escape: true,
        },
      ],
      shortcuts: [
        {
          name: 'Import orders',
          type: 'message',
          callback_id: 'om:import',
          description: 'Preview and register the Excel/CSV file on this message',
        },
      ],
    },
    oauth_config: { scopes: { bot: [...SLACK_BOT_SCOPES] } },
    settings: {
      event_subscriptions: { request_url: url, bot_events: ['message.im'] },
      interactivity: { is_enabled: true, request_url: url, message_menu_options_url: url },
      org_deploy_enabled: false,
      socket_mode_enabled: false,
      token_rotation_enabled: false,
    },
  };
}

export function slackManifestYaml(baseUrl?: string): string {
  return `# Generated from src/bot/core/commands.ts by \`npm run manifests\`; paste into api.slack.com/apps → Create → From a manifest.\n# Replace ${MANIFEST_BASE_URL} with this server's public URL.\n${stringify(slackManifest(baseUrl), { lineWidth: 0 })}`;
}
