/** The API's URLs with the wire labels (docs/protocol.md), resolved against the page. */

export type QueryValue = string | number | undefined;

/**
 * `<base>/api/channels/<ch>/<endpoint>?<params>`; parameters whose value is
 * undefined are left out. With an empty base the URL is relative to the page.
 */
export function channelUrl(
  baseUrl: string,
  channel: string,
  endpoint: string,
  params: Record<string, QueryValue>,
): string {
  const base = baseUrl.replace(/\/+$/, '');
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) query.set(key, String(value));
  }
  const qs = query.toString();
  return `${base}/api/channels/${encodeURIComponent(channel)}/${endpoint}${qs ? `?${qs}` : ''}`;
}

/** The page's origin, or undefined outside a page (Node tests give a base URL). */
function pageHref(): string | undefined {
  return typeof location === 'undefined' ? undefined : location.href;
}

/** Resolves a possibly relative URL against the page (absolute URLs pass through). */
export function absoluteUrl(url: string, pageHrefValue: string | undefined = pageHref()): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
  if (pageHrefValue === undefined) {
    throw new TypeError(`cannot resolve ${url} without a page: give the transport a baseUrl`);
  }
  return new URL(url, pageHrefValue).href;
}

/** The same URL with `http(s):` turned into `ws(s):`, resolved against the page when relative. */
export function toWebSocketUrl(
  url: string,
  pageHrefValue: string | undefined = pageHref(),
): string {
  const absolute = new URL(absoluteUrl(url, pageHrefValue));
  if (absolute.protocol === 'http:') absolute.protocol = 'ws:';
  else if (absolute.protocol === 'https:') absolute.protocol = 'wss:';
  return absolute.href;
}
