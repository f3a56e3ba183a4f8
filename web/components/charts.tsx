// Charts drawn in SVG (no chart library): a multi-series line chart over days and a value-flow
// diagram. Each is an <svg role="img"> with an aria-label and a text summary for screen readers.
// The drawing inside the <svg> is one markup string (dangerouslySetInnerHTML), not an element per
// line, bar and label: a chart is static, and as React elements its dozens to hundreds of nodes
// (90 days × 3 series of bars) would each be serialized into the page's RSC payload, decoded and
// hydrated on the main thread at load; as markup they are parsed by the browser's HTML parser and
// React hydrates one node per chart. Every value written into the markup goes through lib/svg's esc().
// The line and bar drawings (with their optional right-hand scale) are made in lib/charts.ts.
import { barChartMarkup, compact, H, lineChartMarkup, W, type Series } from "@/lib/charts";
import { esc, el } from "@/lib/svg";

export type { Series };

export function LineChart({ label, series, unit }: { label: string; series: Series[]; unit?: string }) {
  const { body, summary } = lineChartMarkup(series, unit);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${label}: latest ${summary}`} preserveAspectRatio="xMidYMid meet" dangerouslySetInnerHTML={{ __html: body }} />
      <Legend series={series} />
    </figure>
  );
}

function Legend({ series }: { series: Series[] }) {
  const twoScales = series.some((s) => s.axis === "right");
  return (
    <figcaption className="legend">
      {series.map((s) => (
        <span key={s.name}><i style={{ background: s.color }} aria-hidden="true" />{s.name}{twoScales ? (s.axis === "right" ? " (right scale)" : " (left scale)") : ""}</span>
      ))}
    </figcaption>
  );
}

/** Daily bars (e.g. job volume and burned per day), grouped. */
export function BarChart({ label, series, unit }: { label: string; series: Series[]; unit?: string }) {
  const { body, summary } = barChartMarkup(series, unit);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${label}: totals ${summary}`} preserveAspectRatio="xMidYMid meet" dangerouslySetInnerHTML={{ __html: body }} />
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
