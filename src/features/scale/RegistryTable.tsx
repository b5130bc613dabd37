import { TECHNIQUE_LABELS, type Technique } from '../../core';
import type { RegistryEntry } from '../../core/scale-stats';
import { gatewayColour } from './gateway-colours';
import { useScale } from './use-scale';

const techniqueLabel = (t: string | null): string =>
  t !== null && t in TECHNIQUE_LABELS ? TECHNIQUE_LABELS[t as Technique] : (t ?? '—');

/** Users first in name order, then the gateway, then the connection. */
function byUser(a: RegistryEntry, b: RegistryEntry): number {
  return (
    (a.user ?? '~').localeCompare(b.user ?? '~') ||
    a.gateway.localeCompare(b.gateway) ||
    (a.conn ?? '').localeCompare(b.conn ?? '')
  );
}

/** The balancer's connection registry, read every 500 ms: which user's connections are on which gateway. */
export function RegistryTable() {
  const registry = useScale((s) => s.registry);
  const phase = useScale((s) => s.phase);
  const rows = [...registry].sort(byUser);
  return (
    <section className="scale-panel" aria-label="Connection registry">
      <h2>Connection registry</h2>
      <table className="scale-registry" aria-label="Connection registry table">
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">Technique</th>
            <th scope="col">Gateway</th>
            <th scope="col">Conn</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((entry, i) => (
            <tr
              key={`${entry.conn ?? 'none'}-${entry.gateway}-${i}`}
              data-testid="registry-row"
              data-user={entry.user ?? ''}
              data-gateway={entry.gateway}
            >
              <td>{entry.user ?? '—'}</td>
              <td>{techniqueLabel(entry.technique)}</td>
              <td>
                <span className="swatch" style={{ background: gatewayColour(entry.gateway) }} />
                {entry.gateway}
              </td>
              <td className="scale-registry__conn">{entry.conn ?? '—'}</td>
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={4} className="scale__hint">
                {phase === 'running'
                  ? 'No connection is open through the balancer.'
                  : 'Start a topology: the registry lists every connection open through its balancer.'}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
