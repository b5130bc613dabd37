import { createStore } from 'zustand/vanilla';
import type { BalancerPolicy } from '../core/balancer';
import type { MovedUsers, RegistryEntry } from '../core/scale-stats';
import {
  initialDiagramViewSlice,
  type DiagramViewSlice,
  type Message,
  type Technique,
} from '../core';
import { createTraceStore } from './trace-store';

/** What the topology form asks `POST /api/scale` for. */
export interface TopologyChoice {
  gateways: number;
  policy: BalancerPolicy;
  broker: 'memory' | 'redis';
}

/** A gateway as the screen shows it: the topology's entry. */
export interface GatewayView {
  name: string;
  port: number;
  up: boolean;
}

/** The topology the server answered with, as the screen keeps it. */
export interface TopologyView {
  balancerPort: number;
  gateways: GatewayView[];
  policy: BalancerPolicy;
  broker: 'memory' | 'redis';
  brokerUp: boolean;
  brokerOff: boolean;
}

/**
 * Where the topology is: none; being started (the POST is out); running; being
 * stopped (the DELETE is out). One state, moved only by the scale controller.
 */
export type TopologyPhase = 'none' | 'starting' | 'running' | 'stopping';

/** Where the run of participants through the balancer is. */
export type RunPhase = 'stopped' | 'starting' | 'running';

/** The last add or remove: what changed and how many users moved. */
export interface MovedView extends MovedUsers {
  change: string;
}

export interface ScaleState {
  choice: TopologyChoice;
  phase: TopologyPhase;
  topology: TopologyView | null;
  /** The connections open through the balancer (polled while a topology runs). */
  registry: RegistryEntry[];
  moved: MovedView | null;
  /** The last refusal or failure, in the server's words (null when the last action went through). */
  notice: string | null;
  /** The stable code of the refusal shown (RL_ERR_…), when it had one. */
  noticeCode: string | null;
  /** An action on the topology is out (its buttons wait for the answer). */
  busy: boolean;
  technique: Technique;
  run: RunPhase;
  /** The run's channel (a fresh one per run, so its broker steps are this page's). */
  channel: string | null;
  sender: string;
  receivers: string[];
  inboxes: Record<string, Message[]>;
  /** The step open in the inspector (its seq), or null. */
  inspected: number | null;
}

export const SCALE_SENDER = 'alice';
export const SCALE_RECEIVERS: readonly string[] = ['bob', 'carol'];
export const DEFAULT_CHOICE: TopologyChoice = {
  gateways: 3,
  policy: 'consistent-hash',
  broker: 'memory',
};

export function initialScaleState(): ScaleState {
  return {
    choice: { ...DEFAULT_CHOICE },
    phase: 'none',
    topology: null,
    registry: [],
    moved: null,
    notice: null,
    noticeCode: null,
    busy: false,
    technique: 'websocket',
    run: 'stopped',
    channel: null,
    sender: SCALE_SENDER,
    receivers: [...SCALE_RECEIVERS],
    inboxes: {},
    inspected: null,
  };
}

export const scaleStore = createStore<ScaleState>(() => initialScaleState());

/** The Scaling lab's own trace (the playground's is tied to its screen). */
export const scaleTrace = createTraceStore();

/** The Scaling lab diagram's view. */
export const scaleDiagramView = createStore<DiagramViewSlice>(() => initialDiagramViewSlice());
