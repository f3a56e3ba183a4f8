import { test } from "node:test";
import assert from "node:assert/strict";
import { el, esc } from "./svg.ts";

test("esc escapes markup and quotes", () => {
  assert.equal(esc(`<script>alert("x")</script> & 'y'`), "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;");
  assert.equal(esc(12.5), "12.5");
});

test("el writes an element with escaped attributes and leaves out undefined ones", () => {
  assert.equal(el("text", { x: 1, y: 2.5, "text-anchor": "end", class: undefined }, esc("3B")), '<text x="1" y="2.5" text-anchor="end">3B</text>');
  assert.equal(el("line", { x1: 0, y2: 3, "stroke-width": 2 }), '<line x1="0" y2="3" stroke-width="2"></line>');
  assert.equal(el("rect", { fill: `red" onload="x` }), '<rect fill="red&quot; onload=&quot;x"></rect>');
  assert.throws(() => el("g onload", {}), /not an element name/);
  assert.throws(() => el("g", { "on load": 1 }), /not an attribute name/);
});
