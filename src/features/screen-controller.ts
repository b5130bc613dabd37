import { screenStore, type ScreenId } from '../store/screen-store';
import { compareController } from './compare/controller';
import { labController } from './playground/controller';
import { scaleController } from './scale/scale-controller';

/** Switches screens; a run on the screen being left stops (both would hold connections). */
export function switchScreen(screen: ScreenId): void {
  if (screenStore.getState().screen === screen) return;
  if (screen !== 'playground') void labController.stop();
  if (screen !== 'compare') compareController.stop();
  if (screen !== 'scale') scaleController.leave();
  screenStore.setState({ screen });
  const url = new URL(location.href);
  if (screen === 'playground') url.searchParams.delete('view');
  else url.searchParams.set('view', screen);
  history.replaceState(null, '', url);
}
