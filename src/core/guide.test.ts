import { describe, expect, it } from 'vitest';
import {
  completeAnswers,
  GUIDE_MISTAKES,
  GUIDE_QUESTIONS,
  guidePresetTitle,
  isAnswered,
  recommend,
  recommendationTitle,
  type Flow,
  type GuideAnswers,
  type GuideTechnique,
  type Rate,
  type Scale,
} from './guide';
import { presetById, PRESET_IDS, type PresetId } from './presets';

const answers = (flow: Flow, rate: Rate, scale: Scale, cover: GuideAnswers['cover'] = []) => ({
  flow,
  rate,
  scale,
  cover,
});

describe('decision guide questions', () => {
  it('asks four questions, the last one open to any number of answers', () => {
    expect(GUIDE_QUESTIONS.map((q) => q.id)).toEqual(['flow', 'rate', 'scale', 'cover']);
    expect(GUIDE_QUESTIONS.map((q) => q.multiple)).toEqual([false, false, false, true]);
    for (const question of GUIDE_QUESTIONS) {
      const labels = question.options.map((o) => o.label);
      expect(new Set(labels).size).toBe(labels.length);
      // No label may contain another: role queries match names by substring.
      for (const a of labels) {
        for (const b of labels) if (a !== b) expect(a.includes(b)).toBe(false);
      }
    }
  });

  it('knows when a question is answered and when the answers are complete', () => {
    const [flow, , , cover] = GUIDE_QUESTIONS;
    expect(isAnswered(flow!, {})).toBe(false);
    expect(isAnswered(flow!, { flow: 'two-way' })).toBe(true);
    expect(isAnswered(flow!, { flow: 'sideways' as Flow })).toBe(false);
    expect(isAnswered(cover!, {})).toBe(false);
    expect(isAnswered(cover!, { cover: [] })).toBe(true);
    expect(completeAnswers({ flow: 'one-way', rate: 'rare', scale: 'large' })).toBeNull();
    expect(
      completeAnswers({ flow: 'one-way', rate: 'rare', scale: 'large', cover: ['offline-users'] }),
    ).toEqual(answers('one-way', 'rare', 'large', ['offline-users']));
  });
});

describe('recommend', () => {
  // Every flow × rate × scale, spelled out: the table the README and the e2e test rely on.
  const table: Array<[Flow, Rate, Scale, GuideTechnique, PresetId]> = [
    ['one-way', 'rare', 'prototype', 'long-poll', 'notifications'],
    ['one-way', 'rare', 'large', 'sse', 'social-feed'],
    ['one-way', 'medium', 'prototype', 'sse', 'job-progress'],
    ['one-way', 'medium', 'large', 'sse', 'sports-scores'],
    ['one-way', 'high', 'prototype', 'sse', 'stock-ticker'],
    ['one-way', 'high', 'large', 'sse', 'stock-ticker'],
    ['two-way', 'rare', 'prototype', 'sse', 'social-feed'],
    ['two-way', 'rare', 'large', 'sse', 'social-feed'],
    ['two-way', 'medium', 'prototype', 'websocket', 'chat'],
    ['two-way', 'medium', 'large', 'websocket', 'chat'],
    ['two-way', 'high', 'prototype', 'websocket', 'multiplayer-game'],
    ['two-way', 'high', 'large', 'websocket', 'chat'],
  ];

  it.each(table)('%s, %s, %s → %s in the %s preset', (flow, rate, scale, technique, preset) => {
    const result = recommend(answers(flow, rate, scale));
    expect(result.technique).toBe(technique);
    expect(result.preset).toBe(preset);
    expect(PRESET_IDS).toContain(result.preset);
    // The preset opened shows the technique recommended.
    expect(presetById(preset)?.technique).toBe(technique);
    expect(result.reasons.length).toBeGreaterThanOrEqual(2);
    expect(result.mistakes).toEqual(GUIDE_MISTAKES);
  });

  it('covers every combination exactly once', () => {
    const keys = table.map(([f, r, s]) => `${f}/${r}/${s}`);
    expect(new Set(keys).size).toBe(2 * 3 * 2);
  });

  it('picks a WebSocket exactly for two-way traffic that is not rare', () => {
    for (const [flow, rate, , technique] of table) {
      if (flow === 'one-way' || rate === 'rare') expect(technique).not.toBe('websocket');
      if (flow === 'two-way' && rate !== 'rare') expect(technique).toBe('websocket');
    }
  });

  it('says why, in terms of the answers', () => {
    const chat = recommend(answers('two-way', 'high', 'large'));
    expect(chat.reasons.join(' ')).toMatch(/pub\/sub across servers/);
    expect(chat.reasons.join(' ')).toMatch(/2 to 14 bytes/);
    const feed = recommend(answers('two-way', 'rare', 'prototype'));
    expect(feed.reasons[0]).toMatch(/ordinary HTTP requests/);
    const ticker = recommend(answers('one-way', 'high', 'large'));
    expect(ticker.reasons.join(' ')).toMatch(/A WebSocket fits too: .*2 to 10 bytes/);
    const mail = recommend(answers('one-way', 'rare', 'prototype'));
    expect(mail.reasons.join(' ')).toMatch(/one request per update/);
    const scores = recommend(answers('one-way', 'medium', 'large'));
    expect(scores.reasons.join(' ')).toMatch(/Last-Event-ID/);
  });

  it('always covers reconnects and missed messages; scale adds cross-server delivery and balancing', () => {
    const small = recommend(answers('two-way', 'high', 'prototype'));
    expect(small.alsoCover).toHaveLength(2);
    expect(small.alsoCover[0]).toMatch(/backoff and random jitter/);
    expect(small.alsoCover[1]).toMatch(/resume from the last one/);

    const big = recommend(answers('two-way', 'high', 'large'));
    expect(big.alsoCover[0]).toMatch(/^Delivery across servers/);
    expect(big.alsoCover[1]).toMatch(/sticky sessions/);
    expect(big.alsoCover[1]).toMatch(/layer-4/);

    // Balancing of sockets is only said where there are sockets.
    const sse = recommend(answers('one-way', 'medium', 'large'));
    expect(sse.alsoCover.join(' ')).toMatch(/Delivery across servers/);
    expect(sse.alsoCover.join(' ')).not.toMatch(/sticky/);
  });

  it('adds what the learner said the design must cope with, fitted to the technique', () => {
    const all = ['blocked-websockets', 'flaky-networks', 'offline-users'] as const;
    const ws = recommend(answers('two-way', 'medium', 'prototype', all));
    expect(ws.alsoCover.slice(2)).toEqual([
      expect.stringMatching(/^Fallback when WebSockets are blocked.*long polling/),
      expect.stringMatching(/heartbeats/),
      expect.stringMatching(/^Offline users/),
    ]);
    const sse = recommend(answers('one-way', 'medium', 'prototype', ['blocked-websockets']));
    expect(sse.alsoCover.at(-1)).toMatch(/X-Accel-Buffering: no/);
    const poll = recommend(answers('one-way', 'rare', 'prototype', all));
    expect(poll.technique).toBe('long-poll');
    expect(poll.alsoCover.at(-3)).toMatch(/long polling is ordinary HTTP/);
    expect(poll.alsoCover.at(-2)).toMatch(/deadline past its timeout/);
  });

  it('names the four common mistakes', () => {
    expect(GUIDE_MISTAKES.map((m) => m.split(':')[0])).toEqual([
      'WebSockets for everything',
      'Forgetting that a WebSocket connection is stateful',
      'Forgetting reconnects and missed messages',
      'Assuming the load balancer handles upgrades',
    ]);
  });

  it('titles the result with the technique’s label and has a title for every preset', () => {
    expect(recommendationTitle(recommend(answers('one-way', 'medium', 'large')))).toBe(
      'Recommended: Server-Sent Events',
    );
    expect(recommendationTitle(recommend(answers('one-way', 'rare', 'prototype')))).toBe(
      'Recommended: Long polling',
    );
    expect(guidePresetTitle(recommend(answers('two-way', 'high', 'large')))).toBe('Chat');
    expect(guidePresetTitle(recommend(answers('one-way', 'medium', 'large')))).toBe(
      'Live sports scores',
    );
  });
});
