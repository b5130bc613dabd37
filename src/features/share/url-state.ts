import {
  checkRange,
  DEFAULT_CHANNEL,
  KNOB_RANGES,
  presetById,
  BACKOFF_RANGES,
  isTechnique,
  type Preset,
  DEFAULT_KNOBS,
  type Knobs,
} from '../../core';
import { MAX_AUTO_RATE, MAX_RECEIVERS, MAX_SEED, type LabState } from '../../store/lab-store';
import { DEFAULT_PARTICIPANTS } from '../../transports/session';
import type { FaultRequest, FaultState } from '../faults/faults-api';

/** The knobs a link carries, each with its range (the jitter switch is `jitter=0|1`). */
const KNOB_PARAMS: Record<Exclude<keyof Knobs, 'backoffJitter'>, { min: number; max: number }> = {
  pollIntervalMs: KNOB_RANGES.pollInterval,
  longPollTimeoutMs: KNOB_RANGES.timeout,
  sseRetryMs: KNOB_RANGES.retry,
  sseHeartbeatMs: KNOB_RANGES.heartbeat,
  wsHeartbeatMs: KNOB_RANGES.heartbeat,
  backoffBaseMs: BACKOFF_RANGES.baseMs,
  backoffCapMs: BACKOFF_RANGES.capMs,
};

/** What a link sets up: the lab's settings, the faults to set on the server, and whether to run. */
export interface UrlSetup {
  state: Partial<LabState>;
  faults: FaultRequest | null;
  /** A preset link runs at once: one click to the demo. */
  run: boolean;
  /** A sentence per value that was not understood (and left at its default). */
  problems: string[];
}

/**
 * Everything a preset sets, and every other set-up value back at its default
 * (receivers, knobs, the auto-send rate, pattern and seed, the server's
 * messages): loading a preset never keeps something from the set-up before it.
 */
export function presetState(preset: Preset): Partial<LabState> {
  const source = preset.source;
  return {
    preset: preset.id,
    technique: preset.technique,
    knobs: { ...DEFAULT_KNOBS, ...preset.knobs },
    receivers: DEFAULT_PARTICIPANTS.slice(1, 1 + preset.receivers),
    autoRate: source.kind === 'sender' ? source.ratePerSecond : 0,
    autoPattern: 'random',
    autoSeed: 1,
    serverSource:
      source.kind === 'server'
        ? { ratePerSecond: source.ratePerSecond, from: source.from, type: source.type }
        : null,
  };
}

/**
 * The link that runs a preset from this page: `?preset=<id>`, keeping only
 * the page's channel (where it runs, not how): every other parameter of the
 * set-up before it is dropped, so the preset's own technique, knobs and
 * participants apply.
 */
export function presetLink(id: string, channel: string): string {
  const params = new URLSearchParams();
  if (channel !== DEFAULT_CHANNEL) params.set('channel', channel);
  params.set('preset', id);
  return `?${params.toString()}`;
}

/**
 * Reads a set-up from the page's query: `preset`, `technique`, `receivers`,
 * `rate`, `pattern`, `seed`, each knob by name (`pollIntervalMs=…`), `jitter`,
 * and faults (`latencyUp`, `latencyDown`, `blockWebSockets=1`). A preset comes
 * first; the other values override it.
 */
export function readSetup(search: string, base: LabState): UrlSetup {
  const params = new URLSearchParams(search);
  const problems: string[] = [];
  const state: Partial<LabState> = {};
  const number = (name: string, range: { min: number; max: number }, whole = true) => {
    const raw = params.get(name);
    if (raw === null) return undefined;
    const value = Number(raw);
    const problem = checkRange(name, raw.trim() === '' ? Number.NaN : value, range, { whole });
    if (problem) {
      problems.push(`${problem} (from the link; left as it was).`);
      return undefined;
    }
    return value;
  };

  let knobs: Knobs = { ...base.knobs };
  const presetParam = params.get('preset');
  const preset = presetParam === null ? undefined : presetById(presetParam);
  if (presetParam !== null && !preset)
    problems.push(`The link names no known preset ("${presetParam.slice(0, 40)}").`);
  let knobsSet = false;
  if (preset) {
    const setup = presetState(preset);
    knobs = setup.knobs ?? knobs;
    knobsSet = true;
    Object.assign(state, setup);
  }
  const serverRate = number('serverRate', { min: 0.1, max: 20 }, false);
  if (serverRate !== undefined && state.serverSource)
    state.serverSource = { ...state.serverSource, ratePerSecond: serverRate };
  const technique = params.get('technique');
  if (technique !== null) {
    if (isTechnique(technique)) state.technique = technique;
    else problems.push(`The link names no known technique ("${technique.slice(0, 40)}").`);
  }
  const receivers = number('receivers', { min: 1, max: MAX_RECEIVERS });
  if (receivers !== undefined) state.receivers = DEFAULT_PARTICIPANTS.slice(1, 1 + receivers);
  const rate = number('rate', { min: 0, max: MAX_AUTO_RATE }, false);
  if (rate !== undefined) state.autoRate = rate;
  const pattern = params.get('pattern');
  if (pattern === 'random' || pattern === 'steady') state.autoPattern = pattern;
  else if (pattern !== null) problems.push(`The link's pattern must be random or steady.`);
  const seed = number('seed', { min: 0, max: MAX_SEED });
  if (seed !== undefined) state.autoSeed = seed;
  for (const [key, range] of Object.entries(KNOB_PARAMS) as Array<
    [keyof typeof KNOB_PARAMS, { min: number; max: number }]
  >) {
    const value = number(key, range);
    if (value === undefined) continue;
    knobs = { ...knobs, [key]: value };
    knobsSet = true;
  }
  const jitter = params.get('jitter');
  if (jitter === '0' || jitter === '1') {
    knobs = { ...knobs, backoffJitter: jitter === '1' };
    knobsSet = true;
  }
  if (knobsSet) state.knobs = knobs;

  const up = number('latencyUp', { min: 0, max: 10_000 });
  const down = number('latencyDown', { min: 0, max: 10_000 });
  const block = params.get('blockWebSockets');
  const faults: FaultRequest = {};
  if (up !== undefined || down !== undefined)
    faults.latencyMs = {
      ...(up !== undefined ? { up } : {}),
      ...(down !== undefined ? { down } : {}),
    };
  if (block === '1' || block === '0') faults.blockWebSockets = block === '1';
  return {
    state,
    faults: Object.keys(faults).length > 0 ? faults : null,
    run: preset !== undefined,
    problems,
  };
}

/** The query that reproduces the set-up: only what differs from a fresh page, so links stay short. */
export function writeSetup(
  state: LabState,
  screen: string,
  faults: Pick<FaultState, 'latencyMs' | 'blockWebSockets'> | null,
): string {
  const params = new URLSearchParams();
  if (screen !== 'playground') params.set('view', screen);
  if (state.channel !== DEFAULT_CHANNEL) params.set('channel', state.channel);
  if (state.preset) params.set('preset', state.preset);
  params.set('technique', state.technique);
  if (state.receivers.length !== 1) params.set('receivers', String(state.receivers.length));
  if (state.autoRate > 0) params.set('rate', String(state.autoRate));
  if (state.serverSource) params.set('serverRate', String(state.serverSource.ratePerSecond));
  if (state.autoPattern !== 'random') params.set('pattern', state.autoPattern);
  if (state.autoSeed !== 1) params.set('seed', String(state.autoSeed));
  for (const key of Object.keys(KNOB_PARAMS) as Array<keyof typeof KNOB_PARAMS>) {
    if (state.knobs[key] !== DEFAULT_KNOBS[key]) params.set(key, String(state.knobs[key]));
  }
  if (state.knobs.backoffJitter !== DEFAULT_KNOBS.backoffJitter)
    params.set('jitter', state.knobs.backoffJitter ? '1' : '0');
  if (faults?.latencyMs.up) params.set('latencyUp', String(faults.latencyMs.up));
  if (faults?.latencyMs.down) params.set('latencyDown', String(faults.latencyMs.down));
  if (faults?.blockWebSockets) params.set('blockWebSockets', '1');
  const query = params.toString();
  return query ? `?${query}` : '';
}
