import { describe, expect, it } from 'vitest';
import {
  ARTICLE_USERS,
  againstArticle,
  projectConnections,
  projectPolling,
} from './load-projection';

describe('the load projection', () => {
  it('puts a measured cost per connection against the article’s 2–10 KB', () => {
    expect(againstArticle(1_999)).toBe('below');
    expect(againstArticle(2_000)).toBe('within');
    expect(againstArticle(7_900)).toBe('within');
    expect(againstArticle(10_001)).toBe('above');
  });

  it('projects memory, connections per server and servers for 10M users', () => {
    // 8 KB a connection, 8 GB for connections: 1M fit, 10 servers for 10M users.
    const p = projectConnections(8_000, 8_000_000_000);
    expect(p.memoryAt100k).toBe(800_000_000);
    expect(p.memoryAt1m).toBe(8_000_000_000);
    expect(p.connectionsPerServer).toBe(1_000_000);
    expect(p.serversNeeded).toBe(10);
    expect(p.users).toBe(ARTICLE_USERS);
    expect(p.serversAtArticle).toEqual({ at100k: 100, at1m: 10 });
    // A budget that holds a partial server's worth rounds servers up, connections down.
    const q = projectConnections(3_000, 1_000_000_000, 1_000_000);
    expect(q.connectionsPerServer).toBe(333_333);
    expect(q.serversNeeded).toBe(4);
  });

  it('says what short polling costs: the article’s 1M users every 2 s are 500K requests a second', () => {
    expect(projectPolling(1_000_000, 2_000, 10_000)).toEqual({
      requestsPerSecond: 500_000,
      servers: 50,
    });
  });

  it('refuses a projection it cannot make', () => {
    expect(() => projectConnections(0, 1)).toThrow(RangeError);
    expect(() => projectConnections(1, 0)).toThrow(RangeError);
    expect(() => projectPolling(1, 0, 1)).toThrow(RangeError);
  });
});
