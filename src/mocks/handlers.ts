/**
 * Every handler of the simulated server, in the order msw tries them: the technique routes,
 * then the lab's other routes, its catch-all for `/api/*` last.
 */
import type { HttpHandler, WebSocketHandler } from 'msw';
import { labRouteHandlers, observerHandlers } from './handlers/lab-routes';
import { pollHandlers } from './handlers/polls';
import { sseHandlers } from './handlers/sse';
import { websocketHandlers } from './handlers/websocket';
import type { SimLab } from './sim-lab';

export function simulatedServer(lab: SimLab): Array<HttpHandler | WebSocketHandler> {
  return [
    ...pollHandlers(lab),
    ...sseHandlers(lab),
    ...websocketHandlers(lab),
    ...observerHandlers(lab),
    ...labRouteHandlers(lab),
  ];
}
