import type { FastifyInstance } from 'fastify';
import type { Lab } from './lab';

/**
 * Names the request's channel in the Hub before any technique runs, so that a new
 * channel past the cap (protocol.md, "Limits") is refused with the lab's JSON
 * `503 RL_ERR_TOO_MANY_CHANNELS` while the request can still be answered — before
 * an SSE stream is hijacked or a WebSocket upgraded. Then waits (briefly) for this
 * gateway to have caught up on the channel from the broker, so that a `since` is
 * judged against the broker's ids ("Resuming ahead").
 */
export function installChannelCap(channels: FastifyInstance, lab: Lab): void {
  channels.addHook('preHandler', (request, _reply, done) => {
    const ch = (request.params as { ch?: unknown } | undefined)?.ch;
    if (typeof ch !== 'string') {
      done();
      return;
    }
    // Caught up already (every request after a channel's first): no promise, no extra tick.
    if (lab.channelIsReady(ch)) done();
    else lab.channelReady(ch).then(() => done(), done);
  });
}
