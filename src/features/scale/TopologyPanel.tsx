import { BALANCER_POLICIES, type BalancerPolicy } from '../../core/balancer';
import { connectionsPerGateway } from '../../core/scale-stats';
import type { GatewayView, TopologyView } from '../../store/scale-store';
import { GATEWAY_RANGE, scaleController } from './scale-controller';
import { gatewayColour } from './gateway-colours';
import { useScale } from './use-scale';

/** What each policy is called on screen. */
export const POLICY_LABELS: Record<BalancerPolicy, string> = {
  'round-robin': 'Round-robin',
  'least-connections': 'Least connections',
  sticky: 'Sticky by user',
  'consistent-hash': 'Consistent hashing',
  'l7-no-upgrade': 'Layer 7 without WebSocket support',
};

/** One line on what each policy does, shown under the switch. */
const POLICY_HINTS: Record<BalancerPolicy, string> = {
  'round-robin': 'Each new request or connection goes to the next gateway up.',
  'least-connections': 'Each new connection goes to the gateway holding the fewest.',
  sticky: 'A user stays on the gateway they first landed on while it is up.',
  'consistent-hash':
    'A user goes to the first gateway point clockwise from their place on the ring.',
  'l7-no-upgrade':
    'Forwards HTTP but drops the Upgrade: WebSockets cannot open and fall back to long polling.',
};

/** Gateways, policy and broker; Start topology / Stop topology. */
function TopologyForm() {
  const choice = useScale((s) => s.choice);
  const phase = useScale((s) => s.phase);
  const busy = useScale((s) => s.busy);
  const fixed = phase !== 'none';
  return (
    <div className="scale-form">
      <div className="knob">
        <label htmlFor="scale-gateways">Gateways</label>
        <select
          id="scale-gateways"
          value={choice.gateways}
          disabled={fixed}
          onChange={(e) => scaleController.choose({ gateways: Number(e.target.value) })}
        >
          {[2, 3, 4, 5]
            .filter((n) => n >= GATEWAY_RANGE.min && n <= GATEWAY_RANGE.max)
            .map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
        </select>
      </div>
      <div className="knob">
        <label htmlFor="scale-policy">Policy</label>
        <select
          id="scale-policy"
          value={choice.policy}
          disabled={busy || phase === 'starting' || phase === 'stopping'}
          onChange={(e) => scaleController.choose({ policy: e.target.value as BalancerPolicy })}
        >
          {BALANCER_POLICIES.map((p) => (
            <option key={p} value={p}>
              {POLICY_LABELS[p]}
            </option>
          ))}
        </select>
      </div>
      <p className="scale__hint">{POLICY_HINTS[choice.policy]}</p>
      <div className="knob">
        <label htmlFor="scale-broker">Broker</label>
        <select
          id="scale-broker"
          value={choice.broker}
          disabled={fixed}
          onChange={(e) => scaleController.choose({ broker: e.target.value as 'memory' | 'redis' })}
        >
          <option value="memory">Memory (in the lab)</option>
          <option value="redis">Redis</option>
        </select>
      </div>
      <div className="scale__buttons">
        {phase === 'running' || phase === 'stopping' ? (
          <button
            type="button"
            disabled={phase === 'stopping'}
            onClick={() => void scaleController.stopTopology()}
          >
            Stop topology
          </button>
        ) : (
          <button
            type="button"
            disabled={phase === 'starting'}
            onClick={() => void scaleController.startTopology()}
          >
            Start topology
          </button>
        )}
      </div>
    </div>
  );
}

function GatewayRow({
  gateway,
  open,
  last,
}: {
  gateway: GatewayView;
  open: number;
  last: boolean;
}) {
  const busy = useScale((s) => s.busy);
  return (
    <li className="scale-gateway" data-testid={`gateway-${gateway.name}`} data-up={gateway.up}>
      <span className="swatch" style={{ background: gatewayColour(gateway.name) }} />
      <strong>{gateway.name}</strong>
      <span className={gateway.up ? 'scale-gateway__up' : 'scale-gateway__down'}>
        {gateway.up ? 'up' : 'down'}
      </span>
      <span
        data-testid={`gateway-open-${gateway.name}`}
        data-value={open}
        title="open connections (from the registry)"
      >
        {open} open
      </span>
      <span className="scale-gateway__actions">
        {gateway.up ? (
          <button
            type="button"
            aria-label={`Kill ${gateway.name}`}
            disabled={busy}
            onClick={() => void scaleController.kill(gateway.name)}
          >
            Kill
          </button>
        ) : (
          <button
            type="button"
            aria-label={`Restart ${gateway.name}`}
            disabled={busy}
            onClick={() => void scaleController.restart(gateway.name)}
          >
            Restart
          </button>
        )}
        <button
          type="button"
          aria-label={`Remove ${gateway.name}`}
          disabled={busy || last}
          onClick={() => void scaleController.removeGateway(gateway.name)}
        >
          Remove
        </button>
      </span>
    </li>
  );
}

/** Broker down / up (the fan-out), and Broker off (no broker at all), pressed while off. */
function BrokerButtons({ topology, busy }: { topology: TopologyView; busy: boolean }) {
  return (
    <>
      {topology.brokerUp ? (
        <button
          type="button"
          disabled={busy}
          onClick={() => void scaleController.setBrokerUp(false)}
        >
          Broker down
        </button>
      ) : (
        <button
          type="button"
          disabled={busy}
          onClick={() => void scaleController.setBrokerUp(true)}
        >
          Broker up
        </button>
      )}
      <button
        type="button"
        aria-pressed={topology.brokerOff}
        disabled={busy}
        onClick={() => void scaleController.setBrokerOff(!topology.brokerOff)}
      >
        Broker off
      </button>
    </>
  );
}

/** While a topology runs: each gateway with its state and buttons, Add gateway, the broker's switch. */
function RunningTopology() {
  const topology = useScale((s) => s.topology);
  const registry = useScale((s) => s.registry);
  const moved = useScale((s) => s.moved);
  const busy = useScale((s) => s.busy);
  if (!topology) return null;
  const open = connectionsPerGateway(
    registry,
    topology.gateways.map((g) => g.name),
  );
  return (
    <div className="scale-running" data-testid="scale-topology">
      <p className="scale__hint">
        Balancer on port <span data-testid="balancer-port">{topology.balancerPort}</span>; broker{' '}
        {topology.broker} is{' '}
        <strong
          data-testid="broker-state"
          data-value={topology.brokerOff ? 'off' : topology.brokerUp ? 'up' : 'down'}
        >
          {topology.brokerOff ? 'off' : topology.brokerUp ? 'up' : 'down'}
        </strong>
        {topology.brokerOff
          ? ': no broker at all, so a message reaches only the clients of the gateway that took it'
          : topology.brokerUp
            ? ''
            : ': messages reach only the gateway that took them, the others catch up from the history when it is back'}
        .
      </p>
      <ul className="scale-gateways" aria-label="Gateways">
        {topology.gateways.map((g) => (
          <GatewayRow
            key={g.name}
            gateway={g}
            open={open.get(g.name) ?? 0}
            last={topology.gateways.length <= 1}
          />
        ))}
      </ul>
      <div className="scale__buttons">
        <button
          type="button"
          disabled={busy || topology.gateways.length >= GATEWAY_RANGE.max}
          onClick={() => void scaleController.addGateway()}
        >
          Add gateway
        </button>
        <BrokerButtons topology={topology} busy={busy} />
      </div>
      {moved && (
        <p
          className="scale__moved"
          data-testid="users-moved"
          data-value={moved.moved}
          data-total={moved.total}
        >
          {moved.change}
        </p>
      )}
    </div>
  );
}

/** The topology: the form, then (while it runs) its gateways and the broker. */
export function TopologyPanel() {
  return (
    <section className="scale-panel" aria-label="Topology">
      <h2>Topology</h2>
      <TopologyForm />
      <RunningTopology />
    </section>
  );
}
