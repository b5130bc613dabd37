import type { Technique, Knobs } from '../../core';
import { TOLERANCE } from './theory';

/** A few sentences per technique, in our own words, with the current knob values filled in. */
export function explain(technique: Technique, knobs: Knobs): string[] {
  switch (technique) {
    case 'short-poll':
      return [
        `The browser asks the server for anything new on a timer — here ${knobs.pollIntervalMs} ms after each answer — and the server answers at once, usually with nothing.`,
        'Every poll is a whole HTTP request and response, headers included, so an idle channel still costs one round trip per interval per client: watch the empty counter climb.',
        `A message waits for the next poll: on average about half the interval (${Math.round(knobs.pollIntervalMs / 2)} ms here) plus the round trip.`,
      ];
    case 'long-poll':
      return [
        `The browser asks, and the server holds the request open until a message newer than the browser's last id exists or ${knobs.longPollTimeoutMs} ms pass; then it answers and the browser asks again at once.`,
        'A message is delivered about as soon as it is published, at the cost of one held connection per client and one whole HTTP request and response per answer — with data or after a timeout.',
        'A message published between an answer and the next request is not lost: the next request carries `since`, and the server answers it at once.',
      ];
    case 'sse':
      return [
        'The browser opens one long HTTP response with EventSource, and the server writes each message into it as lines of text: `id:`, `event:`, `data:`, then a blank line.',
        'Data flows from server to browser only; Alice still publishes with a separate POST.',
        `If the stream breaks, the browser reconnects by itself after the \`retry:\` delay the server announced (${knobs.sseRetryMs} ms) and sends \`Last-Event-ID\`, so the server resumes right after the last event it got. Comment lines every ${knobs.sseHeartbeatMs} ms keep an idle stream from being cut by proxies.`,
      ];
    case 'websocket':
      return [
        'One HTTP request asks to upgrade the connection; after `101 Switching Protocols` both sides send frames over the same TCP connection, in both directions.',
        "Each frame costs 2 to 14 bytes of framing (RFC 6455 §5.2): frames from the browser are masked and carry 4 more bytes than the server's. Alice publishes on her own socket; Bob receives on his.",
        `The server pings every ${knobs.wsHeartbeatMs} ms and cuts off a peer that has not answered the previous ping. Browsers answer pings themselves and never show them to the page, so only the server's trace has them.`,
      ];
  }
}

/**
 * One thing to do first with each technique, and what it shows. Each names a
 * control on the page by its label, and a result the counters or the diagram
 * show within a few seconds.
 */
export function tryThis(technique: Technique, knobs: Knobs): string {
  switch (technique) {
    case 'short-poll':
      return knobs.pollIntervalMs >= 5000
        ? `Set Auto-send rate to 1 msg/s and watch Latency p50 settle near half the poll interval (about ${Math.round(knobs.pollIntervalMs / 2)} ms); then set Poll interval to 500 ms: latency falls, and Empty responses climb instead.`
        : 'Set Poll interval to 5000 ms and Auto-send rate to 1 msg/s: Latency p50 climbs towards 2.5 s, half the interval.';
    case 'long-poll':
      return knobs.longPollTimeoutMs > 5000
        ? 'Set Long-poll timeout to 5000 ms and send nothing: every 5 s the held poll ends empty and a new one starts. Then press Send: the held poll answers at once.'
        : 'Press Start and send nothing: the held poll ends with an empty answer at each timeout. Then press Send: the held poll is answered at once, and Latency p50 stays within a few ms.';
    case 'sse':
      return `Press Start, set Auto-send rate to 1 msg/s, then press Drop connections in Faults: the stream breaks, the browser waits the retry: delay (${knobs.sseRetryMs} ms), reopens with Last-Event-ID, and the messages sent meanwhile arrive right after, none lost.`;
    case 'websocket':
      return 'Press Start, send a message, and click its frame on Bob’s side: the inspector shows the frame header bit by bit. Then press Block WebSockets and Drop connections in Faults: after three failed opens the client falls back to long polling and keeps delivering.';
  }
}

/**
 * Why long polling can cost more bytes per message than short polling: shown
 * beside long polling, and on the compare screen with that run's numbers.
 */
export function longPollBytesNote(pollIntervalMs: number): string {
  const every = pollIntervalMs >= 1000 ? `${pollIntervalMs / 1000} s` : `${pollIntervalMs} ms`;
  return `Why can long polling cost more bytes per message than short polling? At a few messages a second, each message ends the held poll: the server answers it, and the browser sends a whole new request, headers and all, for the next one — a request and a response per message. A short poll every ${every} finds several messages waiting and carries them all in one response, so they share its headers. Long polling is the cheaper one when messages are rarer than polls.`;
}

/** What a ≠ in the theory panel means, with the likeliest reason for this run. */
export function disagreementNote(pattern: 'random' | 'steady', autoRate: number): string {
  const assumption =
    pattern === 'steady' && autoRate > 0
      ? 'here Alice sends steadily, every 1/rate s, while the models assume messages arrive at random (Poisson) times, so a sender in step with the poll makes every message wait about the same'
      : 'the models assume messages arrive at random (Poisson) times at a steady rate, and a fault, a changed knob, slow motion or a burst of sends breaks that';
  return `≠ means this run's measurement is more than ±${TOLERANCE * 100} % from the model. Either the model's assumption does not hold in this run (${assumption}), or there are still too few samples for the average to settle: let the run go on a little longer.`;
}
