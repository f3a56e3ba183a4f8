import { test } from "node:test";
import assert from "node:assert/strict";
import { jobListStatus } from "./jobstatus.ts";

test("an open job past its accept deadline is listed as unaccepted, from the next second on (strict, as the contract)", () => {
  const job = { status: "open", acceptDeadline: "1000", deliveryDeadline: null };
  assert.equal(jobListStatus(job, 999).value, "open");
  assert.equal(jobListStatus(job, 1000).value, "open");
  const s = jobListStatus(job, 1001);
  assert.equal(s.value, "unaccepted");
  assert.match(s.title!, /anyone may expire it/);
});

test("an accepted job past its delivery deadline is listed as overdue", () => {
  const job = { status: "accepted", acceptDeadline: "1000", deliveryDeadline: "5000" };
  assert.equal(jobListStatus(job, 2000).value, "accepted"); // past the accept deadline, which no longer applies
  assert.equal(jobListStatus(job, 5001).value, "overdue");
});

test("other statuses, an unknown clock and malformed deadlines show the status as it is", () => {
  for (const status of ["submitted", "validated", "settled", "expired", "declined", "cancelled", "disputed"]) {
    assert.equal(jobListStatus({ status, acceptDeadline: "1", deliveryDeadline: "1" }, 10_000).value, status);
  }
  assert.equal(jobListStatus({ status: "open", acceptDeadline: "1000" }, undefined).value, "open");
  assert.equal(jobListStatus({ status: "open", acceptDeadline: "1000" }, 0).value, "open");
  assert.equal(jobListStatus({ status: "open", acceptDeadline: "soon" }, 10_000).value, "open");
  assert.equal(jobListStatus({ status: "accepted", acceptDeadline: "1000" }, 10_000).value, "accepted"); // no delivery deadline known
});
