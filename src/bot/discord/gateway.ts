// DISCORD_MODE=gateway, for teams without a public URL: discord.js's gateway Client receives the
// interactions, the same handler answers them, and the answer goes back through the callback endpoint.
import { Client, Events, GatewayIntentBits } from 'discord.js';
import type { APIInteraction } from 'discord-api-types/v10';
import { Routes } from 'discord-api-types/v10';
import type { DiscordAdapter, DiscordLogger } from './adapter.js';

/** What the gateway needs of a client: discord.js's Client, or a stand-in in tests. */
export interface GatewayClient {
  on(event: typeof Events.Raw, listener: (packet: { t?: string | null; d?: unknown }) => void): unknown;
  login(token: string): Promise<unknown>;
  destroy(): Promise<void> | void;
}

export async function startGateway(
  adapter: DiscordAdapter,
  token: string,
  logger?: DiscordLogger,
  client: GatewayClient = new Client({ intents: [GatewayIntentBits.Guilds] }),
): Promise<{ stop(): Promise<void> }> {
  client.on(Events.Raw, (packet) => {
    if (packet.t !== 'INTERACTION_CREATE') return;
    const interaction = packet.d as APIInteraction;
    adapter
      .handle(interaction)
      .catch((e) => {
        logger?.error(`discord gateway interaction failed: ${(e as Error).message}`);
        return adapter.failure(interaction);
      })
      .then((response) =>
        adapter.rest.post(Routes.interactionCallback(interaction.id, interaction.token), {
          body: response,
          auth: false,
        }),
      )
      .catch((e) => logger?.error(`discord gateway interaction failed: ${(e as Error).message}`));
  });
  await client.login(token);
  return {
    async stop() {
      await client.destroy();
    },
  };
}
