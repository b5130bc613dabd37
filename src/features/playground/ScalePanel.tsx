import { useState } from 'react';
import { measureRun, modelledCost, projectScale, sideTotal, type PerClientCost } from '../../core';
import type { TraceStore } from '../../store/trace-store';
import { useLab, useTrace } from './store-hooks';

const USERS = [1_000, 10_000, 100_000, 1_000_000, 10_000_000];

const number = (value: number) =>
  value >= 100 ? Math.round(value).toLocaleString('en') : value.toFixed(1);

/**
 * Projects one receiver's cost to N users, twice: from the model (the knobs and
 * the rate Alice sent at) and from what this run measured per receiver.
 */
export function ScalePanel({ store }: { store?: TraceStore }) {
  const [users, setUsers] = useState(1_000_000);
  const technique = useLab((s) => s.technique);
  const knobs = useLab((s) => s.knobs);
  const receivers = useLab((s) => s.receivers);
  const { stats, events, segmentStart } = useTrace(store);
  // This run only (since its Start or technique switch), and only the receivers' side of it.
  const run = measureRun(events, receivers, segmentStart);
  const seconds = run.durationMs / 1000;
  const bytesPerRequest =
    run.receiverRequests > 0 ? sideTotal(stats.receiveBytes) / run.receiverRequests : 0;
  const model = projectScale(
    modelledCost(technique, knobs, run.publishRate, bytesPerRequest, run.bytesDownPerDelivery ?? 0),
    users,
  );
  const measuredCost: PerClientCost | null =
    seconds > 1 && receivers.length > 0
      ? {
          requestsPerSecond: run.requestsPerReceiverPerSecond,
          bytesPerSecond:
            (stats.receiveBytes.down.header + stats.receiveBytes.down.payload) /
            seconds /
            receivers.length,
          openConnections: stats.openConnections / receivers.length,
        }
      : null;
  const measured = measuredCost ? projectScale(measuredCost, users) : null;
  const rows: Array<[string, number, number | null]> = [
    ['requests / s', model.requestsPerSecond, measured?.requestsPerSecond ?? null],
    ['bandwidth, Mbit/s', model.megabitsPerSecond, measured?.megabitsPerSecond ?? null],
    ['connections held open', model.openConnections, measured?.openConnections ?? null],
  ];
  return (
    <section className="theory scale" aria-label="Scale" data-testid="scale">
      <h2>At scale</h2>
      <label>
        Users{' '}
        <select value={users} onChange={(e) => setUsers(Number(e.target.value))}>
          {USERS.map((n) => (
            <option key={n} value={n}>
              {n.toLocaleString('en')}
            </option>
          ))}
        </select>
      </label>
      <table>
        <thead>
          <tr>
            <th scope="col">server load</th>
            <th scope="col">model</th>
            <th scope="col">this run × users</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([what, fromModel, fromRun]) => (
            <tr key={what}>
              <th scope="row">{what}</th>
              <td>{number(fromModel)}</td>
              <td>{fromRun === null ? '—' : number(fromRun)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="theory__note">
        The model uses the knobs, the rate Alice sent at and a receiver&apos;s bytes per exchange in
        this run; the last column multiplies what one receiver cost in this run.
      </p>
    </section>
  );
}
