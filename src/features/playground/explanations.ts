import type { Technique } from '../../core';
import type { Knobs } from '../../transports/types';

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
