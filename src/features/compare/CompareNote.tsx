import { formatCell, type CompareRow } from '../../core';

/**
 * The surprise of compare mode at a few messages a second: long polling costs
 * more bytes per delivered message than short polling. Shown only when this
 * run's own numbers say so, and explained with them.
 */
export function LongPollCostNote({ rows }: { rows: readonly CompareRow[] }) {
  const short = rows.find((r) => r.technique === 'short-poll');
  const long = rows.find((r) => r.technique === 'long-poll');
  if (
    !short ||
    !long ||
    short.delivered < 5 ||
    long.delivered < 5 ||
    short.bytesPerDelivery === null ||
    long.bytesPerDelivery === null ||
    long.bytesPerDelivery <= short.bytesPerDelivery
  )
    return null;
  const bytes = (v: number) => formatCell(v, 'bytes');
  return (
    <p className="surprise-note compare__note" data-testid="note-long-poll-bytes" role="note">
      <strong>Why does long polling cost more here?</strong> {bytes(long.bytesPerDelivery)} per
      delivered message against short polling&apos;s {bytes(short.bytesPerDelivery)}. Each message
      ended a held poll, and a whole new request and response, headers and all, followed it:{' '}
      {long.requests} long-poll requests for {long.delivered} deliveries. Short polling&apos;s{' '}
      {short.requests} polls carried {short.delivered} deliveries: each poll collects every message
      published since the one before, and they share its headers. With fewer messages than polls,
      the order turns round.
    </p>
  );
}
