import { createStore } from 'zustand/vanilla';
import {
  DEFAULT_CHANNEL,
  type Message,
  type PresetId,
  type SendPattern,
  type Technique,
  DEFAULT_KNOBS,
  type Knobs,
} from '../core';

/** Messages kept per receiver's inbox on screen. */
export const INBOX_SIZE = 5;
export const MAX_RECEIVERS = 8;
export const MAX_AUTO_RATE = 10;
/** Seeds are unsigned 32-bit integers (the generator's whole state). */
export const MAX_SEED = 0xffff_ffff;

/**
 * Where the playground is: stopped, running live traffic, or replaying a
 * recording — never running and replaying at once.
 */
export type LabRun =
  | { running: false; replaying: false }
  | { running: true; replaying: false }
  | { running: false; replaying: true };

/** What moves the playground from one `LabRun` to the next. */
export type LabRunEvent =
  /** Start pressed (refused while a recording is replayed). */
  | 'start'
  /** The live run stopped. */
  | 'stop'
  /** A recording was loaded: the live run is over, the page shows the recording. */
  | 'replay'
  /** The replay ended: back to the page's own, stopped. */
  | 'live';

const STOPPED: LabRun = { running: false, replaying: false };
const RUNNING: LabRun = { running: true, replaying: false };
const REPLAYING: LabRun = { running: false, replaying: true };

/** The one transition function of `LabRun`: the run after `event` (spread it into a `setState`). */
export function labRunAfter(run: LabRun, event: LabRunEvent): LabRun {
  switch (event) {
    case 'start':
      return run.replaying ? REPLAYING : RUNNING;
    case 'stop':
      return run.replaying ? REPLAYING : STOPPED;
    case 'replay':
      return REPLAYING;
    case 'live':
      return STOPPED;
  }
}

/** The playground's settings and what the page shows about the run (not the trace: that is trace-store). */
export type LabState = LabSettings & LabRun;

interface LabSettings {
  technique: Technique;
  channel: string;
  knobs: Knobs;
  sender: string;
  receivers: string[];
  /** Automatic sends per second from the sender; 0 is off. */
  autoRate: number;
  /** When the automatic sends go: at random (Poisson) times, or steadily every 1/rate s. */
  autoPattern: SendPattern;
  /** Seed of the random pattern: the same seed and rate give the same gaps, run after run. */
  autoSeed: number;
  /** The last few messages each receiver got, newest first. */
  inboxes: Record<string, Message[]>;
  /** A polite sentence about the last thing that went wrong (bad input, a refused send). */
  notice: string | null;
  /** Seq of the step open in the inspector. */
  inspected: number | null;
  /** The preset loaded last (its knobs and participants may have been changed since). */
  preset: PresetId | null;
  /** Messages the server originates during a run (a preset's ticker, progress, readings); null: none. */
  serverSource: { ratePerSecond: number; from: string; type: string } | null;
  /** The page's estimate of the server's clock (server ≈ page + offsetMs), from the observer's sync exchanges. */
  clock: { offsetMs: number; uncertaintyMs: number; samples: number } | null;
}

export function initialLabState(search = ''): LabState {
  const params = new URLSearchParams(search);
  const channel = params.get('channel');
  return {
    technique: 'short-poll',
    channel: channel && /^[a-z0-9-]{1,64}$/.test(channel) ? channel : DEFAULT_CHANNEL,
    knobs: { ...DEFAULT_KNOBS },
    sender: 'alice',
    receivers: ['bob'],
    ...STOPPED,
    autoRate: 0,
    autoPattern: 'random',
    autoSeed: 1,
    inboxes: {},
    notice: null,
    inspected: null,
    clock: null,
    preset: null,
    serverSource: null,
  };
}

export function receiveInto(
  inboxes: Record<string, Message[]>,
  receiver: string,
  message: Message,
): Record<string, Message[]> {
  return { ...inboxes, [receiver]: [message, ...(inboxes[receiver] ?? [])].slice(0, INBOX_SIZE) };
}

export const labStore = createStore<LabState>(() =>
  initialLabState(typeof location === 'undefined' ? '' : location.search),
);
