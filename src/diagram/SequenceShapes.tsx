import { memo } from 'react';
import type { Arrow, Bar, Mark, SequenceLayout } from './layout';
import { BAR_WIDTH } from './layout';
import { SERVER_ACTOR } from './trace-index';
import { ARROW_STYLE, BAR_STYLE, OKABE_ITO } from './palette';

interface ShapesProps {
  layout: SequenceLayout;
  width: number;
  height: number;
  selectedSeq: number | null;
  onSelect?: (seq: number) => void;
}

const HEAD = 7;
/** Longer mark labels (error messages) are cut here on the diagram; the inspector has them whole. */
const MARK_LABEL_CHARS = 34;

const LANE_TOP = 34;

/**
 * Draws a laid-out window. Lifelines and lane headers stay put; everything on
 * the time axis sits in one group moved by `scrollY`, so following live traffic
 * moves a transform instead of redrawing every shape. Every drawn step carries
 * its trace kind and connection.
 */
export function SequenceShapes({ layout, width, height, selectedSeq, onSelect }: ShapesProps) {
  return (
    <>
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
      <g clipPath="url(#seq-clip)">
        <g transform={`translate(0,${-layout.scrollY})`} className="seq-scroll">
          <g className="seq-axis" aria-hidden="true">
            {layout.ticks.map((tick) => (
              <g key={tick.t} transform={`translate(0,${tick.y})`}>
                <line x1={0} x2={width} stroke="#e6e6e6" />
                <text x={4} y={-3} fontSize={10} fill="#666">
                  {tick.label}
                </text>
              </g>
            ))}
          </g>
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
              <text x={width - 6} y={band.y1 + 12} textAnchor="end" fontSize={11}>
                {band.label}
              </text>
            </g>
          ))}
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
        </g>
      </g>
      {layout.lanes.map((lane) => (
        <g key={lane.actor} className={`seq-lane seq-lane--${lane.role}`} data-lane={lane.actor}>
          <rect
            x={lane.x - 44}
            y={4}
            width={88}
            height={24}
            rx={4}
            fill={lane.role === 'server' ? '#333' : '#fff'}
            stroke="#333"
          />
          <text
            x={lane.x}
            y={20}
            textAnchor="middle"
            fontSize={13}
            fontWeight={600}
            fill={lane.role === 'server' ? '#fff' : '#111'}
          >
            {lane.label}
          </text>
        </g>
      ))}
    </>
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
    a.chunk.arrows.every(
      (arrow, i) =>
        arrow.seq === b.chunk.arrows[i]!.seq && arrow.count === b.chunk.arrows[i]!.count,
    ) &&
    a.chunk.marks.every((mark, i) => mark.seq === b.chunk.marks[i]!.seq),
);

/**
 * Layout objects are made afresh every frame; a shape redraws only when one of
 * its fields changed, so scrolling live traffic touches just the new shapes.
 */
function sameShape<P extends Selectable>(a: P, b: P): boolean {
  if (a.selected !== b.selected || a.onSelect !== b.onSelect) return false;
  const shapeA = Object.values(a).find(
    (v): v is Record<string, unknown> => typeof v === 'object' && v !== null,
  );
  const shapeB = Object.values(b).find(
    (v): v is Record<string, unknown> => typeof v === 'object' && v !== null,
  );
  if (!shapeA || !shapeB) return shapeA === shapeB;
  const keys = Object.keys(shapeA);
  return (
    keys.length === Object.keys(shapeB).length && keys.every((key) => shapeA[key] === shapeB[key])
  );
}

interface Selectable {
  selected: boolean;
  onSelect: ((seq: number) => void) | undefined;
}

const BarShape = memo(function BarShape({ bar, selected, onSelect }: { bar: Bar } & Selectable) {
  const style = BAR_STYLE[bar.kind];
  return (
    <g
      data-kind={bar.kind}
      data-conn={bar.conn}
      data-seq={bar.startSeq}
      data-open={bar.open}
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
      {bar.open && bar.remainingMs !== undefined && (
        // The live countdown. Bars of different receivers end together at "now":
        // each column's label sits a line higher than the one nearer the server.
        <text
          x={bar.x + (bar.side > 0 ? BAR_WIDTH : -BAR_WIDTH)}
          y={bar.y2 - 4 - bar.column * 12}
          textAnchor={bar.side > 0 ? 'start' : 'end'}
          fontSize={10}
          fill="#333"
          className="seq-bar-label"
          paintOrder="stroke"
          stroke="#fff"
          strokeWidth={3}
        >
          {bar.label}
        </text>
      )}
    </g>
  );
}, sameShape);

const ArrowShape = memo(function ArrowShape({
  arrow,
  selected,
  onSelect,
}: { arrow: Arrow } & Selectable) {
  const style = ARROW_STYLE[arrow.variant];
  const direction = arrow.x2 >= arrow.x1 ? 1 : -1;
  const tipX = arrow.x2;
  // The head is a marker; the shaft stops short of the tip so the head's point lands on the lifeline.
  // Labels sit next to the participant's lane, on the server's side, so that
  // arrows of different receivers at the same moment never print over each other.
  const clientX = arrow.to === SERVER_ACTOR ? arrow.x1 : arrow.x2;
  const towardServer = (arrow.to === SERVER_ACTOR ? arrow.x2 : arrow.x1) >= clientX ? 1 : -1;
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
        d={`M${arrow.x1},${arrow.y}H${tipX - direction * 2}`}
        stroke={style.stroke}
        strokeWidth={selected ? 3.5 : 2}
        strokeDasharray={style.dash}
        markerEnd={`url(#seq-head-${arrow.variant})`}
      />
      {arrow.showLabel && (
        <text
          x={clientX + towardServer * 10}
          y={arrow.y - 4}
          textAnchor={towardServer > 0 ? 'start' : 'end'}
          fontSize={11}
          fill={
            arrow.variant === 'wasted' || arrow.variant === 'error' ? OKABE_ITO.vermillion : '#222'
          }
          paintOrder="stroke"
          stroke="#fff"
          strokeWidth={3}
        >
          {arrow.count > 1 ? `${arrow.label} (×${arrow.count})` : arrow.label}
        </text>
      )}
    </g>
  );
}, sameShape);

const MarkShape = memo(function MarkShape({
  mark,
  selected,
  onSelect,
}: { mark: Mark } & Selectable) {
  const common = {
    'data-kind': mark.kind,
    'data-conn': mark.conn,
    'data-seq': mark.seq,
    className: 'seq-step seq-mark',
    onClick: () => onSelect?.(mark.seq),
  };
  // Beside the lane, on the server's side, so labels at the diagram's edge are not cut off.
  const towardServer = mark.towardServer;
  const label = (
    <text
      x={mark.x + towardServer * 8}
      // A wait's label sits halfway down its dotted line, clear of the error that caused it.
      y={
        mark.shape === 'wait' && mark.y2 !== undefined
          ? Math.max(mark.y + 13, (mark.y + mark.y2) / 2 + 4)
          : mark.y + 13
      }
      textAnchor={towardServer > 0 ? 'start' : 'end'}
      fontSize={10}
      fill="#333"
      paintOrder="stroke"
      stroke="#fff"
      strokeWidth={3}
    >
      {mark.label.length > MARK_LABEL_CHARS
        ? `${mark.label.slice(0, MARK_LABEL_CHARS - 1)}…`
        : mark.label}
      {mark.label.length > MARK_LABEL_CHARS && <title>{mark.label}</title>}
    </text>
  );
  const ring = selected ? (
    <circle cx={mark.x} cy={mark.y} r={8} fill="none" stroke="#000" strokeWidth={2} />
  ) : null;
  switch (mark.shape) {
    case 'cross':
      return (
        <g {...common}>
          <path
            d={`M${mark.x - 5},${mark.y - 5}L${mark.x + 5},${mark.y + 5}M${mark.x - 5},${mark.y + 5}L${mark.x + 5},${mark.y - 5}`}
            stroke={OKABE_ITO.vermillion}
            strokeWidth={3}
          />
          {ring}
          {label}
        </g>
      );
    case 'wait':
      return (
        <g {...common}>
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
          {ring}
          {label}
        </g>
      );
    case 'close':
      return (
        <g {...common}>
          <rect
            x={mark.x - 5}
            y={mark.y - 5}
            width={10}
            height={10}
            fill="#fff"
            stroke="#333"
            strokeWidth={2}
          />
          {ring}
          {label}
        </g>
      );
    case 'switch':
      // A change of technique: a diamond.
      return (
        <g {...common}>
          <path
            d={`M${mark.x},${mark.y - 7}L${mark.x + 7},${mark.y}L${mark.x},${mark.y + 7}L${mark.x - 7},${mark.y}Z`}
            fill={OKABE_ITO.orange}
            stroke="#333"
            strokeWidth={1.5}
          />
          {ring}
          {label}
        </g>
      );
    case 'tick':
      return (
        <g {...common}>
          <line
            x1={mark.x - 8}
            x2={mark.x + 8}
            y1={mark.y}
            y2={mark.y}
            stroke={OKABE_ITO.vermillion}
            strokeWidth={3}
          />
          {ring}
          {label}
        </g>
      );
    default:
      return (
        <g {...common}>
          <circle
            cx={mark.x}
            cy={mark.y}
            r={4}
            fill={mark.kind === 'deliver' ? OKABE_ITO.green : '#333'}
          />
          {ring}
          {label}
        </g>
      );
  }
}, sameShape);
