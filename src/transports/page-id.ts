/**
 * This page's id, made once per page load: the observer stream says it
 * (`/api/observe?owner=`), and every server schedule the page starts carries it
 * as `owner`, so the server ends the page's schedules once the page is gone
 * (docs/protocol.md, "Schedules").
 */
export function makePageId(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return `page-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export const PAGE_ID = makePageId();
