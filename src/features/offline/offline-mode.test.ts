import { describe, expect, it } from 'vitest';
import {
  addOfflineParam,
  isOffline,
  keepOffline,
  linkAsksOffline,
  markOffline,
  offlineBuild,
  offlineRequested,
  withOfflineParam,
} from './offline-mode';

describe('offline mode', () => {
  it('is asked for by a link with offline=1, and by nothing else outside the offline build', () => {
    expect(offlineBuild()).toBe(false);
    expect(offlineRequested('?offline=1')).toBe(true);
    expect(offlineRequested('?channel=abc&offline=1&technique=sse')).toBe(true);
    expect(offlineRequested('')).toBe(false);
    expect(offlineRequested('?offline=0')).toBe(false);
    expect(offlineRequested('?offline=true')).toBe(false);
    expect(offlineRequested('?channel=offline')).toBe(false);
    expect(linkAsksOffline('offline=1')).toBe(true);
  });

  it('reopens the same address with offline=1, keeping every other parameter and the hash', () => {
    expect(withOfflineParam('http://127.0.0.1:8192/?channel=abc')).toBe(
      'http://127.0.0.1:8192/?channel=abc&offline=1',
    );
    expect(withOfflineParam('http://127.0.0.1:8192/')).toBe('http://127.0.0.1:8192/?offline=1');
    expect(withOfflineParam('http://h/course/lab/?view=compare&offline=0#x')).toBe(
      'http://h/course/lab/?view=compare&offline=1#x',
    );
  });

  it('adds offline=1 to a query string, empty or not', () => {
    expect(addOfflineParam('')).toBe('?offline=1');
    expect(addOfflineParam('?channel=abc&technique=sse')).toBe(
      '?channel=abc&technique=sse&offline=1',
    );
    expect(addOfflineParam('?offline=1')).toBe('?offline=1');
  });

  it('is off until the simulation runs; a page offline through its link keeps offline=1 in its links', () => {
    expect(isOffline()).toBe(false);
    expect(keepOffline('?preset=chat')).toBe('?preset=chat');
    markOffline('build');
    expect(isOffline()).toBe(true);
    expect(keepOffline('?preset=chat')).toBe('?preset=chat');
    markOffline('link');
    expect(keepOffline('?preset=chat')).toBe('?preset=chat&offline=1');
  });
});
