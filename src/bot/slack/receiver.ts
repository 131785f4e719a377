// Bolt on our fastify server: POST /slack/events in its own encapsulated plugin, so the raw-body parser
// the signature check needs never touches the REST routes. Acks answer the HTTP request at once; the
// listener's slower work goes on after.
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { isValidSlackRequest } from '@slack/bolt';
import type { FastifyPluginAsync } from 'fastify';

export const SLACK_EVENTS_PATH = '/slack/events';
/** Bolt's HTTP receiver gives up after this long without an ack, and so do we. */
const ACK_TIMEOUT_MS = 3001;

export class FastifySlackReceiver implements Receiver {
  private bolt: App | null = null;

  constructor(
    private readonly options: {
      signingSecret: string;
      now?: () => number;
      onError?: (error: unknown) => void;
    },
  ) {
    if (!options.signingSecret) throw new Error('SLACK_SIGNING_SECRET is required for the Slack endpoint');
  }

  init(app: App): void {
    this.bolt = app;
  }

  // The fastify server owns the socket: nothing to start or stop here.
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  readonly plugin: FastifyPluginAsync = async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_request, body, done) =>
      done(null, body),
    );
    scope.post(SLACK_EVENTS_PATH, async (request, reply) => {
      const raw = typeof request.body === 'string' ? request.body : '';
      const signature = request.headers['x-slack-signature'];
      const timestamp = Number(request.headers['x-slack-request-timestamp']);
      const valid =
        typeof signature === 'string' &&
        Number.isFinite(timestamp) &&
        isValidSlackRequest({
          signingSecret: this.options.signingSecret,
          body: raw,
          headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
          nowMilliseconds: this.options.now?.(),
        });
      if (!valid) return reply.status(401).send({ error: 'invalid signature' });

      const body = parseBody(raw, String(request.headers['content-type'] ?? ''));
      if (!body) return reply.status(400).send({ error: 'unreadable body' });
      if (body.ssl_check) return reply.status(200).send();
      if (body.type === 'url_verification') return reply.send({ challenge: body.challenge });
      if (!this.bolt) return reply.status(503).send({ error: 'not ready' });

      let settle!: (response: unknown) => void;
      const acked = new Promise<{ response: unknown }>((resolve) => {
        settle = (response) => resolve({ response });
      });
      let isAcked = false;
      const event: ReceiverEvent = {
        body,
        retryNum: numberHeader(request.headers['x-slack-retry-num']),
        retryReason: stringHeader(request.headers['x-slack-retry-reason']),
        ack: async (response?: unknown) => {
          if (isAcked) return;
          isAcked = true;
          settle(response);
        },
      };
      this.bolt.processEvent(event).catch((error) => this.options.onError?.(error));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), ACK_TIMEOUT_MS);
      });
      const outcome = await Promise.race([acked, timeout]);
      clearTimeout(timer);
      if (!outcome) return reply.status(404).send();
      const { response } = outcome;
      if (response === undefined || response === '') return reply.status(200).send();
      if (typeof response === 'string') return reply.status(200).type('text/plain').send(response);
      return reply.status(200).send(response);
    });
  };
}

function parseBody(raw: string, contentType: string): Record<string, unknown> | null {
  try {
    if (contentType.includes('application/x-www-form-urlencoded')) {
      const params = Object.fromEntries(new URLSearchParams(raw));
      return typeof params.payload === 'string' ? JSON.parse(params.payload) : params;
    }
    const parsed = JSON.parse(raw);
    return parsed && typeof parsed === 'object' ? parsed : null;
  } catch {
    return null;
  }
}

const stringHeader = (v: string | string[] | undefined) => (typeof v === 'string' ? v : undefined);
const numberHeader = (v: string | string[] | undefined) =>
  typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
