// Charts drawn in SVG (no chart library): a multi-series line chart over days and a value-flow
// diagram. Each is an <svg role="img"> with an aria-label and a text summary for screen readers.
// The drawing inside the <svg> is one markup string (dangerouslySetInnerHTML), not an element per
// line, bar and label: a chart is static, and as React elements its dozens to hundreds of nodes
// (90 days × 3 series of bars) would each be serialized into the page's RSC payload, decoded and
// hydrated on the main thread at load; as markup they are parsed by the browser's HTML parser and
// React hydrates one node per chart. Every value written into the markup goes through lib/svg's esc().
import { formatDay } from "@/lib/format";
import { el, esc } from "@/lib/svg";

export interface Series {
  name: string;
  color: string;
  points: { x: number; y: number }[];
}

const W = 640;
const H = 220;
const PAD = { l: 56, r: 12, t: 12, b: 28 };

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function compact(n: number): string {
  const a = Math.abs(n);
  const f = (x: number, s: string) => `${Number(x.toPrecision(3))}${s}`;
  if (a >= 1e9) return f(n / 1e9, "B");
  if (a >= 1e6) return f(n / 1e6, "M");
  if (a >= 1e3) return f(n / 1e3, "k");
  return f(n, "");
}

export function LineChart({ label, series, unit }: { label: string; series: Series[]; unit?: string }) {
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = series.flatMap((s) => s.points.map((p) => p.y));
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const maxY = niceMax(Math.max(0, ...ys));
  const sx = (x: number) => (maxX === minX ? PAD.l + (W - PAD.l - PAD.r) / 2 : PAD.l + ((x - minX) / (maxX - minX)) * (W - PAD.l - PAD.r));
  const sy = (y: number) => H - PAD.b - (y / maxY) * (H - PAD.t - PAD.b);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * maxY);
  // ticks at the data's own days (at most six), labelled once each
  const days = [...new Set(xs)].sort((a, b) => a - b);
  const step = Math.max(1, Math.ceil(days.length / 6));
  const xTicks = days.filter((_, i) => i % step === 0 || i === days.length - 1);
  const last = series.map((s) => `${s.name} ${s.points.length ? compact(s.points[s.points.length - 1].y) : "none"}${unit ? ` ${unit}` : ""}`).join(", ");
  const body = [
    ...ticks.map((t) => el("g", {}, el("line", { x1: PAD.l, x2: W - PAD.r, y1: sy(t), y2: sy(t), class: "grid" }) + el("text", { x: PAD.l - 6, y: sy(t) + 4, "text-anchor": "end", class: "axis" }, esc(compact(t))))),
    ...xTicks.map((x) => el("text", { x: sx(x), y: H - 8, "text-anchor": xTicks.length > 1 && x === maxX ? "end" : xTicks.length > 1 && x === minX ? "start" : "middle", class: "axis" }, esc(formatDay(x)))),
    ...series.map((s) =>
      s.points.length === 1
        ? el("circle", { cx: sx(s.points[0].x), cy: sy(s.points[0].y), r: 4, fill: s.color })
        : el("polyline", { fill: "none", stroke: s.color, "stroke-width": 2, "stroke-linejoin": "round", points: s.points.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(" ") }),
    ),
  ].join("");
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${label}: latest ${last}`} preserveAspectRatio="xMidYMid meet" dangerouslySetInnerHTML={{ __html: body }} />
      <Legend series={series} />
    </figure>
  );
}

function Legend({ series }: { series: Series[] }) {
  return (
    <figcaption className="legend">
      {series.map((s) => (
        <span key={s.name}><i style={{ background: s.color }} aria-hidden="true" />{s.name}</span>
      ))}
    </figcaption>
  );
}

/** Daily bars (e.g. minted vs burned per day), grouped. */
export function BarChart({ label, series, unit }: { label: string; series: Series[]; unit?: string }) {
  const days = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const maxY = niceMax(Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.y))));
  const band = (W - PAD.l - PAD.r) / Math.max(1, days.length);
  const bw = Math.min(28, (band * 0.8) / Math.max(1, series.length));
  const sy = (y: number) => H - PAD.b - (y / maxY) * (H - PAD.t - PAD.b);
  const ticks = [0, 0.5, 1].map((f) => f * maxY);
  const total = series.map((s) => `${s.name} ${compact(s.points.reduce((a, p) => a + p.y, 0))}${unit ? ` ${unit}` : ""}`).join(", ");
  const every = Math.max(1, Math.ceil(days.length / 6));
  const body = [
    ...ticks.map((t) => el("g", {}, el("line", { x1: PAD.l, x2: W - PAD.r, y1: sy(t), y2: sy(t), class: "grid" }) + el("text", { x: PAD.l - 6, y: sy(t) + 4, "text-anchor": "end", class: "axis" }, esc(compact(t))))),
    ...days.map((d, i) => {
      const x0 = PAD.l + i * band + (band - bw * series.length) / 2;
      const bars = series.map((s, j) => {
        const y = s.points.find((p) => p.x === d)?.y ?? 0;
        return el("rect", { x: x0 + j * bw, y: sy(y), width: Math.max(1, bw - 2), height: H - PAD.b - sy(y), fill: s.color });
      }).join("");
      const tick = i % every === 0 ? el("text", { x: PAD.l + i * band + band / 2, y: H - 8, "text-anchor": "middle", class: "axis" }, esc(formatDay(d))) : "";
      return el("g", {}, bars + tick);
    }),
  ].join("");
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${label}: totals ${total}`} preserveAspectRatio="xMidYMid meet" dangerouslySetInnerHTML={{ __html: body }} />
      <Legend series={series} />
    </figure>
  );
}

export interface Flow {
  name: string;
  value: number;
  color: string;
}

/** Value flows: a source amount split into where it went, as proportional bands. */
export function FlowChart({ label, source, flows, unit }: { label: string; source: Flow; flows: Flow[]; unit: string }) {
  const total = Math.max(source.value, flows.reduce((a, f) => a + f.value, 0), 1e-9);
  const FW = 640;
  const FH = 40 + flows.length * 34;
  const left = 150;
  const right = FW - 190;
  const srcH = FH - 20;
  let y = 10;
  const summary = flows.map((f) => `${f.name} ${compact(f.value)} ${unit}`).join(", ");
  const body = [
    el("rect", { x: 10, y: 10, width: 16, height: srcH, fill: source.color }),
    el("text", { x: 32, y: FH / 2 - 6, class: "flow-label" }, esc(source.name)),
    el("text", { x: 32, y: FH / 2 + 10, class: "axis" }, esc(`${compact(source.value)} ${unit}`)),
    ...flows.map((f, i) => {
      const h = Math.max(1.5, (f.value / total) * srcH);
      const ty = 14 + i * 34;
      const path = `M ${left} ${y} C ${(left + right) / 2} ${y}, ${(left + right) / 2} ${ty}, ${right} ${ty} L ${right} ${ty + Math.min(h, 28)} C ${(left + right) / 2} ${ty + Math.min(h, 28)}, ${(left + right) / 2} ${y + h}, ${left} ${y + h} Z`;
      const g = el("g", {}, [
        el("path", { d: path, fill: f.color, opacity: 0.55 }),
        el("rect", { x: right, y: ty, width: 8, height: Math.min(h, 28), fill: f.color }),
        el("text", { x: right + 14, y: ty + 11, class: "flow-label" }, esc(f.name)),
        el("text", { x: right + 14, y: ty + 25, class: "axis" }, esc(`${compact(f.value)} ${unit}`)),
      ].join(""));
      y += h;
      return g;
    }),
    el("line", { x1: 26, x2: left, y1: 10, y2: 10, class: "grid" }),
  ].join("");
  return (
    <figure className="chart flow">
      <svg viewBox={`0 0 ${FW} ${FH}`} role="img" aria-label={`${label}: ${source.name} ${compact(source.value)} ${unit} → ${summary}`} dangerouslySetInnerHTML={{ __html: body }} />
    </figure>
  );
}
