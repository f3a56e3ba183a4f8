// Names that match across layers: every job kind the runtime trades is shown by its name in the
// web app (web/lib/format.ts), not as the first bytes of its hash.
import { test } from "node:test";
import assert from "node:assert/strict";
import { KIND_HASH, KINDS } from "./jobs.ts";
import { resourceKindLabel } from "../../../web/lib/format.ts";

test("the web app names every job kind the agent runtime trades", () => {
  for (const name of Object.values(KINDS)) {
    assert.equal(resourceKindLabel(KIND_HASH[name]), name, `web/lib/format.ts does not know the kind ${name}`);
  }
});
