import { test } from "node:test";
import assert from "node:assert/strict";
import { barChartMarkup, compact, dayTicks, FLOW_NARROW, flowChartMarkup, H, lineChartMarkup, MIN_BAND, MIN_TICK_GAP, NARROW, niceMax, W, WIDE } from "./charts.ts";
import { formatDay } from "./format.ts";

const DAY = 86_400;
const days = [0, 1, 2, 3].map((i) => 1_796_000_000 + i * DAY);
const PLOT_TOP = 12;
const PLOT_BOTTOM = H - 28;

/** The points of each polyline, in order. */
function polylines(body: string): { x: number; y: number }[][] {
  return [...body.matchAll(/<polyline [^>]*points="([^"]+)"/g)].map((m) => m[1].split(" ").map((p) => {
    const [x, y] = p.split(",").map(Number);
    return { x, y };
  }));
}

/** Every bar's fill and height. */
function bars(body: string): { fill: string; height: number }[] {
  return [...body.matchAll(/<rect [^>]*height="([^"]+)" fill="([^"]+)"/g)].map((m) => ({ height: Number(m[1]), fill: m[2] }));
}

test("niceMax and compact", () => {
  assert.equal(niceMax(0), 1);
  assert.equal(niceMax(60.24), 100);
  assert.equal(niceMax(3_000_010_748), 5e9);
  assert.equal(niceMax(2.1), 2.5);
  assert.equal(compact(3_000_010_748), "3B");
  assert.equal(compact(25_483.23), "25.5k");
  assert.equal(compact(60.2409), "60.2");
});

test("a series on the right-hand scale is drawn against its own maximum, not lying flat on zero", () => {
  const supply = { name: "Supply", color: "#2563eb", points: days.map((x) => ({ x, y: 3e9 })) };
  const burned = { name: "Burned", color: "#dc2626", points: days.map((x, i) => ({ x, y: 20 * i })) };
  // one scale: 60 against 3B is on the bottom line
  const [, flat] = polylines(lineChartMarkup([supply, burned]).body);
  assert.ok(flat.every((p) => Math.abs(p.y - PLOT_BOTTOM) < 0.1), "on one scale the burns lie on zero");
  // two scales: the burns rise from the bottom towards the top
  const { body, summary } = lineChartMarkup([supply, { ...burned, axis: "right" }], "COMPUTE");
  const [s, b] = polylines(body);
  assert.ok(Math.abs(b[0].y - PLOT_BOTTOM) < 0.1);
  assert.ok(b[3].y < PLOT_BOTTOM - 100, `the last burn is drawn well above zero (y ${b[3].y})`);
  assert.ok(b[3].y >= PLOT_TOP);
  assert.ok(b[1].y > b[2].y && b[2].y > b[3].y, "rising");
  // the supply keeps its own scale (3B of 5B)
  assert.ok(Math.abs(s[0].y - (PLOT_BOTTOM - 0.6 * (PLOT_BOTTOM - PLOT_TOP))) < 0.1);
  // both scales are labelled: 5B on the left, 100 on the right in the burns' colour
  assert.match(body, /text-anchor="end" class="axis">5B</);
  assert.match(body, /text-anchor="start" class="axis right" style="fill:#dc2626">100</);
  assert.equal(summary, "Supply 3B COMPUTE, Burned 60 COMPUTE (right-hand scale)");
});

test("without a right-hand series there is no right-hand scale", () => {
  const { body } = lineChartMarkup([{ name: "Staked", color: "#0f766e", points: days.map((x) => ({ x, y: 1e6 })) }]);
  assert.doesNotMatch(body, /class="axis right"/);
});

test("bars on the right-hand scale are sized against it", () => {
  const volume = { name: "Job volume", color: "#0891b2", points: days.map((x) => ({ x, y: 25_000 })) };
  const burned = { name: "Burned", color: "#dc2626", axis: "right" as const, points: days.map((x) => ({ x, y: 50 })) };
  const { body, summary } = barChartMarkup([volume, burned], "COMPUTE");
  const red = bars(body).filter((r) => r.fill === "#dc2626");
  const blue = bars(body).filter((r) => r.fill === "#0891b2");
  assert.equal(red.length, days.length);
  assert.equal(blue.length, days.length);
  const full = PLOT_BOTTOM - PLOT_TOP;
  // 50 of a 50 scale: full height; 25k of a 25k scale: full height
  for (const r of red) assert.ok(Math.abs(r.height - full) < 0.1, `burn bar ${r.height}`);
  for (const r of blue) assert.ok(Math.abs(r.height - full) < 0.1);
  assert.equal(summary, "Job volume 100k COMPUTE, Burned 200 COMPUTE (right-hand scale)");
  // on one scale the burn bars would be 50/25,000 of the height
  const one = bars(barChartMarkup([volume, { ...burned, axis: undefined }]).body).filter((r) => r.fill === "#dc2626");
  for (const r of one) assert.ok(r.height < 1);
});

test("names and labels cannot open markup", () => {
  const { body } = lineChartMarkup([{ name: "x", color: `red" onload="alert(1)`, points: [{ x: days[0], y: 1 }] }]);
  assert.doesNotMatch(body, /onload="/);
});

test("day labels: each day once, none overlapping, the last day always shown", () => {
  const sx = (x: number) => 56 + ((x - days[0]) / (3.2 * DAY)) * 572;
  // points at settlements: several a day, the last three minutes apart (drawn at nearly one x)
  const xs = [days[0] + 100, days[1] + 10, days[2] + 7, days[3] - 600, days[3] + 300, days[3] + 400, days[3] + 500];
  const ticks = dayTicks(xs, sx);
  const labels = ticks.map((x) => formatDay(x));
  assert.equal(new Set(labels).size, labels.length, `no day twice: ${labels.join(", ")}`);
  assert.equal(labels[labels.length - 1], formatDay(days[3]), "the last day is labelled");
  for (let i = 1; i < ticks.length; i++) assert.ok(sx(ticks[i]) - sx(ticks[i - 1]) >= MIN_TICK_GAP, `labels ${labels[i - 1]} and ${labels[i]} do not overlap`);
  assert.deepEqual(labels, days.map((d) => formatDay(d)), "every day has its label");
  // in the drawn chart, the same labels
  const { body } = lineChartMarkup([{ name: "Earned", color: "#16a34a", points: xs.map((x, i) => ({ x, y: i })) }]);
  const drawn = [...body.matchAll(/class="axis">([A-Z][a-z]{2} \d+)</g)].map((m) => m[1]);
  assert.deepEqual(drawn, labels);
});

test("a wide chart draws to its own width and labels more days, at the same size", () => {
  const many = Array.from({ length: 30 }, (_, i) => 1_796_000_000 + i * DAY);
  const series = [{ name: "Revenue", color: "#2563eb", points: many.map((x) => ({ x, y: 200 })) }];
  const narrow = barChartMarkup(series).body;
  const wide = barChartMarkup(series, undefined, WIDE).body;
  const labels = (b: string) => [...b.matchAll(/class="axis">([A-Z][a-z]{2} \d+)</g)].length;
  assert.ok(labels(wide) > labels(narrow), `${labels(wide)} labels against ${labels(narrow)}`);
  assert.ok(labels(narrow) <= 6);
  const rightmost = (b: string) => Math.max(...[...b.matchAll(/<rect x="([^"]+)" y="[^"]+" width="([^"]+)"/g)].map((m) => Number(m[1]) + Number(m[2])));
  assert.ok(rightmost(narrow) <= W && rightmost(wide) > W && rightmost(wide) <= WIDE);
});

test("value flows: a flow far smaller than the source is still a visible band, and the bands stay on the source's bar", () => {
  const source = { name: "Minted", value: 3e9, color: "#2563eb" };
  const flows = [
    { name: "Spent on jobs", value: 25_000, color: "#0891b2" },
    { name: "Invested in ventures", value: 1_050_000, color: "#7c3aed" },
    { name: "Burned", value: 97, color: "#dc2626" },
    { name: "Nothing yet", value: 0, color: "#16a34a" },
  ];
  const { body, height, summary } = flowChartMarkup(source, flows, "COMPUTE");
  const bar = [...body.matchAll(/<rect x="124" y="10" width="16" height="([^"]+)"/g)].map((m) => Number(m[1]))[0];
  // each band's path: from (left, top) … back to (left, bottom)
  const bands = [...body.matchAll(/<path d="M 140 ([\d.]+) [^"]* 140 ([\d.]+) Z"/g)].map((m) => ({ top: Number(m[1]), bottom: Number(m[2]) }));
  assert.equal(bands.length, 4);
  for (const [i, f] of flows.entries()) {
    const thick = bands[i].bottom - bands[i].top;
    if (f.value > 0) assert.ok(thick >= MIN_BAND, `${f.name}: ${thick} thick`);
    else assert.ok(thick <= 1, `${f.name} (nothing) is a hairline`);
    if (i > 0) assert.ok(bands[i].top >= bands[i - 1].bottom, "bands do not overlap");
  }
  assert.ok(bands[1].bottom - bands[1].top > bands[0].bottom - bands[0].top, "the larger flow is the thicker band");
  assert.ok(bands[3].bottom <= 10 + bar, "the bands stay on the bar");
  assert.equal(height, 40 + 4 * 34);
  assert.match(summary, /Burned 97 COMPUTE/);
  // flows that add up to the whole source fill the bar and do not run past it
  const whole = flowChartMarkup({ ...source, value: 100 }, [{ ...flows[0], value: 60 }, { ...flows[1], value: 40 }], "COMPUTE");
  const wb = [...whole.body.matchAll(/<path d="M 140 ([\d.]+) [^"]* 140 ([\d.]+) Z"/g)].map((m) => Number(m[2]));
  assert.ok(wb[1] <= 10 + (whole.height - 20) + 0.001, `last band ends at ${wb[1]}`);
});

test("the phone's drawings: day labels apart, the value flows' labels inside the diagram", () => {
  const series = [{ name: "Job volume", color: "#0891b2", points: Array.from({ length: 30 }, (_, i) => ({ x: days[0] + i * DAY, y: i * 1000 })) }];
  const { body } = lineChartMarkup(series, "COMPUTE", NARROW);
  const xs = [...body.matchAll(/<text x="([\d.]+)" y="212"/g)].map((m) => Number(m[1]));
  assert.ok(xs.length >= 2 && xs.length <= 4, `${xs.length} day labels on a phone`);
  for (let i = 1; i < xs.length; i++) assert.ok(xs[i] - xs[i - 1] >= MIN_TICK_GAP, `labels ${xs[i - 1]} and ${xs[i]} apart`);
  assert.ok(xs.every((x) => x <= NARROW), "inside the viewBox");
  const bars = barChartMarkup(series, "COMPUTE", NARROW).body;
  assert.ok([...bars.matchAll(/<rect x="([\d.]+)"/g)].every((m) => Number(m[1]) < NARROW - 12), "bars inside the plot");

  const source = { name: "Minted", value: 3e9, color: "#2563eb" };
  const flows = ["Spent on jobs", "Invested in ventures", "Burned", "Paid to treasury", "Distributed to holders"].map((name, i) => ({ name, value: 10 ** (i + 2), color: "#000" }));
  const narrow = flowChartMarkup(source, flows, "COMPUTE", true);
  assert.equal(narrow.width, FLOW_NARROW);
  // a label's width at most ~0.6 em a character (13 px bold; 0.57 measured in Chromium): each ends inside the viewBox
  for (const m of narrow.body.matchAll(/<text x="([\d.]+)" y="[\d.]+" class="flow-label">([^<]+)</g)) {
    const x = Number(m[1]);
    assert.ok(x + m[2].length * 13 * 0.6 <= narrow.width, `"${m[2]}" at ${x} fits in ${narrow.width}`);
  }
  // the source's name and amount on one line above the bar; the bands leave from the bar at the left edge
  assert.match(narrow.body, /<text x="0" y="14" class="flow-label">Minted<tspan dx="8" class="axis">3B COMPUTE<\/tspan><\/text>/);
  assert.match(narrow.body, /<rect x="0" y="32" width="12"/);
  const bands = [...narrow.body.matchAll(/<path d="M 12 ([\d.]+) [^"]* 12 ([\d.]+) Z"/g)];
  assert.equal(bands.length, flows.length);
  assert.ok(Number(bands[bands.length - 1][2]) <= 32 + (narrow.height - 22 - 20) + 0.001, "the bands stay on the bar");
  // the desktop drawing is unchanged by the option
  assert.equal(flowChartMarkup(source, flows, "COMPUTE").width, 640);
});

test("day labels stay inside the drawing: a day whose first point lies near the plot's right edge ends there", () => {
  // points at settlements, not at the start of days: the last day's first point is 30 minutes before the last point
  const H1 = 3_600;
  const d0 = Math.floor(days[0] / DAY) * DAY; // a UTC midnight: the labels' days
  const xs = [d0 + H1, d0 + DAY + 2 * H1, d0 + 2 * DAY + 23 * H1, d0 + 2 * DAY + 23.5 * H1];
  const series = [{ name: "Earned", color: "#16a34a", points: xs.map((x, i) => ({ x, y: i * 10 })) }];
  for (const width of [NARROW, W, WIDE]) {
    const { body } = lineChartMarkup(series, "COMPUTE", width);
    const labels = [...body.matchAll(/<text x="([\d.]+)" y="212" text-anchor="(\w+)" class="axis">([^<]+)</g)].map((m) => ({ x: Number(m[1]), anchor: m[2], text: m[3] }));
    assert.ok(labels.length >= 2, `${labels.length} day labels at ${width}`);
    for (const l of labels) {
      // ~0.6 em a character at 12 px
      const w = l.text.length * 12 * 0.6;
      const [from, to] = l.anchor === "end" ? [l.x - w, l.x] : l.anchor === "start" ? [l.x, l.x + w] : [l.x - w / 2, l.x + w / 2];
      assert.ok(from >= 0 && to <= width, `"${l.text}" (${l.anchor} at ${l.x}) spans ${from.toFixed(0)}–${to.toFixed(0)} of ${width}`);
    }
    assert.equal(labels[labels.length - 1].anchor, "end", "the last day's label ends at its point");
  }
  // the bars' last label too, with many days and no right-hand scale (12 units of padding)
  const many = [{ name: "Volume", color: "#0891b2", points: Array.from({ length: 40 }, (_, i) => ({ x: days[0] + i * DAY, y: 1 })) }];
  for (const width of [NARROW, W]) {
    const body = barChartMarkup(many, undefined, width).body;
    for (const m of body.matchAll(/<text x="([\d.]+)" y="212" text-anchor="(\w+)" class="axis">([^<]+)</g)) {
      const x = Number(m[1]);
      const w = m[3].length * 12 * 0.6;
      const to = m[2] === "end" ? x : m[2] === "start" ? x + w : x + w / 2;
      assert.ok(to <= width, `bar label "${m[3]}" ends at ${to.toFixed(0)} of ${width}`);
    }
  }
});
