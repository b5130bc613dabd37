/**
 * The no-loss proof: every technique's receivers, against the real server,
 * while faults fire at random (dropped connections, restarts, blocked
 * WebSocket upgrades), get every one of 1,200 messages exactly once and in id
 * order. Seeded, so a failing run can be replayed; bounded in count and time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom, TECHNIQUES, type Technique } from '../core';
import { buildApp } from '../../server/app';
import { Session } from './session';
import { DEFAULT_KNOBS } from './types';

const MESSAGES = 1200;
const PUBLISH_EVERY_MS = 6;
const RECEIVERS = ['bob', 'carol'];

type App = Awaited<ReturnType<typeof buildApp>>;
let app: App;
let base = '';

beforeAll(async () => {
  app = await buildApp({ logLevel: 'silent', history: { maxCount: 10_000, maxAgeMs: 3_600_000 } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  base = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  // Node's WebSocket client leaves the TCP connection open after the closing handshake, and the
  // server would wait out its 30 s close timeout for it: end those sockets here.
  for (const client of app.websocketServer.clients) client.terminate();
  await app?.close();
}, 30_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function fault(body: unknown): Promise<void> {
  const response = await fetch(`${base}/api/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`faults answered ${response.status}`);
}

describe('no message lost or repeated while faults fire at random', () => {
  it(`${MESSAGES} messages reach every receiver of every technique once, in order`, async () => {
    const channel = 'no-loss';
    const received = new Map<string, number[]>();
    let duplicates = 0;
    const wrongDuplicates: string[] = [];
    const sessions = TECHNIQUES.map(
      (technique: Technique) =>
        new Session({
          technique,
          channel,
          baseUrl: base,
          sender: null,
          receivers: RECEIVERS,
          syncLastId: false,
          knobs: {
            ...DEFAULT_KNOBS,
            pollIntervalMs: 100,
            longPollTimeoutMs: 2000,
            sseRetryMs: 200,
            backoffBaseMs: 50,
            backoffCapMs: 400,
          },
          store: {
            append(event) {
              // A copy marked duplicate must be of a message this receiver already had.
              if (event.kind === 'deliver' && event.details?.duplicate) {
                duplicates += 1;
                const had = received.get(`${technique}:${event.actor}`) ?? [];
                for (const id of event.messageIds ?? [])
                  if (!had.includes(id)) wrongDuplicates.push(`${technique}:${event.actor}:${id}`);
              }
            },
          },
          onMessage: (actor, message) => {
            const key = `${technique}:${actor}`;
            received.set(key, [...(received.get(key) ?? []), message.id]);
          },
        }),
    );
    const random = seededRandom(20261129);
    const fired: string[] = [];
    try {
      await Promise.all(sessions.map((s) => s.start()));
      await sleep(300);

      let publishing = true;
      const faults = (async () => {
        while (publishing) {
          await sleep(150 + random() * 250);
          if (!publishing) break;
          const pick = random();
          if (pick < 0.5) {
            fired.push('drop');
            await fault({ drop: true });
          } else if (pick < 0.75) {
            const downForMs = Math.round(100 + random() * 300);
            fired.push(`restart ${downForMs}`);
            await fault({ restart: { downForMs } });
          } else {
            const block = fired.filter((f) => f.startsWith('block')).length % 2 === 0;
            fired.push(block ? 'block' : 'unblock');
            await fault({ blockWebSockets: block });
          }
        }
      })();
      for (let i = 1; i <= MESSAGES; i++) {
        // Straight into the hub: the publisher is the test, not a client under test.
        app.lab.publish(
          channel,
          { from: 'ticker', text: `m${i}` },
          { technique: null, conn: 'test' },
        );
        await sleep(PUBLISH_EVERY_MS);
      }
      publishing = false;
      await faults;
      await fault({ blockWebSockets: false });

      const expected = Array.from({ length: MESSAGES }, (_, i) => i + 1);
      const keys = TECHNIQUES.flatMap((t) => RECEIVERS.map((r) => `${t}:${r}`));
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && keys.some((k) => (received.get(k)?.length ?? 0) < MESSAGES))
        await sleep(100);
      expect(fired.length).toBeGreaterThan(10);
      expect(fired.some((f) => f.startsWith('restart'))).toBe(true);
      for (const key of keys) expect(received.get(key), key).toEqual(expected);
      expect(wrongDuplicates).toEqual([]);
      console.log(`faults fired: ${fired.length}; copies dropped as duplicates: ${duplicates}`);
    } finally {
      for (const session of sessions) session.stop();
      await fault({ blockWebSockets: false, latencyMs: { up: 0, down: 0 } }).catch(() => undefined);
    }
  }, 90_000);
});
