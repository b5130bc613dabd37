import { OKABE_ITO } from '../../diagram/palette';

/** One colour per gateway number (gateway-1 …), colour-blind safe; the name is always written beside it. */
const COLOURS = [
  OKABE_ITO.blue,
  OKABE_ITO.orange,
  OKABE_ITO.green,
  OKABE_ITO.purple,
  OKABE_ITO.vermillion,
  OKABE_ITO.skyBlue,
] as const;

export function gatewayColour(name: string): string {
  const number = Number(/(\d+)$/.exec(name)?.[1] ?? 1);
  return COLOURS[(Math.max(1, number) - 1) % COLOURS.length]!;
}

/** "gateway-2" → "Gateway 2". */
export function gatewayTitle(name: string): string {
  const number = /(\d+)$/.exec(name)?.[1];
  return number === undefined ? name : `Gateway ${number}`;
}

/** "alice" → "Alice". */
export function personTitle(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
