// The committed Slack manifest is the one the catalogue generates, and it is one Slack would take.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMMANDS } from '../../src/bot/core/commands.js';
import { SLACK_BOT_SCOPES, slackManifestYaml } from '../../src/bot/manifests/slack.js';

const committed = readFileSync(new URL('../../manifests/slack-app.yaml', import.meta.url), 'utf8');

describe('manifests/slack-app.yaml', () => {
  it('is what `npm run manifests` generates from the command catalogue (regenerate when this fails)', () => {
    expect(committed).toBe(slackManifestYaml());
  });

  it('declares /orders with every subcommand of the catalogue, and the interactivity and options URLs', () => {
    const manifest = parse(committed);
    const [command] = manifest.features.slash_commands;
    expect(command.command).toBe('/orders');
    for (const c of COMMANDS) expect(command.usage_hint).toContain(c.name);
    expect(command.usage_hint.length).toBeLessThanOrEqual(1000);
    expect(command.url).toMatch(/\/slack\/events$/);
    expect(manifest.settings.interactivity).toMatchObject({
      is_enabled: true,
      request_url: command.url,
      message_menu_options_url: command.url,
    });
    expect(command.should_escape).toBe(true);
    expect(manifest.features.shortcuts).toEqual([
      expect.objectContaining({ type: 'message', callback_id: 'om:import' }),
    ]);
    expect(manifest.settings.event_subscriptions).toEqual({
      request_url: command.url,
      bot_events: ['message.im'],
    });
  });

  it('asks for the bot scopes the adapter uses, and fits Slack field limits', () => {
    const manifest = parse(committed);
    expect(manifest.oauth_config.scopes.bot).toEqual([...SLACK_BOT_SCOPES]);
    for (const scope of [
      'commands',
      'chat:write',
      'im:write',
      'im:history',
      'files:read',
      'files:write',
      'users:read',
    ]) {
      expect(manifest.oauth_config.scopes.bot).toContain(scope);
    }
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
    expect(manifest.display_information.description.length).toBeLessThanOrEqual(140);
    expect(manifest.display_information.long_description.length).toBeGreaterThanOrEqual(175);
    expect(manifest.features.bot_user.display_name.length).toBeLessThanOrEqual(80);
  });
});
