import './offline.css';

/** The sentence at the top of every screen while the simulation plays the server. */
export const OFFLINE_BANNER =
  'Offline: the server is simulated in this tab — traffic never leaves the browser';

/** Shown over the page (presenter mode too) for as long as the page runs offline. */
export function OfflineBanner() {
  return (
    <p className="offline-banner" role="status" data-testid="offline-banner">
      {OFFLINE_BANNER}
    </p>
  );
}
