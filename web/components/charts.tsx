// Charts drawn in SVG (no chart library): a multi-series line chart over days and a value-flow
// diagram. Each is an <svg role="img"> with an aria-label and a text summary for screen readers.
// The drawing inside the <svg> is one markup string (dangerouslySetInnerHTML), not an element per
// line, bar and label: a chart is static, and as React elements its dozens to hundreds of nodes
// (90 days × 3 series of bars) would each be serialized into the page's RSC payload, decoded and
// hydrated on the main thread at load; as markup they are parsed by the browser's HTML parser and
// React hydrates one node per chart. Every value written into the markup goes through lib/svg's esc().
// The line and bar drawings (with their optional right-hand scale) are made in lib/charts.ts.
import { barChartMarkup, compact, flowChartMarkup, H, lineChartMarkup, W, WIDE, type Flow, type Series } from "@/lib/charts";

export type { Flow, Series };

/** `wide`: the chart spans the page (its viewBox is wider, so its labels keep a half-width chart's size). */
export function LineChart({ label, series, unit, wide }: { label: string; series: Series[]; unit?: string; wide?: boolean }) {
  const width = wide ? WIDE : W;
  const { body, summary } = lineChartMarkup(series, unit, width);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${H}`} role="img" aria-label={`${label}: latest ${summary}`} preserveAspectRatio="xMidYMid meet" dangerouslySetInnerHTML={{ __html: body }} />
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
export function BarChart({ label, series, unit, wide }: { label: string; series: Series[]; unit?: string; wide?: boolean }) {
  const width = wide ? WIDE : W;
  const { body, summary } = barChartMarkup(series, unit, width);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${H}`} role="img" aria-label={`${label}: totals ${summary}`} preserveAspectRatio="xMidYMid meet" dangerouslySetInnerHTML={{ __html: body }} />
      <Legend series={series} />
    </figure>
  );
}

/** Value flows: a source amount split into where it went, as proportional bands. */
export function FlowChart({ label, source, flows, unit }: { label: string; source: Flow; flows: Flow[]; unit: string }) {
  const { body, width, height, summary } = flowChartMarkup(source, flows, unit);
  return (
    <figure className="chart flow">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${label}: ${source.name} ${compact(source.value)} ${unit} → ${summary}`} dangerouslySetInnerHTML={{ __html: body }} />
    </figure>
  );
}
