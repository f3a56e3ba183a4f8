// The drawings of components/charts.tsx as SVG markup strings (lib/svg), apart from React so that
// they can be tested: a line chart and a grouped bar chart over days. A series may be drawn against
// a second scale on the right (`axis: "right"`): amounts that differ by orders of magnitude (COMPUTE
// burned against its supply, burns against job volume) both stay readable in one chart, instead of
// the smaller lying flat on zero.
import { formatDay } from "./format.ts";
import { el, esc } from "./svg.ts";

export interface Series {
  name: string;
  color: string;
  points: { x: number; y: number }[];
  /** Drawn against the right-hand scale (labelled in this series' colour). */
  axis?: "left" | "right";
}

export const W = 640;
/** The viewBox width of a chart that spans the page (~1,100 px on a desktop). */
export const WIDE = 1100;
/**
 * The viewBox width of the same chart on a phone (a chart ~320–500 px wide): drawn at W, its labels
 * would shrink to ~6–8 px there; at NARROW they keep ~11–16 px. components/charts.tsx renders both
 * and a container query shows the one that fits.
 */
export const NARROW = 360;
export const H = 220;
const PAD = { l: 56, t: 12, b: 28 };
/** Right padding: room for the right-hand scale's labels when a series uses it. */
const padRight = (right: boolean) => (right ? 56 : 12);

/** The smallest of 1, 2, 2.5, 5 × a power of ten at or above v (1 for nothing to show). */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** 1.2B, 3.4M, 5.6k, 12.3: three significant digits. */
export function compact(n: number): string {
  const a = Math.abs(n);
  const f = (x: number, s: string) => `${Number(x.toPrecision(3))}${s}`;
  if (a >= 1e9) return f(n / 1e9, "B");
  if (a >= 1e6) return f(n / 1e6, "M");
  if (a >= 1e3) return f(n / 1e3, "k");
  return f(n, "");
}

const onRight = (s: Series) => s.axis === "right";

/** Least distance between two x-axis labels, in viewBox units (a day label is ~40 wide). */
export const MIN_TICK_GAP = 64;
/** Half a day label's width ("Dec 28" at 12 px is ~40 units), for keeping labels inside the plot's edges. */
const LABEL_HALF = 21;
/** A day label's anchor at x: centred on it, or ending / starting at it near the plot's right / left edge. */
const tickAnchor = (x: number, plotRight: number) => (x > plotRight - LABEL_HALF ? "end" : x < PAD.l + LABEL_HALF ? "start" : "middle");
/** How many day labels fit under a plot this wide (six in a half-width chart). */
const tickCount = (plotWidth: number) => Math.max(2, Math.floor(plotWidth / 95));

/**
 * The x-axis labels of a line chart whose points are at `xs` (seconds, sorted or not): each day
 * labelled once (at its first point), at most `most`, none closer than MIN_TICK_GAP to the one
 * before; the last day is always labelled (a label too close before it gives way).
 */
export function dayTicks(xs: number[], sx: (x: number) => number, most = 6): number[] {
  const firsts: number[] = [];
  let prev = "";
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
    const label = formatDay(x);
    if (label !== prev) firsts.push(x);
    prev = label;
  }
  if (firsts.length === 0) return [];
  const step = Math.max(1, Math.ceil(firsts.length / most));
  const last = firsts[firsts.length - 1];
  const out: number[] = [];
  for (const [i, x] of firsts.entries()) {
    if (i % step !== 0 || x === last) continue;
    if (out.length > 0 && sx(x) - sx(out[out.length - 1]) < MIN_TICK_GAP) continue;
    out.push(x);
  }
  while (out.length > 0 && sx(last) - sx(out[out.length - 1]) < MIN_TICK_GAP) out.pop();
  out.push(last);
  return out;
}

/** A vertical scale for these series: its top value and the y of a value in the plot. */
function scale(series: Series[]) {
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.y))));
  const bottom = H - PAD.b;
  return { max, y: (v: number) => bottom - (v / max) * (bottom - PAD.t) };
}

/** Grid lines with the left scale's labels, and the right scale's labels (in its series' colour) where one is used. */
function gridMarkup(fractions: number[], left: ReturnType<typeof scale>, right: ReturnType<typeof scale> | undefined, rightColor: string | undefined, plotRight: number): string {
  return fractions.map((f) => {
    const y = left.y(f * left.max);
    let g = el("line", { x1: PAD.l, x2: plotRight, y1: y, y2: y, class: "grid" }) + el("text", { x: PAD.l - 6, y: y + 4, "text-anchor": "end", class: "axis" }, esc(compact(f * left.max)));
    if (right) g += el("text", { x: plotRight + 6, y: y + 4, "text-anchor": "start", class: "axis right", style: rightColor ? `fill:${rightColor}` : undefined }, esc(compact(f * right.max)));
    return el("g", {}, g);
  }).join("");
}

/** The colour of the right-hand scale's labels: its series' own when there is one, else none (the theme's). */
const rightColour = (series: Series[]) => {
  const r = series.filter(onRight);
  return r.length === 1 ? r[0].color : undefined;
};

/**
 * A multi-series line chart over days: its markup and a text summary (each series' latest value).
 * `width` is the viewBox's: wider for a chart that spans the page, so that its labels are drawn at
 * the same size as in a half-width one.
 */
export function lineChartMarkup(series: Series[], unit?: string, width = W): { body: string; summary: string } {
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const hasRight = series.some(onRight);
  const plotRight = width - padRight(hasRight);
  const left = scale(series.filter((s) => !onRight(s)));
  const right = hasRight ? scale(series.filter(onRight)) : undefined;
  const sx = (x: number) => (maxX === minX ? PAD.l + (plotRight - PAD.l) / 2 : PAD.l + ((x - minX) / (maxX - minX)) * (plotRight - PAD.l));
  const xTicks = dayTicks(xs, sx, tickCount(plotRight - PAD.l));
  const body = [
    gridMarkup([0, 0.25, 0.5, 0.75, 1], left, right, rightColour(series), plotRight),
    ...xTicks.map((x) => el("text", { x: sx(x), y: H - 8, "text-anchor": tickAnchor(sx(x), plotRight), class: "axis" }, esc(formatDay(x)))),
    ...series.map((s) => {
      const sy = onRight(s) && right ? right.y : left.y;
      return s.points.length === 1
        ? el("circle", { cx: sx(s.points[0].x), cy: sy(s.points[0].y), r: 4, fill: s.color })
        : el("polyline", { fill: "none", stroke: s.color, "stroke-width": 2, "stroke-linejoin": "round", points: s.points.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(" ") });
    }),
  ].join("");
  const summary = series.map((s) => `${s.name} ${s.points.length ? compact(s.points[s.points.length - 1].y) : "none"}${unit ? ` ${unit}` : ""}${onRight(s) ? " (right-hand scale)" : ""}`).join(", ");
  return { body, summary };
}

/** Daily bars, grouped by day: its markup and a text summary (each series' total). `width`: as lineChartMarkup's. */
export function barChartMarkup(series: Series[], unit?: string, width = W): { body: string; summary: string } {
  const days = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const hasRight = series.some(onRight);
  const plotRight = width - padRight(hasRight);
  const left = scale(series.filter((s) => !onRight(s)));
  const right = hasRight ? scale(series.filter(onRight)) : undefined;
  const band = (plotRight - PAD.l) / Math.max(1, days.length);
  const bw = Math.min(28, (band * 0.8) / Math.max(1, series.length));
  const every = Math.max(1, Math.ceil(days.length / tickCount(plotRight - PAD.l)));
  const body = [
    gridMarkup([0, 0.5, 1], left, right, rightColour(series), plotRight),
    ...days.map((d, i) => {
      const x0 = PAD.l + i * band + (band - bw * series.length) / 2;
      const bars = series.map((s, j) => {
        const sy = onRight(s) && right ? right.y : left.y;
        const y = s.points.find((p) => p.x === d)?.y ?? 0;
        return el("rect", { x: x0 + j * bw, y: sy(y), width: Math.max(1, bw - 2), height: H - PAD.b - sy(y), fill: s.color });
      }).join("");
      const tx = PAD.l + i * band + band / 2;
      const tick = i % every === 0 ? el("text", { x: tx, y: H - 8, "text-anchor": tickAnchor(tx, plotRight), class: "axis" }, esc(formatDay(d))) : "";
      return el("g", {}, bars + tick);
    }),
  ].join("");
  const summary = series.map((s) => `${s.name} ${compact(s.points.reduce((a, p) => a + p.y, 0))}${unit ? ` ${unit}` : ""}${onRight(s) ? " (right-hand scale)" : ""}`).join(", ");
  return { body, summary };
}

export interface Flow {
  name: string;
  value: number;
  color: string;
}

/** Least thickness of a flow's band, and the gap after a thin one (viewBox units). */
export const MIN_BAND = 5;
const BAND_GAP = 2;
/** The value-flow diagram's viewBox width on a phone (its labels need ~150 units beside the bands). */
export const FLOW_NARROW = 400;

/**
 * Value flows: a source amount split into where it went, as bands from the source's bar to each
 * flow's label. A band is MIN_BAND thick plus its share of the rest of the bar: flows far smaller
 * than the source (burns against the minted supply) stay visible as ribbons instead of hairlines,
 * their amounts in the labels, and the bands never run past the bar.
 */
export function flowChartMarkup(source: Flow, flows: Flow[], unit: string, narrow = false): { body: string; width: number; height: number; summary: string } {
  const total = Math.max(source.value, flows.reduce((a, f) => a + f.value, 0), 1e-9);
  // narrow (a phone): the source's name and amount on a line above its bar, the bar at the left edge
  const width = narrow ? FLOW_NARROW : 640;
  const head = narrow ? 22 : 0;
  const height = head + 40 + flows.length * 34;
  const bar = narrow ? 0 : 124;
  const barW = narrow ? 12 : 16;
  const left = bar + barW;
  const right = width - (narrow ? 186 : 190);
  const srcH = height - head - 20;
  const shared = srcH - flows.length * (MIN_BAND + BAND_GAP);
  let y = head + 10;
  const summary = flows.map((f) => `${f.name} ${compact(f.value)} ${unit}`).join(", ");
  const mid = (left + right) / 2;
  const sourceLabel = narrow
    ? [el("text", { x: 0, y: 14, class: "flow-label" }, esc(source.name) + el("tspan", { dx: 8, class: "axis" }, esc(`${compact(source.value)} ${unit}`)))]
    : [
        el("text", { x: bar - 8, y: height / 2 - 6, "text-anchor": "end", class: "flow-label" }, esc(source.name)),
        el("text", { x: bar - 8, y: height / 2 + 10, "text-anchor": "end", class: "axis" }, esc(`${compact(source.value)} ${unit}`)),
      ];
  const body = [
    el("rect", { x: bar, y: head + 10, width: barW, height: srcH, fill: source.color }),
    ...sourceLabel,
    ...flows.map((f, i) => {
      const h = f.value > 0 ? MIN_BAND + (f.value / total) * shared : 1;
      const end = Math.min(h, 28);
      const ty = head + 14 + i * 34;
      const path = `M ${left} ${y} C ${mid} ${y}, ${mid} ${ty}, ${right} ${ty} L ${right} ${ty + end} C ${mid} ${ty + end}, ${mid} ${y + h}, ${left} ${y + h} Z`;
      const g = el("g", { class: "flow-band" }, [
        el("path", { d: path, fill: f.color, opacity: 0.55 }),
        el("rect", { x: right, y: ty, width: 8, height: end, fill: f.color }),
        el("text", { x: right + 14, y: ty + 11, class: "flow-label" }, esc(f.name)),
        el("text", { x: right + 14, y: ty + 25, class: "axis" }, esc(`${compact(f.value)} ${unit}`)),
      ].join(""));
      y += h + BAND_GAP;
      return g;
    }),
  ].join("");
  return { body, width, height, summary };
}
