import { useEffect } from 'react';
import { SCALE_RECEIVERS, SCALE_SENDER } from '../../store/scale-store';
import { NeedsServer } from '../offline/NeedsServer';
import { NEEDS_SERVER_WHY } from '../offline/needs-server';
import { useOffline } from '../offline/offline-mode';
import { HashRingView } from './HashRingView';
import { RegistryTable } from './RegistryTable';
import { ScaleCounters } from './ScaleCounters';
import { ScaleDiagram } from './ScaleDiagram';
import { ScaleRun } from './ScaleRun';
import { scaleController } from './scale-controller';
import { TopologyPanel } from './TopologyPanel';
import { useScale } from './use-scale';

/** The hash ring of the running topology (or of the form's gateways before it starts). */
function RingPanel() {
  const topology = useScale((s) => s.topology);
  const registry = useScale((s) => s.registry);
  const count = useScale((s) => s.choice.gateways);
  const policy = useScale((s) => s.topology?.policy ?? s.choice.policy);
  const gateways =
    topology?.gateways ??
    Array.from({ length: count }, (_, i) => ({ name: `gateway-${i + 1}`, port: 0, up: true }));
  const users = [
    ...new Set([
      SCALE_SENDER,
      ...SCALE_RECEIVERS,
      ...registry.flatMap((e) => (e.user === null ? [] : [e.user])),
    ]),
  ];
  return (
    <section className="scale-panel" aria-label="Hash ring panel">
      <h2>Hash ring</h2>
      {policy !== 'consistent-hash' && (
        <p className="scale__hint" data-testid="ring-not-in-use">
          The balancer routes by another policy now: the ring shows where consistent hashing would
          send each user.
        </p>
      )}
      <HashRingView gateways={gateways} users={users} />
    </section>
  );
}

/** What the Scaling lab is about, over its controls (and in place of them offline). */
function ScaleIntro() {
  return (
    <p className="scale__intro">
      Many gateways behind one balancer, a broker between them. A socket, a stream or a held poll is
      tied to the gateway that holds it: when Alice and Bob land on different gateways, her message
      must cross through the broker to reach him.
    </p>
  );
}

/**
 * The Scaling lab: a topology of gateways behind a balancer with a broker
 * between them, a run of Alice, Bob and Carol through the balancer, and what
 * it shows — the diagram, the connection registry, the hash ring, the counters.
 * Offline there are no gateways to start: it says so, and asks the server nothing.
 */
export function ScaleScreen() {
  const offline = useOffline();
  if (offline)
    return (
      <div className="scale" data-testid="scale-view">
        <div className="scale__controls">
          <ScaleIntro />
          <NeedsServer why={NEEDS_SERVER_WHY.scale} />
        </div>
      </div>
    );
  return <ScaleLab />;
}

function ScaleLab() {
  const notice = useScale((s) => s.notice);
  const noticeCode = useScale((s) => s.noticeCode);
  useEffect(() => {
    void scaleController.refresh();
    return () => scaleController.leave();
  }, []);
  return (
    <div className="scale" data-testid="scale-view">
      <div className="scale__controls">
        <ScaleIntro />
        {notice && (
          <p
            className="notice"
            role="status"
            aria-live="polite"
            data-testid="scale-notice"
            data-code={noticeCode ?? undefined}
          >
            {notice}
          </p>
        )}
        <TopologyPanel />
        <ScaleRun />
      </div>
      <div className="scale__stage">
        <ScaleDiagram height={620} />
      </div>
      <div className="scale__measures">
        <ScaleCounters />
        <RegistryTable />
        <RingPanel />
      </div>
    </div>
  );
}
