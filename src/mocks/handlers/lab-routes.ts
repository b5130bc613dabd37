/**
 * The simulated server's other routes: its observer stream (`/api/observe`, a `ws.link`), the
 * health check, the faults, the seeded schedules, the lanes (none: one origin in a page), and
 * a clear refusal for what only the lab server can do (the reconnection storm, the Scaling lab,
 * the load lab's results and live run).
 */
import { http, ws, type HttpHandler, type WebSocketHandler } from 'msw';
import { labError, traceClock } from '../../core';
import { RID_LABEL } from '../../core/api-schemas';
import { FaultsBody } from '../../core/faults';
import { answerObserverFrame } from '../../core/observer-protocol';
import {
  DeleteScheduleQuery,
  RenewBody,
  ScheduleBody,
  noSchedule,
} from '../../core/schedule-player';
import type { SimLab } from '../sim-lab';
import { checkBody, checkChannel, checkQuery, exchange, gate } from '../sim-http';

/** `/api/observe`: hello, then every simulated step; answers the clock-sync op. */
export function observerHandlers(lab: SimLab): WebSocketHandler[] {
  const link = ws.link(/^wss?:\/\/[^/]+\/(?:.*\/)?api\/observe(?:\?.*)?$/);
  return [
    link.addEventListener('connection', ({ client }) => {
      const owner = client.url.searchParams.get('owner');
      const peer = { send: (data: string) => client.send(data) };
      client.send(lab.observer.hello());
      lab.observer.add(peer, owner !== null && RID_LABEL.test(owner) ? owner : undefined);
      client.addEventListener('message', (event) => {
        const text = typeof event.data === 'string' ? event.data : null;
        client.send(JSON.stringify(answerObserverFrame(text, traceClock())));
      });
      client.addEventListener('close', () => lab.observer.remove(peer));
    }),
  ];
}

/** What a page cannot run offline: answered 501 with the sentence that says so. */
const NEEDS_LAB_SERVER: Record<string, string> = {
  '/api/storm':
    'the reconnection storm needs the lab server: it runs a thousand real clients there',
  '/api/scale':
    'the Scaling lab needs the lab server: its gateways, balancer and Redis are processes',
  '/api/load':
    'the load lab needs the lab server: its runs and its live measurement are real server and client processes',
};

function needsLabServer(path: string): string | undefined {
  for (const [prefix, sentence] of Object.entries(NEEDS_LAB_SERVER)) {
    if (path === prefix || path.startsWith(`${prefix}/`)) return sentence;
  }
  return undefined;
}

function scheduleHandlers(lab: SimLab): HttpHandler[] {
  const path = '*/api/channels/:ch/schedule';
  return [
    http.post(path, ({ request, params }) =>
      exchange(lab, request, null, (ex) => {
        const channel = checkChannel(params.ch);
        const body = checkBody(ScheduleBody, ex.text);
        return { status: 201, body: lab.schedules.start(channel, body) };
      }),
    ),
    http.post(`${path}/renew`, ({ request, params }) =>
      exchange(lab, request, null, (ex) => {
        const channel = checkChannel(params.ch);
        const body = checkBody(RenewBody, ex.text);
        return { status: 200, body: lab.schedules.renew(channel, body.id) };
      }),
    ),
    http.get(path, ({ request, params }) =>
      exchange(lab, request, null, () => {
        const channel = checkChannel(params.ch);
        const status = lab.schedules.status(channel);
        if (!status) throw noSchedule(channel);
        return { status: 200, body: status };
      }),
    ),
    http.delete(path, ({ request, params }) =>
      exchange(lab, request, null, (ex) => {
        const channel = checkChannel(params.ch);
        const query = checkQuery(DeleteScheduleQuery, ex.query);
        const status = lab.schedules.stop(channel, query.id);
        if (!status) throw noSchedule(channel);
        return { status: 200, body: status };
      }),
    ),
  ];
}

/** Health, faults, lanes, schedules and the routes that need the lab server. */
export function labRouteHandlers(lab: SimLab): HttpHandler[] {
  return [
    http.get('*/api/health', ({ request }) =>
      exchange(lab, request, null, () => {
        gate(lab);
        return { status: 200, body: { ok: true, simulated: true } };
      }),
    ),
    http.get('*/api/faults', ({ request }) =>
      exchange(lab, request, null, () => ({ status: 200, body: lab.faultControl.snapshot() })),
    ),
    http.post('*/api/faults', ({ request }) =>
      exchange(lab, request, null, (ex) => {
        const body = checkBody(FaultsBody, ex.text, 'BAD_FAULT');
        return { status: 200, body: lab.faultControl.apply(body) };
      }),
    ),
    // One origin in a page: no lane of its own per technique (and no six-connection budget to share).
    http.get('*/api/lanes', ({ request }) =>
      exchange(lab, request, null, () => ({ status: 200, body: { lanes: [] } })),
    ),
    ...scheduleHandlers(lab),
    http.all('*/api/*', ({ request }) =>
      exchange(lab, request, null, (ex) => {
        const sentence = needsLabServer(ex.url.pathname);
        if (sentence) throw labError('NEEDS_LAB_SERVER', sentence);
        throw labError(
          'NOT_FOUND',
          `the simulated server has no route ${request.method} ${ex.url.pathname}`,
        );
      }),
    ),
  ];
}
