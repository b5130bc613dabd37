/** A WebSocket close reason fits in 123 bytes of UTF-8 (RFC 6455 §5.5: control payloads ≤ 125). */
export function closeReason(text: string): string {
  let reason = text;
  while (Buffer.byteLength(reason) > 123) reason = reason.slice(0, -1);
  return reason;
}
