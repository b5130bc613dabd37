/**
 * The tour's steps: each points at a real element of the playground, found by
 * its test id or accessible role and name (never by coordinates), with a
 * fallback when the first choice is not on screen.
 */
export interface TourStep {
  id: string;
  title: string;
  body: string[];
  /** The elements the step is about (ringed together); empty when none is on screen. */
  anchor: () => Element[];
}

const one = (selector: string): Element[] => {
  const element = document.querySelector(selector);
  return element && element.getClientRects().length > 0 ? [element] : [];
};

/** The drawing and the run's overview strip beside it. */
const diagram = () => [
  ...one('[data-testid="diagram-area"] svg[role="img"]'),
  ...one('[data-testid="run-overview"]'),
];

const button = (name: string): Element[] =>
  [...document.querySelectorAll('button')].filter(
    (b) => b.textContent?.trim() === name && b.getClientRects().length > 0,
  );

export const TOUR_STEPS: readonly TourStep[] = [
  {
    id: 'lanes',
    title: 'Lanes: who talks to whom',
    body: [
      'Each vertical line is a lane. Alice, who sends, is on the left; the lab’s server is in the middle; Bob and any other receivers are on the right.',
      'Time runs down the page: one row per step, or to scale with Time to scale. The strip on the right is the whole run; drag it to look back.',
    ],
    anchor: diagram,
  },
  {
    id: 'shapes',
    title: 'Arrows and bars',
    body: [
      'An arrow is one thing on the wire: a request, a response (dashed, and marked wasted, when it came back empty), an SSE event, a WebSocket frame.',
      'A bar is a connection held open: a long poll waiting at the server, an SSE stream, a WebSocket. The legend names every style. Click any arrow or bar to see its raw bytes.',
    ],
    anchor: () => {
      const legend = one('[data-testid="diagram-area"] [aria-label="Legend"]');
      return legend.length > 0 ? legend : diagram();
    },
  },
  {
    id: 'counters',
    title: 'Counters: measured, not modelled',
    body: [
      'Every number here is counted from the steps in the diagram: the requests the browser sent and the empty answers it got, messages delivered, bytes as the server counted them on its sockets (as the browser saw them when the server’s observer stream is off), latency from Alice’s Send to the receiver’s receipt on this page’s clock.',
      'Hover a counter to see what it counts. Theory vs measured, under it, sets each number beside what the textbook model expects.',
    ],
    anchor: () => one('section[aria-label="Counters"]'),
  },
  {
    id: 'try',
    title: 'What to try first',
    body: [
      'Press Start: Alice, Bob and the server connect. Type in Message and press Send, and watch the arrows appear.',
      'Then do what Try this suggests for the technique, switch technique with the tabs (or keys 1–4), and break things in Faults. The Tour button brings this back.',
    ],
    anchor: () => {
      const prompt = one('[data-testid="try-this"]');
      return prompt.length > 0 ? prompt : button('Start');
    },
  },
];
