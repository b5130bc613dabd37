/**
 * The broker on a real Redis, through the maintained `redis` client (node-redis).
 *
 * Keys, all under a prefix (`rl:` by default, so tests on one Redis never collide):
 * - `<prefix>id:<channel>`: the channel's last id (a counter, INCR);
 * - `<prefix>stream:<channel>`: the history, a Redis Stream whose entry ids are the
 *   message ids (`<id>-1`), trimmed with `XADD … MAXLEN ~ maxCount`;
 * - `<prefix>ch:<channel>`: the pub/sub channel every gateway's subscriber listens on.
 *
 * One publish is one Lua script (EVAL), so one atomic step in Redis: INCR gives the
 * id, XADD stores it, PUBLISH fans it out. The order of ids, the stream's order and
 * the pub/sub order are therefore the same for every gateway. `since` is one script
 * too: the counter and the newest `maxCount` entries after the id (XREVRANGE with an
 * exclusive start, `(<since>-1`), read together; the limits are then applied exactly as
 * the Hub applies them (MAXLEN ~ only trims whole stream nodes, and a stream knows no
 * age), so both brokers answer alike.
 *
 * Connections: one for commands (offline queue off, so a publish while Redis is away
 * rejects at once with RL_ERR_BROKER_DOWN instead of waiting), and the dedicated
 * subscriber connection Redis requires for SUBSCRIBE. node-redis reconnects both
 * with backoff and resubscribes the subscriber's channels before it is ready again;
 * a `subscribe` made while Redis is away waits (its SUBSCRIBE queued) until it is back.
 * Pub/sub is at-most-once: what was published while the subscriber was away is never
 * delivered live. So every subscription is told `onReconnect` once the subscriber is
 * back, and `subscribeFrom` (broker.ts) reads the stream after its last id — the
 * history, not pub/sub, is what makes a resume lose nothing.
 */
import { createClient } from 'redis';
import {
  DEFAULT_HISTORY_LIMITS,
  DEFAULT_MESSAGE_TYPE,
  LabError,
  assertChannelName,
  labError,
  type HistoryLimits,
  type HistorySlice,
  type Message,
  type PublishInput,
} from '../../src/core';
import {
  assertSinceId,
  liveSubscription,
  type Broker,
  type BrokerListener,
  type LiveSubscription,
  type SubscribeOptions,
  type Unsubscribe,
} from './broker';

/** A node-redis client on `url`; `queueOffline: false` makes commands reject while disconnected. */
function openClient(url: string, queueOffline: boolean) {
  const client = createClient({ url, disableOfflineQueue: !queueOffline });
  // node-redis emits 'error' on every lost connection; without a listener Node would throw.
  client.on('error', () => undefined);
  return client;
}

type RedisClient = ReturnType<typeof openClient>;

export interface RedisBrokerOptions {
  /** `redis://127.0.0.1:6379` and the like. */
  url: string;
  /** Every key and pub/sub channel starts with it (default `rl:`). */
  prefix?: string;
  limits?: HistoryLimits;
  now?: () => number;
  /** How long `connect` waits for Redis before it rejects RL_ERR_BROKER_DOWN (default 5 s). */
  connectTimeoutMs?: number;
}

/** KEYS: counter, stream. ARGV: pub/sub channel, maxCount, the message JSON after its id. */
const PUBLISH_SCRIPT = `
local id = redis.call('INCR', KEYS[1])
local json = '{"id":' .. id .. ARGV[3]
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], id .. '-1', 'm', json)
redis.call('PUBLISH', ARGV[1], json)
return id
`;

/** KEYS: counter, stream. ARGV: since, maxCount. Returns { lastId, [json oldest first] }. */
const SINCE_SCRIPT = `
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local entries = redis.call('XREVRANGE', KEYS[2], '+', '(' .. ARGV[1] .. '-1', 'COUNT', ARGV[2])
local out = {}
for i = #entries, 1, -1 do out[#out + 1] = entries[i][2][2] end
return { last, out }
`;

export class RedisBroker implements Broker {
  readonly kind = 'redis';
  readonly limits: HistoryLimits;
  private readonly prefix: string;
  private readonly now: () => number;
  private readonly subscriptions = new Set<LiveSubscription>();
  private closed = false;

  private constructor(
    private readonly client: RedisClient,
    private readonly subscriber: RedisClient,
    options: RedisBrokerOptions,
  ) {
    this.prefix = options.prefix ?? 'rl:';
    this.limits = options.limits ?? DEFAULT_HISTORY_LIMITS;
    this.now = options.now ?? Date.now;
  }

  /** Opens both connections; rejects RL_ERR_BROKER_DOWN when Redis does not answer in time. */
  static async connect(options: RedisBrokerOptions): Promise<RedisBroker> {
    const client = openClient(options.url, false);
    const subscriber = openClient(options.url, true);
    const broker = new RedisBroker(client, subscriber, options);
    const timeoutMs = options.connectTimeoutMs ?? 5_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            labError('BROKER_DOWN', `redis at ${options.url} did not answer in ${timeoutMs} ms`),
          ),
        timeoutMs,
      );
    });
    try {
      await Promise.race([Promise.all([client.connect(), subscriber.connect()]), timeout]);
    } catch (error) {
      client.destroy();
      subscriber.destroy();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    // Every later 'ready' is a reconnection: the channels are subscribed again, but
    // whatever was published while away is lost to pub/sub.
    subscriber.on('ready', () => {
      for (const subscription of [...broker.subscriptions]) subscription.onReconnect?.();
    });
    return broker;
  }

  async publish(channel: string, input: PublishInput): Promise<Message> {
    const keys = this.keys(channel);
    const rest: Omit<Message, 'id'> = {
      channel,
      type: input.type ?? DEFAULT_MESSAGE_TYPE,
      from: input.from,
      text: input.text,
      publishedAt: this.now(),
    };
    if (input.sentAt !== undefined) rest.sentAt = input.sentAt;
    const tail = `,${JSON.stringify(rest).slice(1)}`;
    const reply = await this.command(() =>
      this.client.eval(PUBLISH_SCRIPT, {
        keys: [keys.counter, keys.stream],
        arguments: [keys.pubsub, String(this.limits.maxCount), tail],
      }),
    );
    if (typeof reply !== 'number') throw new Error(`redis publish answered ${String(reply)}`);
    return { id: reply, ...rest };
  }

  async since(channel: string, sinceId: number): Promise<HistorySlice> {
    const keys = this.keys(channel);
    assertSinceId(sinceId);
    const reply = await this.command(() =>
      this.client.eval(SINCE_SCRIPT, {
        keys: [keys.counter, keys.stream],
        arguments: [String(sinceId), String(this.limits.maxCount)],
      }),
    );
    if (!Array.isArray(reply) || typeof reply[0] !== 'number' || !Array.isArray(reply[1])) {
      throw new Error('redis since answered an unexpected reply');
    }
    const lastId = reply[0];
    const now = this.now();
    const kept = (reply[1] as unknown[]).map((raw) => parseMessage(raw));
    // A stream knows no age: drop the too old from the front, as ChannelHistory.prune does.
    let drop = 0;
    while (drop < kept.length && now - kept[drop]!.publishedAt > this.limits.maxAgeMs) drop++;
    const messages = kept.slice(drop);
    const oldest = messages[0];
    const missed = sinceId < lastId && (oldest === undefined || oldest.id > sinceId + 1);
    return { messages, lastId, missed };
  }

  async subscribe(
    channel: string,
    listener: BrokerListener,
    options: SubscribeOptions = {},
  ): Promise<Unsubscribe> {
    const { pubsub } = this.keys(channel);
    this.assertOpen();
    const subscription = liveSubscription(listener, options);
    const onMessage = (raw: string): void => {
      if (this.subscriptions.has(subscription)) listener(parseMessage(raw));
    };
    await this.command(() => this.subscriber.subscribe(pubsub, onMessage));
    this.subscriptions.add(subscription);
    return async () => {
      if (!this.subscriptions.delete(subscription)) return;
      const unsubscribed = this.subscriber.unsubscribe(pubsub, onMessage);
      // While Redis is away the UNSUBSCRIBE waits in the queue: do not wait for it.
      if (this.subscriber.isReady) await unsubscribed;
      else unsubscribed.catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subscriptions.clear();
    await Promise.all([end(this.client), end(this.subscriber)]);
  }

  /** The command connection's id in Redis (for a test's `CLIENT KILL`). */
  async subscriberClientId(): Promise<number> {
    return this.command(() => this.subscriber.clientId());
  }

  /** Drops the subscriber connection from the Redis side, as a network failure would. */
  async killSubscriberConnection(): Promise<void> {
    const id = await this.subscriberClientId();
    await this.command(() => this.client.sendCommand(['CLIENT', 'KILL', 'ID', String(id)]));
  }

  private keys(channel: string): { counter: string; stream: string; pubsub: string } {
    assertChannelName(channel);
    return {
      counter: `${this.prefix}id:${channel}`,
      stream: `${this.prefix}stream:${channel}`,
      pubsub: `${this.prefix}ch:${channel}`,
    };
  }

  private assertOpen(): void {
    if (this.closed) throw labError('BROKER_DOWN', 'this broker instance is closed');
  }

  /** Runs a Redis call; a failure of Redis itself (gone, offline) becomes RL_ERR_BROKER_DOWN. */
  private async command<T>(call: () => Promise<T>): Promise<T> {
    this.assertOpen();
    try {
      return await call();
    } catch (error) {
      if (error instanceof LabError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw labError('BROKER_DOWN', `the redis broker is down: ${reason}`);
    }
  }
}

async function end(client: RedisClient): Promise<void> {
  if (client.isReady) await client.close();
  else client.destroy();
}

/** A message as the publish script stored it; anything else is a bug, so it throws. */
function parseMessage(raw: unknown): Message {
  const value: unknown = typeof raw === 'string' ? JSON.parse(raw) : undefined;
  if (typeof value !== 'object' || value === null) throw new Error('not a broker message');
  const m = value as Record<string, unknown>;
  if (
    typeof m.id !== 'number' ||
    typeof m.channel !== 'string' ||
    typeof m.type !== 'string' ||
    typeof m.from !== 'string' ||
    typeof m.text !== 'string' ||
    typeof m.publishedAt !== 'number' ||
    (m.sentAt !== undefined && typeof m.sentAt !== 'number')
  ) {
    throw new Error('not a broker message');
  }
  const message: Message = {
    id: m.id,
    channel: m.channel,
    type: m.type,
    from: m.from,
    text: m.text,
    publishedAt: m.publishedAt,
  };
  if (typeof m.sentAt === 'number') message.sentAt = m.sentAt;
  return message;
}
