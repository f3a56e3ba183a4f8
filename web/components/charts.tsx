// Charts drawn in SVG (no chart library): a multi-series line chart over days and a value-flow
// diagram. Each is an <svg role="img"> with an aria-label and a text summary for screen readers.
// The drawing inside the <svg> is one markup string (dangerouslySetInnerHTML), not an element per
// line, bar and label: a chart is static, and as React elements its dozens to hundreds of nodes
// (90 days × 3 series of bars) would each be serialized into the page's RSC payload, decoded and
// hydrated on the main thread at load; as markup they are parsed by the browser's HTML parser and
// React hydrates one node per chart. Every value written into the markup goes through lib/svg's esc().
// The line and bar drawings (with their optional right-hand scale) are made in lib/charts.ts.
//
// A chart scales its viewBox to its box, so its labels shrink with the box: drawn for a desktop's
// half-width chart, they would be ~6 px on a phone. Each chart is therefore drawn at up to three
// viewBox widths (a page-wide one, the half-width one, a phone's), and a container query on the
// <figure> (globals.css, "charts") shows the one whose labels keep a readable size; the others are
// display: none, out of the layout and the accessibility tree.
import { barChartMarkup, compact, flowChartMarkup, H, lineChartMarkup, NARROW, W, WIDE, type Flow, type Series } from "@/lib/charts";

export type { Flow, Series };

/** One drawing of a chart: the class globals.css shows it by, its viewBox and its markup. */
interface Drawing { variant: "wide" | "normal" | "narrow"; width: number; height: number; body: string }

/** The viewBox widths a line or bar chart is drawn at: a page-wide chart at all three. */
const widths = (wide?: boolean) => (wide ? [["wide", WIDE], ["normal", W], ["narrow", NARROW]] as const : [["normal", W], ["narrow", NARROW]] as const);

/** The drawings of one chart, each shown by globals.css at the sizes it suits. */
function Drawings({ label, drawings }: { label: string; drawings: Drawing[] }) {
  return (
    <>
      {drawings.map((d) => (
        <svg key={d.variant} className={`v-${d.variant}`} viewBox={`0 0 ${d.width} ${d.height}`} role="img" aria-label={label} preserveAspectRatio="xMidYMid meet" dangerouslySetInnerHTML={{ __html: d.body }} />
      ))}
    </>
  );
}

/** `wide`: the chart spans the page (its viewBox is wider, so its labels keep a half-width chart's size). */
export function LineChart({ label, series, unit, wide }: { label: string; series: Series[]; unit?: string; wide?: boolean }) {
  const drawn = widths(wide).map(([variant, width]) => ({ variant, width, height: H, ...lineChartMarkup(series, unit, width) }));
  return (
    <figure className={wide ? "chart wide" : "chart"}>
      <Drawings label={`${label}: latest ${drawn[0].summary}`} drawings={drawn} />
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
  const drawn = widths(wide).map(([variant, width]) => ({ variant, width, height: H, ...barChartMarkup(series, unit, width) }));
  return (
    <figure className={wide ? "chart wide" : "chart"}>
      <Drawings label={`${label}: totals ${drawn[0].summary}`} drawings={drawn} />
      <Legend series={series} />
    </figure>
  );
}

/** Value flows: a source amount split into where it went, as proportional bands. */
export function FlowChart({ label, source, flows, unit }: { label: string; source: Flow; flows: Flow[]; unit: string }) {
  const drawn = ([["normal", false], ["narrow", true]] as const).map(([variant, narrow]) => ({ variant, ...flowChartMarkup(source, flows, unit, narrow) }));
  return (
    <figure className="chart flow">
      <Drawings label={`${label}: ${source.name} ${compact(source.value)} ${unit} → ${drawn[0].summary}`} drawings={drawn} />
    </figure>
  );
}
