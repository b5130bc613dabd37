import {
  bytesPerDelivery,
  formatLatency,
  TECHNIQUE_LABELS,
  overheadPerDelivery,
  receiveCostPerDelivery,
  receiveOverheadPerDelivery,
  sendCostPerMessage,
  type LatencyClock,
  type Stats,
} from '../../core';
import type { TraceStore } from '../../store/trace-store';
import { NEEDS_SERVER, NEEDS_SERVER_WHY } from '../offline/needs-server';
import { useSimulated } from '../offline/use-simulated';
import { useLab, useTrace } from './store-hooks';

/** What a counter's text may depend on besides its value: the clocks its latencies were timed on. */
interface CounterContext {
  clock: LatencyClock;
}

interface Counter {
  name: string;
  label: string;
  value: (s: Stats) => number | null;
  format: (v: number, context: CounterContext) => string;
  hint: string | ((context: CounterContext) => string);
  /** The least `data-value` can be: a latency is never below 0, whatever the clocks' offset gave. */
  floor?: number;
  /** A figure only the lab server can give: a simulated trace shows "needs the lab server" and no `data-value`. */
  needsServer?: boolean;
}

const count = (v: number) => v.toLocaleString('en');
const bytes = (v: number) => (v < 10_000 ? `${Math.round(v)} B` : `${(v / 1024).toFixed(1)} KiB`);
const millis = (v: number, { clock }: CounterContext) => formatLatency(v, clock);
const percent = (v: number) => `${(v * 100).toFixed(0)} %`;

/** The counters the README's conventions name, each with `data-testid="counter-<name>"` and its raw number in `data-value`. */
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
    name: 'receive-per-message',
    label: 'Receiving cost / message',
    value: receiveCostPerDelivery,
    format: bytes,
    hint: "the receivers' bytes both ways (their requests and all that reached them), per delivered message",
  },
  {
    name: 'receive-overhead-per-message',
    label: 'Receiving overhead / message',
    value: receiveOverheadPerDelivery,
    format: bytes,
    hint: "the receiving cost less the messages' own JSON: headers, empty polls, framing, heartbeats",
  },
  {
    name: 'send-per-message',
    label: 'Sending cost / message',
    value: sendCostPerMessage,
    format: bytes,
    hint: "the sender's bytes both ways (its publishes and their answers, or its socket), per message it published",
  },
  {
    name: 'bytes-per-message',
    label: 'Bytes / message',
    value: bytesPerDelivery,
    format: bytes,
    hint: "every byte both ways per delivered message, the sender's uploads added to the receivers' bytes",
  },
  {
    name: 'overhead-per-message',
    label: 'Overhead / message',
    value: overheadPerDelivery,
    format: bytes,
    hint: "the same less the messages' own JSON: headers, empty polls, framing, heartbeats, the sender's included",
  },
  {
    name: 'latency-p50',
    floor: 0,
    label: 'Latency p50',
    value: (s) => s.latency.p50,
    format: millis,
    hint: ({ clock }) =>
      clock.acrossClocks
        ? "from the server's publish (moved onto this page's clock) to a receiver's receipt; near the clock's ± it is shown as an upper bound"
        : "Alice's Send to a receiver's receipt, on this page's clock",
  },
  {
    name: 'latency-p95',
    floor: 0,
    label: 'Latency p95',
    value: (s) => s.latency.p95,
    format: millis,
    hint: '95 % of deliveries were this fast or faster',
  },
  {
    name: 'latency-max',
    floor: 0,
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
    needsServer: true,
  },
  {
    name: 'reconnects',
    label: 'Reconnects',
    value: (s) => s.reconnects,
    format: count,
    hint: 'connections opened again after a failure',
  },
];

/** The server's clock against the page's, as the sync exchanges measured it (a simulated server has none of its own). */
function ClockNote({ simulated }: { simulated: boolean }) {
  const clock = useLab((s) => s.clock);
  if (simulated)
    return (
      <p className="counters__note" data-testid="clock-offset">
        {NEEDS_SERVER_WHY.clock}
      </p>
    );
  if (!clock) return null;
  const sign = clock.offsetMs >= 0 ? '+' : '−';
  const offset = `${sign}${Math.abs(clock.offsetMs).toFixed(1)} ms ± ${clock.uncertaintyMs.toFixed(1)} ms`;
  // A recording keeps the estimate it was exported with, not the exchanges behind it.
  if (clock.samples === 0)
    return (
      <p className="counters__note" data-testid="clock-offset" data-value={clock.offsetMs}>
        Server clock, as recorded: {offset} from the recording page&apos;s.
      </p>
    );
  return (
    <p className="counters__note" data-testid="clock-offset" data-value={clock.offsetMs}>
      Server clock: {offset} from this page&apos;s (best of {clock.samples} sync exchanges); server
      steps are shifted onto the page&apos;s clock.
    </p>
  );
}

/** The clocks the run's latencies were timed on. */
function counterContext(stats: Stats, uncertaintyMs: number | null): CounterContext {
  return { clock: { acrossClocks: stats.latency.acrossClocks > 0, uncertaintyMs } };
}

/** A counter's value as shown: formatted, or a dash when there is none yet. */
function shownValue(value: number | null, counter: Counter, context: CounterContext): string {
  return value === null ? '—' : counter.format(value, context);
}

/** The counters as label and shown value (exports print them under the diagram). */
export function counterLines(
  stats: Stats,
  uncertaintyMs: number | null,
  simulated = false,
): Array<[string, string]> {
  const context = counterContext(stats, uncertaintyMs);
  return COUNTERS.map((counter) => [
    counter.label,
    simulated && counter.needsServer
      ? NEEDS_SERVER
      : shownValue(counter.value(stats), counter, context),
  ]);
}

/** One counter: its label, its shown value and its raw number in `data-value` (none where it needs the lab server). */
function CounterRow({
  counter,
  stats,
  context,
  simulated,
}: {
  counter: Counter;
  stats: Stats;
  context: CounterContext;
  simulated: boolean;
}) {
  const hint = typeof counter.hint === 'string' ? counter.hint : counter.hint(context);
  if (simulated && counter.needsServer)
    return (
      <div
        className="counter counter--needs-server"
        data-testid={`counter-${counter.name}`}
        title={`${hint}: ${NEEDS_SERVER_WHY.httpInUse}`}
      >
        <dt>{counter.label}</dt>
        <dd>{NEEDS_SERVER}</dd>
      </div>
    );
  const value = counter.value(stats);
  return (
    <div
      className="counter"
      data-testid={`counter-${counter.name}`}
      data-value={value === null ? 0 : Math.max(counter.floor ?? -Infinity, value)}
      title={hint}
    >
      <dt>{counter.label}</dt>
      <dd>{shownValue(value, counter, context)}</dd>
    </div>
  );
}

/** Where the byte counts come from: the server's sockets, the simulation, or the browser's estimate. */
function bytesSource(stats: Stats, simulated: boolean): string {
  if (stats.bytesObserver === 'server' && simulated)
    return `Bytes are the simulated server's count, worked out in this tab from what each step carried: nothing crossed a wire (headers ${stats.bytesDown.header + stats.bytesUp.header} B, payload ${stats.bytesDown.payload + stats.bytesUp.payload} B).`;
  return stats.bytesObserver === 'server'
    ? `Bytes are the server's count on its sockets: what was on the wire (headers ${stats.bytesDown.header + stats.bytesUp.header} B, payload ${stats.bytesDown.payload + stats.bytesUp.payload} B). The inspector also shows the browser's estimate.`
    : "Bytes are the browser's own estimate, as the server's count is not connected: the browser cannot see request headers and gives response headers as a flat 300 B.";
}

/** The counters of the current run: everything since the last Start or technique switch. */
export function Counters({ store }: { store?: TraceStore }) {
  const { stats, setup, segmentStart } = useTrace(store);
  const uncertaintyMs = useLab((s) => s.clock?.uncertaintyMs ?? null);
  const simulated = useSimulated(store);
  const context = counterContext(stats, uncertaintyMs);
  return (
    <section className="counters" aria-label="Counters">
      <h2>Counters</h2>
      {setup && segmentStart > 0 && (
        <p className="counters__note" data-testid="counters-run">
          Counting the run since {setup.reason === 'switch' ? 'the switch to' : 'the start of'}{' '}
          {TECHNIQUE_LABELS[setup.technique]}; the log and the diagram keep the earlier runs.
        </p>
      )}
      <dl>
        {COUNTERS.map((counter) => (
          <CounterRow
            key={counter.name}
            counter={counter}
            stats={stats}
            context={context}
            simulated={simulated}
          />
        ))}
      </dl>
      <ClockNote simulated={simulated} />
      <p className="counters__note" data-testid="bytes-source" data-source={stats.bytesObserver}>
        {bytesSource(stats, simulated)} Receiving and sending cost split them by whose connection
        carried them.
      </p>
    </section>
  );
}
