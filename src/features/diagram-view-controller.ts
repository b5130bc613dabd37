import {
  follow,
  isFollowing,
  pause,
  sameShown,
  type DiagramView,
  type DiagramViewSlice,
  type ShownWindow,
} from '../core';
import { compareStore } from '../store/compare-store';
import { playgroundDiagramView } from '../store/diagram-view-store';

/** A store that holds one diagram's view slice (the playground's own, compare mode's). */
export interface DiagramViewHolder {
  getState(): DiagramViewSlice;
  setState(patch: Partial<DiagramViewSlice>): void;
}

/**
 * Changes one diagram's view in its store: what the toolbar and the diagram
 * itself ask for, what the diagram drew last, and the `p` shortcut.
 */
export class DiagramViewController {
  constructor(private readonly store: DiagramViewHolder) {}

  setView(view: DiagramView): void {
    this.store.setState({ view });
  }

  /** The window the diagram drew (written only when it changed). */
  reportShown(shown: ShownWindow): void {
    if (!sameShown(this.store.getState().shown, shown)) this.store.setState({ shown });
  }

  /** Follows again, or holds the view where it is now. */
  togglePause(): void {
    const { view, shown } = this.store.getState();
    if (!isFollowing(view)) this.setView(follow(view));
    else if (shown) this.setView(pause(view, shown));
  }
}

export const playgroundViewController = new DiagramViewController(playgroundDiagramView);
export const compareViewController = new DiagramViewController(compareStore);
