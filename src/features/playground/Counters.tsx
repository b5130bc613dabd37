import { bytesPerDelivery, overheadPerDelivery, type Stats } from '../../core';
import type { TraceStore } from '../../store/trace-store';
import { useLab, useTrace } from './useStore';

interface Counter {
  name: string;
  label: string;
  value: (s: Stats) => number | null;
  format: (v: number) => string;
  hint: string;
}

const count = (v: number) => v.toLocaleString('en');
const bytes = (v: number) => (v < 10_000 ? `${Math.round(v)} B` : `${(v / 1024).toFixed(1)} KiB`);
const millis = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} ms`;
const percent = (v: number) => `${(v * 100).toFixed(0)} %`;

/** The counters DESIGN.md names, each with `data-testid="counter-<name>"` and its raw number in `data-value`. */
export const COUNTERS: Counter[] = [
  {
    name: 'requests',
    label: 'HTTP requests',
    value: (s) => s.requests,
    format: count,
    hint: 'every request the browser sent: polls, publishes, stream opens, upgrades',
  },
  {
    name: 'empty',
    label: 'Empty responses',
    value: (s) => s.empty,
    format: count,
    hint: 'poll answers that carried no message',
  },
  {
    name: 'wasted-share',
    label: 'Wasted share',
    value: (s) => s.wastedShare,
    format: percent,
    hint: 'empty answers out of all poll answers',
  },
  {
    name: 'delivered',
    label: 'Delivered',
    value: (s) => s.delivered,
    format: count,
    hint: 'messages received, one per receiver, duplicates not counted',
  },
  {
    name: 'bytes-down',
    label: 'Bytes down',
    value: (s) => s.bytesDown.header + s.bytesDown.payload,
    format: bytes,
    hint: 'server → browser',
  },
  {
    name: 'bytes-up',
    label: 'Bytes up',
    value: (s) => s.bytesUp.header + s.bytesUp.payload,
    format: bytes,
    hint: 'browser → server',
  },
  {
    name: 'bytes-per-message',
    label: 'Bytes / message',
    value: bytesPerDelivery,
    format: bytes,
    hint: 'every byte both ways, per delivered message',
  },
  {
    name: 'overhead-per-message',
    label: 'Overhead / message',
    value: overheadPerDelivery,
    format: bytes,
    hint: "the same less the messages' own JSON: headers, empty polls, framing, heartbeats",
  },
  {
    name: 'latency-p50',
    label: 'Latency p50',
    value: (s) => s.latency.p50,
    format: millis,
    hint: "Alice's Send to a receiver's receipt, on this page's clock",
  },
  {
    name: 'latency-p95',
    label: 'Latency p95',
    value: (s) => s.latency.p95,
    format: millis,
    hint: '95 % of deliveries were this fast or faster',
  },
  {
    name: 'latency-max',
    label: 'Latency max',
    value: (s) => s.latency.max,
    format: millis,
    hint: 'the slowest delivery',
  },
  {
    name: 'open-connections',
    label: 'Open now',
    value: (s) => s.openConnections,
    format: count,
    hint: 'requests in flight, open streams and sockets',
  },
  {
    name: 'max-open-connections',
    label: 'Open at most',
    value: (s) => s.maxOpenConnections,
    format: count,
    hint: 'the most open at once',
  },
  {
    name: 'http-in-use',
    label: 'HTTP in use (of 6)',
    value: (s) => s.httpInUse,
    format: count,
    hint: 'requests and streams holding one of the browser’s 6 connections to this host (WebSockets are not counted)',
  },
  {
    name: 'reconnects',
    label: 'Reconnects',
    value: (s) => s.reconnects,
    format: count,
    hint: 'connections opened again after a failure',
  },
];

/** The server's clock against the page's, as the sync exchanges measured it. */
function ClockNote() {
  const clock = useLab((s) => s.clock);
  if (!clock) return null;
  const sign = clock.offsetMs >= 0 ? '+' : '−';
  return (
    <p className="counters__note" data-testid="clock-offset" data-value={clock.offsetMs}>
      Server clock: {sign}
      {Math.abs(clock.offsetMs).toFixed(1)} ms ± {clock.uncertaintyMs.toFixed(1)} ms from this
      page&apos;s (best of {clock.samples} sync exchanges); server steps are shifted onto the
      page&apos;s clock.
    </p>
  );
}

/** The counters as label and shown value (exports print them under the diagram). */
export function counterLines(stats: Stats): Array<[string, string]> {
  return COUNTERS.map((counter) => {
    const value = counter.value(stats);
    return [counter.label, value === null ? '—' : counter.format(value)];
  });
}

export function Counters({ store }: { store?: TraceStore }) {
  const { stats } = useTrace(store);
  return (
    <section className="counters" aria-label="Counters">
      <h2>Counters</h2>
      <dl>
        {COUNTERS.map((counter) => {
          const value = counter.value(stats);
          return (
            <div
              key={counter.name}
              className="counter"
              data-testid={`counter-${counter.name}`}
              data-value={value ?? 0}
              title={counter.hint}
            >
              <dt>{counter.label}</dt>
              <dd>{value === null ? '—' : counter.format(value)}</dd>
            </div>
          );
        })}
      </dl>
      <ClockNote />
      <p className="counters__note">
        Bytes:{' '}
        {stats.bytesObserver === 'server'
          ? `as the server counted them on its sockets — headers ${stats.bytesDown.header + stats.bytesUp.header} B, payload ${stats.bytesDown.payload + stats.bytesUp.payload} B.`
          : "the browser's own view (payloads exactly; header sizes where the browser reports them)."}
      </p>
    </section>
  );
}
