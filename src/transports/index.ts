export { createTransport } from './factory';
export { BaseTransport } from './base';
export { ConnIds, connIds } from './conn-ids';
export { LongPollTransport, MIN_EMPTY_REPOLL_MS } from './long-poll';
export {
  ObserverClient,
  type ClockEstimate,
  type ObserverHello,
  type ObserverOptions,
  type ObserverState,
} from './observer';
export { PAGE_ID } from './page-id';
export { traceClock } from '../core/clock';
export {
  SCHEDULE_LEASE_MS,
  SCHEDULE_RENEW_MS,
  ServerSchedule,
  type ScheduleSpec,
  type ServerScheduleOptions,
} from './schedule-client';
export { SeenIds } from './seen-ids';
export { DEFAULT_PARTICIPANTS, Session, type Participant, type SessionOptions } from './session';
export { ShortPollTransport } from './short-poll';
export { DEFAULT_SSE_EVENT_TYPES, SseTransport } from './sse';
export * from './types';
export { CLIENT_ERROR_CODES, TransportError } from './transport-error';
export { channelUrl, toWebSocketUrl } from './urls';
export { WebSocketTransport } from './websocket';
