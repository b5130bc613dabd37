import { memo, type ReactNode } from 'react';
import { BAR_WIDTH, laneTag } from './lanes';
import { estimateWidth } from './labels';
import { ARROW_STYLE, BAR_STYLE, OKABE_ITO } from './palette';
import type {
  Arrow,
  Bar,
  Gap,
  Mark,
  MarkShape as MarkShapeName,
  PlacedLabel,
  SequenceLayout,
} from './shapes';

interface ShapesProps {
  layout: SequenceLayout;
  width: number;
  height: number;
  selectedSeq: number | null;
  /** The step the keyboard is on: its label shows even where there was no room for it. */
  focusSeq?: number | null;
  onSelect?: (seq: number) => void;
  fontSize?: number;
}

const HEAD = 7;
export const LANE_TOP = 34;

/** The arrowheads, one per arrow style, and the clip of what moves with time. */
function ShapeDefs({ width, height }: { width: number; height: number }) {
  return (
    <defs>
      {Object.entries(ARROW_STYLE).map(([variant, style]) => (
        <marker
          key={variant}
          id={`seq-head-${variant}`}
          viewBox="0 0 8 8"
          refX={6}
          refY={4}
          markerWidth={HEAD}
          markerHeight={HEAD}
          markerUnits="userSpaceOnUse"
          orient="auto"
        >
          <path d="M0,0L8,4L0,8Z" fill={style.stroke} />
        </marker>
      ))}
      <clipPath id="seq-clip">
        <rect x={0} y={LANE_TOP} width={width} height={height - LANE_TOP} />
      </clipPath>
    </defs>
  );
}

/** Each lane's lifeline, top to bottom: the server's solid, the participants' dashed. */
function Lifelines({ layout, height }: { layout: SequenceLayout; height: number }) {
  return (
    <>
      {layout.lanes.map((lane) => (
        <line
          key={`life-${lane.actor}`}
          x1={lane.x}
          x2={lane.x}
          y1={LANE_TOP}
          y2={height}
          stroke={lane.role === 'server' ? '#333' : '#999'}
          strokeDasharray={lane.role === 'server' ? undefined : '4 4'}
          aria-hidden="true"
        />
      ))}
    </>
  );
}

/** The time margin: each tick's time (to scale, with its grid line) and the folded gaps. */
function AxisTicks({
  layout,
  width,
  fontSize,
}: {
  layout: SequenceLayout;
  width: number;
  fontSize: number;
}) {
  return (
    <g className="seq-axis" aria-hidden="true">
      {layout.ticks.map((tick) => (
        <g key={`${tick.t}-${tick.y}`} transform={`translate(0,${tick.y})`}>
          {layout.mode === 'time' && <line x1={0} x2={width} stroke="#e6e6e6" />}
          <text
            x={4}
            y={-3}
            fontSize={Math.round(fontSize * 0.91)}
            fill="#666"
            className="seq-label"
          >
            {tick.label}
          </text>
        </g>
      ))}
      {layout.gaps.map((gap) => (
        <GapShape key={`gap-${gap.y}`} gap={gap} layout={layout} fontSize={fontSize} />
      ))}
    </g>
  );
}

/** A fault as a band across the diagram, from when it was set to when it was lifted. */
function FaultBands({ layout, width }: { layout: SequenceLayout; width: number }) {
  return (
    <>
      {layout.bands.map((band) => (
        <g key={`band-${band.seq}`} data-kind="fault" data-seq={band.seq} data-conn="">
          <rect
            x={0}
            y={band.y1}
            width={width}
            height={Math.max(2, band.y2 - band.y1)}
            fill={OKABE_ITO.yellow}
            opacity={0.25}
          />
          {band.placed ? <Label placed={band.placed} /> : <title>{band.label}</title>}
        </g>
      ))}
    </>
  );
}

/** The lanes' name tags, on top of everything. */
function LaneHeaders({ layout }: { layout: SequenceLayout }) {
  const xs = layout.lanes.map((lane) => lane.x);
  let spacing = Infinity;
  for (let i = 1; i < xs.length; i++) spacing = Math.min(spacing, Math.abs(xs[i]! - xs[i - 1]!));
  return (
    <>
      {layout.lanes.map((lane) => {
        const tag = laneTag(lane.label, spacing);
        return (
          <g key={lane.actor} className={`seq-lane seq-lane--${lane.role}`} data-lane={lane.actor}>
            {tag.text !== lane.label && <title>{lane.label}</title>}
            <rect
              x={lane.x - tag.width / 2}
              y={4}
              width={tag.width}
              height={24}
              rx={4}
              fill={lane.role === 'server' ? '#333' : '#fff'}
              stroke="#333"
            />
            <text
              x={lane.x}
              y={20}
              textAnchor="middle"
              fontSize={tag.fontSize}
              fontWeight={600}
              fill={lane.role === 'server' ? '#fff' : '#111'}
            >
              {tag.text}
            </text>
          </g>
        );
      })}
    </>
  );
}

/**
 * Draws a laid-out window. Lifelines and lane headers stay put; everything on
 * the time axis sits in one group moved by `scrollY`, so following live traffic
 * moves a transform instead of redrawing every shape. Every drawn step carries
 * its trace kind and connection. Labels are where the layout placed them;
 * one it found no room for is the step's tooltip, and shows on focus.
 */
export function SequenceShapes({
  layout,
  width,
  height,
  selectedSeq,
  focusSeq = null,
  onSelect,
  fontSize = 11,
}: ShapesProps) {
  return (
    <>
      <ShapeDefs width={width} height={height} />
      <Lifelines layout={layout} height={height} />
      <g clipPath="url(#seq-clip)">
        <g transform={`translate(0,${-layout.scrollY})`} className="seq-scroll">
          <AxisTicks layout={layout} width={width} fontSize={fontSize} />
          <FaultBands layout={layout} width={width} />
          {layout.bars.map((bar) => (
            <BarShape
              key={`bar-${bar.conn}-${bar.startSeq}`}
              bar={bar}
              selected={bar.startSeq === selectedSeq}
              onSelect={onSelect}
            />
          ))}
          {chunkSteps(layout).map((chunk) => (
            <StepChunk
              key={chunk.key}
              chunk={chunk}
              generation={layout.generation}
              selectedSeq={chunk.seqs.has(selectedSeq ?? -1) ? selectedSeq : null}
              onSelect={onSelect}
            />
          ))}
          <FocusLabel layout={layout} seq={focusSeq ?? selectedSeq} fontSize={fontSize} />
        </g>
      </g>
      <LaneHeaders layout={layout} />
    </>
  );
}

/** A placed label: white-haloed text, so that it reads over lines. */
function Label({ placed, fill = '#222' }: { placed: PlacedLabel; fill?: string }) {
  return (
    <text
      x={placed.x}
      y={placed.y}
      textAnchor={placed.anchor}
      fontSize={placed.fontSize}
      fill={fill}
      paintOrder="stroke"
      stroke="#fff"
      strokeWidth={3}
      className="seq-label"
    >
      {placed.text}
    </text>
  );
}

/** Rows view: an idle stretch folded into one row, marked across every lifeline. */
function GapShape({
  gap,
  layout,
  fontSize,
}: {
  gap: Gap;
  layout: SequenceLayout;
  fontSize: number;
}) {
  return (
    <g className="seq-gap" data-gap-ms={Math.round(gap.ms)}>
      {layout.lanes.map((lane) => (
        <path
          key={lane.actor}
          d={`M${lane.x - 7},${gap.y - 6}l3.5,-3l3.5,3l3.5,-3l3.5,3M${lane.x - 7},${gap.y - 1}l3.5,-3l3.5,3l3.5,-3l3.5,3`}
          fill="none"
          stroke="#777"
          strokeWidth={1.2}
        />
      ))}
      <text
        x={4}
        y={gap.y - 3}
        fontSize={Math.round(fontSize * 0.91)}
        fill="#666"
        fontStyle="italic"
        className="seq-label"
      >
        {gap.label}
      </text>
    </g>
  );
}

/**
 * The label of the step in focus (or selected) when the layout had no room
 * for it: drawn over everything, on a white box, while it has the focus.
 */
function FocusLabel({
  layout,
  seq,
  fontSize,
}: {
  layout: SequenceLayout;
  seq: number | null;
  fontSize: number;
}) {
  if (seq === null) return null;
  const arrow = layout.arrows.find((a) => a.seq === seq);
  const mark = arrow ? undefined : layout.marks.find((m) => m.seq === seq);
  const hidden = arrow ? arrow.placed === null : mark ? mark.placed === null : false;
  if (!hidden) return null;
  const text = arrow ? arrow.label : mark!.label;
  const x = arrow ? (arrow.x1 + arrow.x2) / 2 : mark!.x + 9;
  const y = arrow ? arrow.y - 5 : mark!.y + 4;
  const w = estimateWidth(text, fontSize);
  const left = Math.max(2, arrow ? x - w / 2 : x);
  return (
    <g className="seq-focus-label" aria-hidden="true" pointerEvents="none">
      <rect
        x={left - 3}
        y={y - fontSize - 1}
        width={w + 6}
        height={fontSize + 6}
        rx={3}
        fill="#fff"
        stroke="#333"
      />
      <text x={left} y={y} fontSize={fontSize} fill="#111">
        {text}
      </text>
    </g>
  );
}

/** Arrows and marks in bands of CHUNK_PX, drawn by one memoised component each. */
interface Chunk {
  key: number;
  arrows: Arrow[];
  marks: Mark[];
  seqs: Set<number>;
}

const CHUNK_PX = 160;

function chunkSteps(layout: SequenceLayout): Chunk[] {
  const chunks = new Map<number, Chunk>();
  const chunkOf = (y: number): Chunk => {
    const key = Math.floor(y / CHUNK_PX);
    let chunk = chunks.get(key);
    if (!chunk) {
      chunk = { key, arrows: [], marks: [], seqs: new Set() };
      chunks.set(key, chunk);
    }
    return chunk;
  };
  for (const arrow of layout.arrows) {
    const chunk = chunkOf(arrow.y);
    chunk.arrows.push(arrow);
    chunk.seqs.add(arrow.seq);
  }
  for (const mark of layout.marks) {
    const chunk = chunkOf(mark.y);
    chunk.marks.push(mark);
    chunk.seqs.add(mark.seq);
  }
  return [...chunks.values()];
}

interface ChunkProps {
  chunk: Chunk;
  generation: string;
  selectedSeq: number | null;
  onSelect: ((seq: number) => void) | undefined;
}

function samePlaced(a: PlacedLabel | null, b: PlacedLabel | null): boolean {
  return (
    a === b ||
    (a !== null &&
      b !== null &&
      a.text === b.text &&
      a.x === b.x &&
      a.y === b.y &&
      a.anchor === b.anchor &&
      a.fontSize === b.fontSize)
  );
}

/** Same fields, labels compared by value: layout objects are made afresh on every render. */
function sameFields<T extends object>(a: T, b: T): boolean {
  if (a === b) return true;
  const keys = Object.keys(a) as Array<keyof T>;
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) =>
    key === 'placed'
      ? samePlaced(a[key] as PlacedLabel | null, b[key] as PlacedLabel | null)
      : a[key] === b[key],
  );
}

/**
 * One band of steps. While the layout's generation holds, a band whose steps
 * did not change is skipped whole: following live traffic redraws only the
 * newest band, however many steps are in view.
 */
const StepChunk = memo(
  function StepChunk({ chunk, selectedSeq, onSelect }: ChunkProps) {
    return (
      <g className="seq-chunk">
        {chunk.arrows.map((arrow) => (
          <ArrowShape
            key={`a-${arrow.seq}`}
            arrow={arrow}
            selected={arrow.seq === selectedSeq}
            onSelect={onSelect}
          />
        ))}
        {chunk.marks.map((mark) => (
          <MarkShape
            key={`m-${mark.seq}`}
            mark={mark}
            selected={mark.seq === selectedSeq}
            onSelect={onSelect}
          />
        ))}
      </g>
    );
  },
  (a, b) =>
    a.generation === b.generation &&
    a.selectedSeq === b.selectedSeq &&
    a.onSelect === b.onSelect &&
    a.chunk.arrows.length === b.chunk.arrows.length &&
    a.chunk.marks.length === b.chunk.marks.length &&
    a.chunk.arrows.every((arrow, i) => sameFields(arrow, b.chunk.arrows[i]!)) &&
    a.chunk.marks.every((mark, i) => sameFields(mark, b.chunk.marks[i]!)),
);

interface Selectable {
  selected: boolean;
  onSelect: ((seq: number) => void) | undefined;
}

function sameShape<K extends string>(key: K) {
  return (a: Selectable & Record<K, object>, b: Selectable & Record<K, object>): boolean =>
    a.selected === b.selected && a.onSelect === b.onSelect && sameFields(a[key], b[key]);
}

const BarShape = memo(function BarShape({ bar, selected, onSelect }: { bar: Bar } & Selectable) {
  const style = BAR_STYLE[bar.kind];
  return (
    <g
      data-kind={bar.kind}
      data-conn={bar.conn}
      data-seq={bar.startSeq}
      data-open={bar.open}
      data-actor={bar.actor}
      data-start={bar.start}
      data-timeout-at={bar.timeoutAt}
      className="seq-step seq-bar"
      onClick={() => onSelect?.(bar.startSeq)}
    >
      <rect
        x={bar.x - BAR_WIDTH / 2}
        y={bar.y1}
        width={BAR_WIDTH}
        height={Math.max(2, bar.y2 - bar.y1)}
        fill={style.fill}
        opacity={0.85}
        stroke={selected ? '#000' : 'none'}
        strokeWidth={2}
      />
      {bar.timeoutY !== undefined && (
        <line
          x1={bar.x - BAR_WIDTH}
          x2={bar.x + BAR_WIDTH}
          y1={bar.timeoutY}
          y2={bar.timeoutY}
          stroke={OKABE_ITO.vermillion}
          strokeWidth={2}
          data-role="timeout"
        />
      )}
      <title>{bar.label}</title>
      {bar.placed && (
        <text
          x={bar.placed.x}
          y={bar.placed.y}
          textAnchor={bar.placed.anchor}
          fontSize={bar.placed.fontSize}
          fill="#333"
          className={bar.open ? 'seq-label seq-bar-label' : 'seq-label seq-bar-owner'}
          // A bar's words must not take the click meant for the bar beside it.
          pointerEvents="none"
          paintOrder="stroke"
          stroke="#fff"
          strokeWidth={3}
          data-offset={bar.open ? bar.placed.y - bar.y2 : undefined}
        >
          {bar.placed.text}
        </text>
      )}
    </g>
  );
}, sameShape('bar'));

const ArrowShape = memo(function ArrowShape({
  arrow,
  selected,
  onSelect,
}: { arrow: Arrow } & Selectable) {
  const style = ARROW_STYLE[arrow.variant];
  const direction = arrow.x2 >= arrow.x1 ? 1 : -1;
  // The head is a marker; the shaft stops short of the tip so the head's point lands on the lifeline.
  return (
    <g
      data-kind={arrow.kind}
      data-conn={arrow.conn}
      data-seq={arrow.seq}
      data-variant={arrow.variant}
      data-count={arrow.count}
      pointerEvents="bounding-box"
      className="seq-step seq-arrow"
      onClick={() => onSelect?.(arrow.seq)}
    >
      <path
        d={`M${arrow.x1},${arrow.y}H${arrow.x2 - direction * 2}`}
        stroke={style.stroke}
        strokeWidth={selected ? 3.5 : 2}
        strokeDasharray={style.dash}
        markerEnd={`url(#seq-head-${arrow.variant})`}
      />
      {arrow.placed ? (
        <Label
          placed={arrow.placed}
          fill={
            arrow.variant === 'wasted' || arrow.variant === 'error' ? OKABE_ITO.vermillion : '#222'
          }
        />
      ) : (
        <title>{arrow.count > 1 ? `${arrow.label} (×${arrow.count})` : arrow.label}</title>
      )}
    </g>
  );
}, sameShape('arrow'));

/** Each mark's glyph at its point, by shape (a wait runs down to its end). */
const MARK_GLYPHS: Record<MarkShapeName, (mark: Mark) => ReactNode> = {
  cross: (mark) => (
    <path
      d={`M${mark.x - 5},${mark.y - 5}L${mark.x + 5},${mark.y + 5}M${mark.x - 5},${mark.y + 5}L${mark.x + 5},${mark.y - 5}`}
      stroke={OKABE_ITO.vermillion}
      strokeWidth={3}
    />
  ),
  wait: (mark) => (
    <line
      x1={mark.x}
      x2={mark.x}
      y1={mark.y}
      y2={mark.y2 ?? mark.y}
      stroke={OKABE_ITO.vermillion}
      strokeWidth={3}
      strokeDasharray="1 4"
      strokeLinecap="round"
    />
  ),
  close: (mark) => (
    <rect
      x={mark.x - 5}
      y={mark.y - 5}
      width={10}
      height={10}
      fill="#fff"
      stroke="#333"
      strokeWidth={2}
    />
  ),
  // A change of technique: a diamond.
  switch: (mark) => (
    <path
      d={`M${mark.x},${mark.y - 7}L${mark.x + 7},${mark.y}L${mark.x},${mark.y + 7}L${mark.x - 7},${mark.y}Z`}
      fill={OKABE_ITO.orange}
      stroke="#333"
      strokeWidth={1.5}
    />
  ),
  // A run begins here: a line across the whole diagram (counters count from it).
  segment: (mark) => (
    <line
      x1={0}
      x2={10_000}
      y1={mark.y}
      y2={mark.y}
      stroke="#333"
      strokeWidth={1.5}
      strokeDasharray="8 3 2 3"
    />
  ),
  tick: (mark) => (
    <line
      x1={mark.x - 8}
      x2={mark.x + 8}
      y1={mark.y}
      y2={mark.y}
      stroke={OKABE_ITO.vermillion}
      strokeWidth={3}
    />
  ),
  dot: (mark) => (
    <circle
      cx={mark.x}
      cy={mark.y}
      r={4}
      fill={mark.kind === 'deliver' ? OKABE_ITO.green : '#333'}
    />
  ),
};

const MarkShape = memo(function MarkShape({
  mark,
  selected,
  onSelect,
}: { mark: Mark } & Selectable) {
  const label: ReactNode = mark.placed ? (
    <>
      <Label placed={mark.placed} fill="#333" />
      {mark.placed.text !== mark.label && <title>{mark.label}</title>}
    </>
  ) : (
    <title>{mark.label}</title>
  );
  return (
    <g
      data-kind={mark.kind}
      data-conn={mark.conn}
      data-seq={mark.seq}
      className="seq-step seq-mark"
      onClick={() => onSelect?.(mark.seq)}
    >
      {(MARK_GLYPHS[mark.shape] ?? MARK_GLYPHS.dot)(mark)}
      {selected && (
        <circle cx={mark.x} cy={mark.y} r={8} fill="none" stroke="#000" strokeWidth={2} />
      )}
      {label}
    </g>
  );
}, sameShape('mark'));
