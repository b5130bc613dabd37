import type { ArrowVariant, BarKind } from './layout';

/**
 * Okabe & Ito's colour-blind-safe palette. Meaning never rests on colour alone:
 * wasted responses are also dashed and labelled, errors are crosses.
 */
export const OKABE_ITO = {
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  black: '#000000',
  grey: '#6b6b6b',
} as const;

export const ARROW_STYLE: Record<ArrowVariant, { stroke: string; dash?: string; legend: string }> =
  {
    request: { stroke: OKABE_ITO.blue, legend: 'request' },
    response: { stroke: OKABE_ITO.green, legend: 'response with data' },
    wasted: { stroke: OKABE_ITO.vermillion, dash: '6 4', legend: 'empty response (wasted)' },
    error: { stroke: OKABE_ITO.vermillion, legend: 'error / refused' },
    event: { stroke: OKABE_ITO.purple, legend: 'SSE event' },
    frame: { stroke: '#1f7fb8', legend: 'WebSocket frame' },
    control: { stroke: OKABE_ITO.grey, dash: '2 3', legend: 'heartbeat (ping, pong, comment)' },
    upgrade: { stroke: OKABE_ITO.orange, legend: 'stream or upgrade handshake' },
  };

export const BAR_STYLE: Record<BarKind, { fill: string; legend: string }> = {
  hold: { fill: OKABE_ITO.orange, legend: 'request held by the server' },
  request: { fill: '#9a9a9a', legend: 'request in flight' },
  'sse-open': { fill: OKABE_ITO.purple, legend: 'open SSE stream' },
  'ws-open': { fill: OKABE_ITO.skyBlue, legend: 'open WebSocket' },
};
