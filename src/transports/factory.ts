import type { Technique } from '../core';
import { LongPollTransport } from './long-poll';
import { ShortPollTransport } from './short-poll';
import { SseTransport } from './sse';
import type { Transport, TransportOptions } from './types';
import { WebSocketWithFallback } from './fallback';

/** One technique's browser client for one participant. */
export function createTransport(technique: Technique, options: TransportOptions): Transport {
  switch (technique) {
    case 'short-poll':
      return new ShortPollTransport(options);
    case 'long-poll':
      return new LongPollTransport(options);
    case 'sse':
      return new SseTransport(options);
    case 'websocket':
      return new WebSocketWithFallback(options);
  }
}
