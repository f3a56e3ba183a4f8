// Names and specs that match across layers: every job kind the runtime trades is shown by its name
// in the web app (web/lib/format.ts), and a spec the web app builds for it (web/lib/market.ts,
// published on the indexer's spec store) is one the runtime accepts, with the same hash.
import { test } from "node:test";
import assert from "node:assert/strict";
import { KIND_HASH, KINDS, canonical, parseSpec, specHash, unitsOf } from "./jobs.ts";
import { resourceKindLabel } from "../../../web/lib/format.ts";
import { jobSpecText, specHash as webSpecHash } from "../../../web/lib/market.ts";

test("the web app names every job kind the agent runtime trades", () => {
  for (const name of Object.values(KINDS)) {
    assert.equal(resourceKindLabel(KIND_HASH[name]), name, `web/lib/format.ts does not know the kind ${name}`);
  }
});

test("the web app's specs of the runtime's kinds parse as the runtime's specs, canonical, with the same hash and units", () => {
  const cases: [string, bigint, string][] = [
    [KINDS.SHA256, 4n, "hello"], [KINDS.SHA256, 1n, ""], [KINDS.SHA256, 4_000n, "Grüße 東京"],
    [KINDS.LLM, 2n, "Explain escrow in a compute market."], [KINDS.LLM, 81n, 'quotes "and" \\ backslashes'],
  ];
  for (const [kind, units, text] of cases) {
    const built = jobSpecText(kind, units, text, "web-salt");
    assert.ok("text" in built, `${kind}: ${JSON.stringify(built)}`);
    const spec = parseSpec(JSON.parse(built.text));
    assert.equal(canonical(spec), built.text, `${kind}: the web's text is canonical`);
    assert.equal(webSpecHash(built.text), specHash(spec), `${kind}: the same spec hash`);
    assert.equal(unitsOf(spec), units, `${kind}: priced in the quote's units`);
  }
  assert.equal(Object.values(KINDS).length, 2, "a new kind needs a spec builder in web/lib/market.ts");
});
