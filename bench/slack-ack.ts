// bench slack-ack: 50 concurrent signed `/orders list` requests against the real endpoint (100k orders
// on Postgres) vs a bare Bolt app that only acks, same run. Ack latency is the HTTP answer; delivered
// latency is until the list reaches the response URL (a loopback stand-in for Slack).
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { createSlackAdapter } from '../src/bot/slack/app.js';
import { buildServer } from '../src/http/server.js';
import { chatRefs } from '../src/storage/repositories/chat.js';
import { benchDesk, benchUrl, freshBenchDatabase, percentile, seedOrders } from './support.js';

const CONCURRENT = 50;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const SECRET = 'bench-signing-secret';
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);

/** Stands in for Slack: users.info answers a locale; response URLs record when each list arrives. */
async function fakeSlack(): Promise<{ server: Server; url: string; delivered: Map<string, number> }> {
  const delivered = new Map<string, number>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/response/'))
        delivered.set(req.url.slice('/response/'.length), performance.now());
      res.setHeader('content-type', 'application/json');
      if (req.url?.includes('users.info'))
        res.end(JSON.stringify({ ok: true, user: { id: 'U', locale: 'ko-KR', name: 'bench' } }));
      else res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, delivered };
}

function signedCommand(text: string, user: string, responseUrl: string) {
  const body = new URLSearchParams({
    command: '/orders',
    text,
    team_id: 'TBENCH',
    user_id: user,
    channel_id: 'CBENCH',
    trigger_id: `trigger-${user}`,
    response_url: responseUrl,
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-signature': signature,
      'x-slack-request-timestamp': String(ts),
    },
  };
}

/** Rounds of CONCURRENT commands at once; ack = time to the HTTP answer. */
async function fire(
  endpoint: string,
  fake: { url: string; delivered: Map<string, number> },
  label: string,
  run: number,
) {
  const acks: number[] = [];
  const deliveries: number[] = [];
  for (let round = 0; round < ROUNDS + 1; round++) {
    const sent = await Promise.all(
      Array.from({ length: CONCURRENT }, async (_, i) => {
        const id = `${label}-${run}-${round}-${i}`;
        const request = signedCommand('list', `U${String(i).padStart(4, '0')}`, `${fake.url}/response/${id}`);
        const start = performance.now();
        const res = await fetch(endpoint, { method: 'POST', headers: request.headers, body: request.body });
        const ack = performance.now() - start;
        if (res.status !== 200) throw new Error(`${label}: status ${res.status}`);
        await res.text();
        return { id, start, ack };
      }),
    );
    const deadline = Date.now() + 10_000;
    while (label === 'ours' && sent.some((s) => !fake.delivered.has(s.id)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    if (round === 0) continue; // warm-up: connections, caches, the first users.info per user
    for (const s of sent) {
      acks.push(s.ack);
      const at = fake.delivered.get(s.id);
      if (label === 'ours') {
        if (at === undefined) throw new Error(`list ${s.id} was never delivered`);
        deliveries.push(at - s.start);
      }
    }
  }
  return { acks, deliveries };
}

async function main() {
  const database = await freshBenchDatabase(benchUrl('slack-ack'), 'slack-ack');
  const seeded = await seedOrders(database, { rows: ROWS, channels: 10, unmatchedEvery: 200 });
  console.log(`seeded ${seeded.rows.length} orders in ${seeded.ms.toFixed(0)} ms`);
  const fake = await fakeSlack();
  const desk = benchDesk(database);

  const slack = createSlackAdapter(desk, chatRefs(database.db), {
    botToken: 'xoxb-bench',
    signingSecret: SECRET,
    apiUrl: `${fake.url}/api/`,
    defaultLocale: 'ko',
    botId: 'BBENCH',
    botUserId: 'UBENCHBOT',
  });
  const ours = await buildServer({
    desk,
    db: database.db,
    apiToken: null,
    defaultLocale: 'ko',
    logLevel: 'warn',
    chatPlugins: [slack.receiver!.plugin],
  });
  await ours.listen({ port: 0, host: '127.0.0.1' });
  const oursUrl = `http://127.0.0.1:${(ours.server.address() as AddressInfo).port}/slack/events`;

  const bare = new App({
    signingSecret: SECRET,
    token: 'xoxb-bench',
    botId: 'BBENCH',
    botUserId: 'UBENCHBOT',
    clientOptions: { slackApiUrl: `${fake.url}/api/` },
    logLevel: LogLevel.ERROR,
  });
  bare.command('/orders', async ({ ack }) => {
    await ack();
  });
  const bareServer = (await bare.start(0)) as Server;
  const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/slack/events`;

  // Alternate the two so neither gets the quieter half of the run.
  const oursRuns = [];
  const bareRuns = [];
  for (let i = 0; i < 2; i++) {
    bareRuns.push(await fire(bareUrl, fake, 'bare', i));
    oursRuns.push(await fire(oursUrl, fake, 'ours', i));
  }
  const oursAcks = oursRuns.flatMap((r) => r.acks);
  const bareAcks = bareRuns.flatMap((r) => r.acks);
  const delivered = oursRuns.flatMap((r) => r.deliveries);
  await bare.stop();
  await ours.close();
  fake.server.close();
  await database.close();

  const oursP99 = percentile(oursAcks, 99);
  const bareP99 = percentile(bareAcks, 99);
  const deliveredP99 = percentile(delivered, 99);
  console.log(
    `samples: ${oursAcks.length} each; ack p50 ours ${percentile(oursAcks, 50).toFixed(1)} ms, bare ${percentile(bareAcks, 50).toFixed(1)} ms; delivered p50 ${percentile(delivered, 50).toFixed(1)} ms`,
  );
  console.log(
    `bench slack-ack: ratio=${(oursP99 / bareP99).toFixed(2)} ours_p99_ms=${oursP99.toFixed(1)} bare_p99_ms=${bareP99.toFixed(1)} delivered_p99_ms=${deliveredP99.toFixed(1)}`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
