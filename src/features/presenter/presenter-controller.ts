import { presenterStore } from './presenter-store';

/** Presenter mode on or off (the header's toggle, the `f` key). */
export function togglePresenter(): void {
  presenterStore.setState((s) => ({ presenter: !s.presenter }));
}

/** The shortcuts list shown or hidden (the `?` button and key). */
export function toggleShortcutList(): void {
  presenterStore.setState((s) => ({ help: !s.help }));
}

export function closeShortcutList(): void {
  presenterStore.setState({ help: false });
}

/** Out of presenter mode, the shortcuts list closed (the tour shows the whole playground). */
export function leavePresenterMode(): void {
  presenterStore.setState({ presenter: false, help: false });
}
