import { createStore } from 'zustand/vanilla';
import { initialDiagramViewSlice, type DiagramViewSlice } from '../core';

/**
 * The playground diagram's view: following or a fixed window, one row per
 * step or time to scale, receivers only. A store of its own, so that the
 * toolbar, the overview, the shortcuts and the exports all read one value
 * (compare mode keeps the same slice in its store).
 */
export const playgroundDiagramView = createStore<DiagramViewSlice>(() => initialDiagramViewSlice());
