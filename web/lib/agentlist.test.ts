import { test } from "node:test";
import assert from "node:assert/strict";
import { agentListParams, agentsQuery, withRole } from "./agentlist.ts";

test("search parameters: known values kept, anything else the defaults", () => {
  assert.deepEqual(agentListParams({}), { role: "all", sort: "settled" });
  assert.deepEqual(agentListParams({ role: "validator", sort: "earned" }), { role: "validator", sort: "earned" });
  assert.deepEqual(agentListParams({ role: "admin", sort: "id; drop" }), { role: "all", sort: "settled" });
  assert.deepEqual(agentListParams({ role: ["provider", "requester"], sort: "toString" }), { role: "all", sort: "settled" });
});

test("the query orders by the chosen field, and only by a known one", () => {
  assert.match(agentsQuery("earned"), /orderBy: earned, orderDirection: desc/);
  assert.match(agentsQuery("newest"), /orderBy: registeredAt/);
});

test("the role filter reads the role bits", () => {
  const agents = [{ id: "1", roles: 1 }, { id: "2", roles: 2 }, { id: "3", roles: 7 }, { id: "4", roles: 4 }];
  assert.deepEqual(withRole(agents, "provider").map((a) => a.id), ["1", "3"]);
  assert.deepEqual(withRole(agents, "requester").map((a) => a.id), ["2", "3"]);
  assert.deepEqual(withRole(agents, "validator").map((a) => a.id), ["3", "4"]);
  assert.equal(withRole(agents, "all").length, 4);
});
