import { test } from "node:test";
import assert from "node:assert/strict";
import { BaseError, ContractFunctionRevertedError, encodeErrorResult, UserRejectedRequestError, type Abi } from "viem";
import { decodeRevertData, describeError, ERROR_ABI, explainError } from "./errors.ts";
import { StakingVaultAbi, WorkMarketAbi } from "./generated/abis.ts";

test("the error ABI holds the contracts' custom errors", () => {
  const names = new Set(ERROR_ABI.map((e) => (e as { name: string }).name));
  for (const n of ["StillLocked", "BudgetExceeded", "QuoteExpired", "RaiseEnded", "ERC20InsufficientAllowance"]) assert.ok(names.has(n), n);
});

test("raw revert data decodes into the custom error and words", () => {
  const data = encodeErrorResult({ abi: StakingVaultAbi as Abi, errorName: "StillLocked", args: [7n, 1767225600n] });
  const d = decodeRevertData(data);
  assert.equal(d?.name, "StillLocked");
  assert.equal(describeError(d!.name, d!.args), "StillLocked: the position is still locked until 2026-01-01 00:00 UTC");
  assert.equal(decodeRevertData("0xdeadbeef"), null);
});

test("describeError falls back to the signature for errors without words", () => {
  assert.equal(describeError("SomethingNew", [1n, "x"]), "SomethingNew(1, x)");
  assert.match(describeError("BudgetExceeded", [365n * 10n ** 18n, 10n ** 18n]), /budget left \(1 COMPUTE\) cannot cover this position's reward of 365 COMPUTE/);
});

test("explainError reads viem errors: a revert, a rejection, revert data deep in the cause", () => {
  const data = encodeErrorResult({ abi: StakingVaultAbi as Abi, errorName: "NotPositionOwner", args: [3n, "0x0000000000000000000000000000000000000001"] });
  const revert = new ContractFunctionRevertedError({ abi: StakingVaultAbi as Abi, data, functionName: "claim" });
  assert.equal(explainError(new BaseError("call failed", { cause: revert })), "NotPositionOwner: position 3 belongs to another address");
  assert.equal(explainError(new UserRejectedRequestError(new Error("no"))), "You rejected the request in your wallet.");
  const rpc = Object.assign(new Error("execution reverted"), { data: { data } });
  assert.equal(explainError(rpc), "NotPositionOwner: position 3 belongs to another address");
  assert.equal(explainError({ code: 4001, message: "User denied" }), "You rejected the request in your wallet.");
});

test("a custom error named only in the node's message is still decoded", () => {
  const err = new BaseError("Execution reverted with reason: VM Exception while processing transaction: reverted with custom error 'StillLocked(1, 1767225600)'.");
  assert.equal(explainError(err), "StillLocked: the position is still locked until 2026-01-01 00:00 UTC");
  assert.equal(explainError(new Error("boom\nsecond line")), "boom");
});

test("a declined job and a decline after its window are told in words", () => {
  // IWorkMarket.Status.Declined = 10, after Settled = 9
  assert.equal(describeError("WrongStatus", [4n, 10]), "WrongStatus: job 4 is declined, which does not allow this");
  assert.equal(describeError("WrongStatus", [4n, 9]), "WrongStatus: job 4 is settled, which does not allow this");
  const data = encodeErrorResult({ abi: WorkMarketAbi as Abi, errorName: "DeclineWindowOver", args: [4n, 1767225600n] });
  const revert = new ContractFunctionRevertedError({ abi: WorkMarketAbi as Abi, data, functionName: "decline" });
  assert.equal(explainError(new BaseError("call failed", { cause: revert })), "DeclineWindowOver: job 4's decline window ended at 2026-01-01 00:00 UTC");
  assert.equal(decodeRevertData(data)?.name, "DeclineWindowOver", "the error ABI holds it");
});
