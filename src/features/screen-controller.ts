import { viewStore, type AppView } from '../store/view-store';
import { compareController } from './compare/controller';
import { labController } from './playground/controller';

/** Switches screens; a run on the screen being left stops (both would hold connections). */
export function switchView(view: AppView): void {
  if (viewStore.getState().view === view) return;
  if (view !== 'playground') void labController.stop();
  if (view !== 'compare') compareController.stop();
  viewStore.setState({ view });
  const url = new URL(location.href);
  if (view === 'playground') url.searchParams.delete('view');
  else url.searchParams.set('view', view);
  history.replaceState(null, '', url);
}
