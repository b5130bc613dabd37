import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { forgetSimulationWorker } from './features/offline/forget-worker';
import { OfflineBanner } from './features/offline/OfflineBanner';
import { markOffline, offlineBuild, offlineRequested } from './features/offline/offline-mode';
import { ServerCheck } from './features/offline/ServerCheck';
import { SimulationFailed } from './features/offline/SimulationFailed';
import { restoreSetup } from './features/share/restore';
import './styles.css';

const root = createRoot(document.getElementById('root')!);

/** The lab, under the offline banner, or with the check that its server answers. */
function renderLab(offline: boolean): void {
  root.render(
    <StrictMode>
      {offline ? <OfflineBanner /> : <ServerCheck />}
      <App />
    </StrictMode>,
  );
  void restoreSetup();
}

/**
 * Offline mode: the simulation starts first, since msw replaces the page's
 * WebSocket and must do so before any transport opens one; then the lab. msw
 * is loaded only here, so it never ships in the normal bundle's main chunk.
 */
async function startOffline(): Promise<void> {
  const via = offlineBuild() ? 'build' : 'link';
  try {
    const { startSimulation } = await import('./mocks/browser');
    await startSimulation();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    root.render(<SimulationFailed reason={reason} viaLink={via === 'link'} />);
    return;
  }
  markOffline(via);
  renderLab(true);
}

if (offlineRequested()) void startOffline();
else {
  renderLab(false);
  // An earlier offline visit may have left msw's worker on this origin: the real lab goes without it.
  void forgetSimulationWorker().catch(() => undefined);
}
