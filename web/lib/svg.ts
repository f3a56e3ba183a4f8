// SVG markup as strings, for the charts (components/charts.tsx): a static drawing is written as
// one string (dangerouslySetInnerHTML) instead of an element per line, bar and label. Every value
// goes through esc(), so a name or label can never open a tag or close an attribute.

/** Escapes text and attribute values for HTML/SVG markup. */
export function esc(v: string | number): string {
  return String(v).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}
const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** An element's markup: attribute values escaped, undefined ones left out; `inner` is markup (escape text with esc()). */
export function el(tag: string, attrs: Record<string, string | number | undefined>, inner = ""): string {
  if (!/^[a-z][a-zA-Z]*$/.test(tag)) throw new Error(`not an element name: ${tag}`);
  let a = "";
  for (const [k, v] of Object.entries(attrs)) {
    if (!/^[a-z][a-z0-9-]*$/.test(k)) throw new Error(`not an attribute name: ${k}`);
    if (v !== undefined) a += ` ${k}="${esc(v)}"`;
  }
  return `<${tag}${a}>${inner}</${tag}>`;
}
