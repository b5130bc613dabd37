import { OFFLINE_PARAM } from './offline-mode';
import './offline.css';

/** The same address without `offline=1`: the lab on its server. */
function onlineHref(href: string): string {
  const url = new URL(href);
  url.searchParams.delete(OFFLINE_PARAM);
  return url.href;
}

/**
 * In place of the lab when the simulation could not start: what went wrong,
 * what offline mode needs, and (when a link asked for it) the way back to the
 * lab server.
 */
export function SimulationFailed({ reason, viaLink }: { reason: string; viaLink: boolean }) {
  return (
    <main className="simulation-failed" role="alert" data-testid="simulation-failed">
      <h1>Realtime Lab</h1>
      <p>
        The simulated server could not start in this tab, so the lab cannot run offline:{' '}
        {/[.!?]$/.test(reason) ? reason : `${reason}.`}
      </p>
      <p>
        Offline mode runs the server in a service worker, which a browser allows only on a page
        served over https or from localhost (not opened as a file), and only where service workers
        are not turned off.
      </p>
      {viaLink && (
        <p>
          <a href={onlineHref(location.href)}>Open the lab on its server instead</a>
        </p>
      )}
    </main>
  );
}
