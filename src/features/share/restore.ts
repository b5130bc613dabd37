import { labStore } from '../../store/lab-store';
import { screenStore } from '../../store/screen-store';
import { setFaults } from '../faults/faults-api';
import { keepOffline } from '../offline/offline-mode';
import { labController } from '../playground/controller';
import { readSetup, writeSetup } from './url-state';

/**
 * On load: sets the lab up from the link (a preset runs at once), then keeps
 * the address bar in step with the set-up, so that the page's own URL is
 * always a link that reproduces it.
 */
export async function restoreSetup(): Promise<void> {
  const setup = readSetup(location.search, labStore.getState());
  labStore.setState(setup.state);
  if (setup.problems.length > 0) labStore.setState({ notice: setup.problems.join(' ') });
  const sync = () => {
    // A replay shows the recording's set-up; the address keeps the page's own.
    if (labStore.getState().replaying) return;
    const query = keepOffline(writeSetup(labStore.getState(), screenStore.getState().screen, null));
    history.replaceState(null, '', `${location.pathname}${query}`);
  };
  labStore.subscribe(sync);
  screenStore.subscribe(sync);
  sync();
  if (setup.faults) {
    await setFaults(setup.faults).catch((error: unknown) =>
      labStore.setState({ notice: `The link's faults could not be set: ${String(error)}` }),
    );
  }
  if (setup.run && screenStore.getState().screen === 'playground') await labController.start();
}
