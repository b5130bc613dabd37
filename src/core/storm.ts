/**
 * The reconnection-storm experiment as `POST /api/storm` answers it: the
 * server runs it (server/storm.ts), the lesson draws it (src/features/storm).
 */
export interface StormSettings {
  clients: number;
  baseMs: number;
  capMs: number;
  downForMs: number;
  seed: number;
}

/** One run: every client reconnecting with the same policy, jitter off or on. */
export interface StormRun {
  jitter: boolean;
  /** Requests that reached the listener in each 100 ms after the restart: [0, 100), [100, 200), … up to the last one. */
  arrivalsPer100ms: number[];
  /**
   * The peak load the run caused: the most requests that arrived within any
   * 100 ms (a sliding window, so a burst that straddles two bins counts whole).
   */
  peakPer100ms: number;
  /** Where that window starts, in ms after the restart (the first such window if several tie). */
  peakAtMs: number;
  /** Requests the listener received (every attempt of every client). */
  requests: number;
  /** Of those, answered 503 because the server was still "restarting". */
  refused: number;
  /** Attempts that ended without any HTTP answer (a reset or refused socket); retried like a 503. */
  failed: number;
  /** Clients that got their 200. */
  connected: number;
  /** When the last client got its 200, in ms after the restart; null if none did. */
  lastConnectedMs: number | null;
  /** The most attempts one client made. */
  maxAttempts: number;
  /** Wall time of the run, from the restart until every socket was closed. */
  durationMs: number;
  /** Whether the run was cut at the time limit before every client was connected. */
  timedOut: boolean;
  /**
   * The most an attempt started after its planned time, in ms: how far the
   * simulation itself fell behind (a few ms when the machine is idle; when it
   * is busy, a burst is smeared by this much, and the peak is lower than real).
   */
  lateMs: number;
}

export interface StormResult extends StormSettings {
  binMs: number;
  /** The time limit of each run, in ms. */
  runLimitMs: number;
  /** Jitter off, then jitter on. */
  runs: [StormRun, StormRun];
}
