/** Small pieces the seeded probe tests share: picks from a seeded random source, raw HTTP answers. */
import { randomBytes } from 'node:crypto';

export type Random = () => number;

export const pick = <T>(r: Random, items: readonly T[]): T =>
  items[Math.floor(r() * items.length)]!;
export const int = (r: Random, min: number, max: number): number =>
  min + Math.floor(r() * (max - min + 1));
export const chance = (r: Random, p: number): boolean => r() < p;

/** Printable ASCII of a seeded length and content (never a byte that needs escaping in JSON). */
export function asciiText(r: Random, min: number, max: number): string {
  let text = '';
  const length = int(r, min, max);
  for (let i = 0; i < length; i++) text += String.fromCharCode(int(r, 0x61, 0x7a));
  return text;
}

function jsonOrNull(text: string): Record<string, unknown> | null {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Status, content type and parsed JSON body (null when it is not JSON) of a raw HTTP answer. */
export function parseAnswer(raw: Buffer): {
  status: number;
  contentType: string | null;
  body: Record<string, unknown> | null;
} {
  const text = raw.toString('utf8');
  const at = text.indexOf('\r\n\r\n');
  const head = at === -1 ? text : text.slice(0, at);
  const contentType = /\r\ncontent-type: *([^\r\n]*)/i.exec(head)?.[1] ?? null;
  return { status: Number(text.slice(9, 12)), contentType, body: jsonOrNull(text.slice(at + 4)) };
}

/** A WebSocket upgrade head for `path`, with `headerLines` (each ending in CRLF) as its other headers. */
export function upgradeHead(path: string, headerLines: string): string {
  return (
    `GET ${path} HTTP/1.1\r\n${headerLines}Upgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`
  );
}
