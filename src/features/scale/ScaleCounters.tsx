import { formatLatency } from '../../core';
import type { LatencyStats, Stats } from '../../core/stats';
import type { ScaleStats } from '../../core/scale-stats';
import { connectionsPerGateway } from '../../core/scale-stats';
import { useScale, useScaleStats, useScaleTrace } from './use-scale';

interface Shown {
  name: string;
  label: string;
  value: number | null;
  text: string;
  hint: string;
}

const latency = (v: number | null) =>
  v === null ? '—' : formatLatency(v, { acrossClocks: false, uncertaintyMs: null });

function latencyCounters(
  prefix: string,
  label: string,
  stats: LatencyStats,
  hint: string,
): Shown[] {
  return [
    {
      name: `${prefix}-p50`,
      label: `${label} p50`,
      value: stats.p50,
      text: latency(stats.p50),
      hint,
    },
    {
      name: `${prefix}-p95`,
      label: `${label} p95`,
      value: stats.p95,
      text: latency(stats.p95),
      hint,
    },
  ];
}

/** The Scaling lab's counters for the run: crossings, the broker's load, latency on one gateway and across two. */
export function ScaleCounters() {
  const registry = useScale((s) => s.registry);
  const gateways = useScale((s) => s.topology?.gateways);
  const open = connectionsPerGateway(registry, gateways?.map((g) => g.name) ?? []);
  const counters = [
    ...shownCounters(useScaleStats(), useScaleTrace().stats),
    ...[...open].map(([name, count]): Shown => ({
      name: `open-${name}`,
      label: `Open on ${name}`,
      value: count,
      text: String(count),
      hint: `connections open through the balancer on ${name} (from the registry)`,
    })),
  ];
  return (
    <section className="counters scale-panel" aria-label="Scaling counters">
      <h2>Counters</h2>
      <dl>
        {counters.map((c) => (
          <div
            key={c.name}
            className="counter"
            data-testid={`counter-${c.name}`}
            data-value={c.value === null ? 0 : Math.max(0, c.value)}
            title={c.hint}
          >
            <dt>{c.label}</dt>
            <dd>{c.text}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function shownCounters(stats: ScaleStats, run: Stats): Shown[] {
  return [
    {
      name: 'cross-gateway',
      label: 'Cross-gateway deliveries',
      value: stats.crossGateway,
      text: String(stats.crossGateway),
      hint: 'messages a receiver got from another gateway than the one that took them: they crossed through the broker',
    },
    {
      name: 'same-gateway',
      label: 'Same-gateway deliveries',
      value: stats.sameGateway,
      text: String(stats.sameGateway),
      hint: 'messages a receiver got from the gateway that took them',
    },
    {
      name: 'broker-messages',
      label: 'Broker messages',
      value: stats.brokerMessages,
      text: String(stats.brokerMessages),
      hint: 'messages the broker carried between gateways',
    },
    {
      name: 'broker-bytes',
      label: 'Broker bytes',
      value: stats.brokerBytes,
      text: `${stats.brokerBytes} B`,
      hint: 'payload bytes the broker carried for them',
    },
    ...latencyCounters(
      'latency-one',
      'One gateway',
      stats.latencyOneGateway,
      'Send to delivery, sender and receiver on the same gateway',
    ),
    ...latencyCounters(
      'latency-across',
      'Across two',
      stats.latencyAcross,
      'Send to delivery, through the broker from one gateway to another',
    ),
    {
      name: 'delivered',
      label: 'Delivered',
      value: run.delivered,
      text: String(run.delivered),
      hint: 'messages received, each receiver’s copy once',
    },
    {
      name: 'duplicates',
      label: 'Duplicates',
      value: run.duplicates,
      text: String(run.duplicates),
      hint: 'copies a receiver had already',
    },
    {
      name: 'reconnects',
      label: 'Reconnects',
      value: run.reconnects,
      text: String(run.reconnects),
      hint: 'connections opened again after a failure',
    },
  ];
}
