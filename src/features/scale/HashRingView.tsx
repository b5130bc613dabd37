import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import { useEffect, useMemo, useRef } from 'react';
import { HashRing, keyPosition, type RingPoint } from '../../core/hash-ring';
import type { GatewayView } from '../../store/scale-store';
import { gatewayColour, personTitle } from './gateway-colours';

const SIZE = 270;
const RADIUS = 100;
const TICK = 10;
const FULL_CIRCLE = 2 ** 32;

interface UserDot {
  user: string;
  position: number;
  gateway: string | undefined;
}

const angle = scaleLinear()
  .domain([0, FULL_CIRCLE])
  .range([0, 2 * Math.PI]);

/** Every virtual node as a tick across the circle, in its gateway's colour (faded while the gateway is down). */
function drawTicks(target: SVGGElement, ring: HashRing, up: ReadonlySet<string>): void {
  select(target)
    .selectAll<SVGLineElement, RingPoint>('line')
    .data(ring.points(), (p) => `${p.node}#${p.replica}`)
    .join('line')
    .attr('x1', (p) => Math.sin(angle(p.position)) * (RADIUS - TICK / 2))
    .attr('y1', (p) => -Math.cos(angle(p.position)) * (RADIUS - TICK / 2))
    .attr('x2', (p) => Math.sin(angle(p.position)) * (RADIUS + TICK / 2))
    .attr('y2', (p) => -Math.cos(angle(p.position)) * (RADIUS + TICK / 2))
    .attr('stroke', (p) => gatewayColour(p.node))
    .attr('stroke-opacity', (p) => (up.has(p.node) ? 0.85 : 0.15))
    .attr('stroke-width', 1);
}

/** Label places near each point, nudged apart vertically so that no two labels overlap. */
function labelPlaces(points: ReadonlyArray<[number, number]>): Array<[number, number]> {
  const order = points.map((_, i) => i).sort((a, b) => points[a]![1] - points[b]![1]);
  const placed: Array<[number, number]> = points.map(([x, y]) => [x, y]);
  const LINE = 14;
  const WIDE = 120;
  for (let k = 1; k < order.length; k += 1) {
    const here = placed[order[k]!]!;
    for (let j = 0; j < k; j += 1) {
      const there = placed[order[j]!]!;
      if (Math.abs(here[0] - there[0]) < WIDE && Math.abs(here[1] - there[1]) < LINE)
        here[1] = there[1] + LINE;
    }
  }
  return placed;
}

/** Each user as a dot at their position, with a label naming the gateway they map to. */
function drawUsers(target: SVGGElement, placed: readonly UserDot[]): void {
  const at = (d: UserDot, r: number): [number, number] => [
    Math.sin(angle(d.position)) * r,
    -Math.cos(angle(d.position)) * r,
  ];
  const groups = select(target)
    .selectAll<SVGGElement, UserDot>('g.ring__user')
    .data([...placed], (d) => d.user)
    .join((enter) => {
      const g = enter.append('g').attr('class', 'ring__user');
      g.append('line').attr('stroke', '#444').attr('stroke-width', 1);
      g.append('circle').attr('r', 5).attr('stroke', '#fff').attr('stroke-width', 1.5);
      g.append('text').attr('font-size', 11).attr('dominant-baseline', 'middle');
      return g;
    })
    .attr('data-user', (d) => d.user)
    .attr('data-gateway', (d) => d.gateway ?? '');
  groups
    .select('line')
    .attr('x1', (d) => at(d, RADIUS - TICK)[0])
    .attr('y1', (d) => at(d, RADIUS - TICK)[1])
    .attr('x2', (d) => at(d, RADIUS - 26)[0])
    .attr('y2', (d) => at(d, RADIUS - 26)[1]);
  groups
    .select('circle')
    .attr('cx', (d) => at(d, RADIUS - TICK)[0])
    .attr('cy', (d) => at(d, RADIUS - TICK)[1])
    .attr('fill', (d) => (d.gateway ? gatewayColour(d.gateway) : '#999'));
  const labels = labelPlaces(placed.map((d) => at(d, RADIUS - 34)));
  groups
    .select('text')
    .attr('x', (_, i) => labels[i]![0])
    .attr('y', (_, i) => labels[i]![1])
    .attr('text-anchor', 'middle')
    .text((d) => `${personTitle(d.user)} → ${d.gateway ?? 'none up'}`);
}

/**
 * The balancer's hash ring, drawn with d3: each gateway's virtual nodes as
 * ticks on the circle in the gateway's colour (a down gateway's faded: it is
 * walked past, not removed), and each user as a dot at their own position,
 * labelled with the gateway consistent hashing sends them to — the first up
 * gateway's tick clockwise from the dot.
 */
export function HashRingView({
  gateways,
  users,
}: {
  gateways: readonly GatewayView[];
  users: readonly string[];
}) {
  const ticks = useRef<SVGGElement>(null);
  const dots = useRef<SVGGElement>(null);
  const names = gateways.map((g) => g.name).join('\n');
  const ring = useMemo(() => new HashRing(names === '' ? [] : names.split('\n')), [names]);
  const upNames = gateways.filter((g) => g.up).map((g) => g.name);
  const placed: UserDot[] = users.map((user) => ({
    user,
    position: keyPosition(user),
    gateway: ring.lookupWhere(user, (name) => upNames.includes(name)),
  }));
  const upKey = upNames.join('\n');

  useEffect(() => {
    if (!ticks.current) return;
    drawTicks(ticks.current, ring, new Set(upKey === '' ? [] : upKey.split('\n')));
  }, [ring, upKey]);

  const dotKey = placed.map((d) => `${d.user}:${d.gateway ?? ''}`).join(',');
  useEffect(() => {
    if (!dots.current) return;
    drawUsers(dots.current, placed);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- redrawn when who maps where changes (dotKey)
  }, [dotKey]);

  return (
    <figure className="scale-ring" data-testid="hash-ring">
      <svg
        role="img"
        aria-label="Hash ring"
        viewBox={`${-SIZE / 2} ${-SIZE / 2} ${SIZE} ${SIZE}`}
        width={SIZE}
        height={SIZE}
      >
        <circle r={RADIUS} fill="none" stroke="#ddd" />
        <g ref={ticks} />
        <g ref={dots} />
      </svg>
      <figcaption>
        <ul className="scale-ring__legend">
          {gateways.map((g) => (
            <li key={g.name}>
              <span className="swatch" style={{ background: gatewayColour(g.name) }} />
              {g.name} · {ring.virtualNodes} points{g.up ? '' : ' · down (walked past)'}
            </li>
          ))}
        </ul>
        Positions run clockwise from 0 at the top to 2³². A user belongs to the first gateway point
        clockwise from their own position.
      </figcaption>
    </figure>
  );
}
