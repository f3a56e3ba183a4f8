// Typed errors: a reverted call becomes a UbcContractError naming the contract's custom error
// (e.g. "StillLocked") and its arguments, decoded with the contract's ABI.
import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Abi, type Hex } from "viem";
import { ABIS } from "../generated/abis.ts";

/** Every custom error of every protocol contract (a revert may come from a nested call). */
const ALL_ERRORS: Abi = Object.values(ABIS).flatMap((abi) => (abi as Abi).filter((x) => x.type === "error"));

export class UbcContractError extends Error {
  /** The custom error's name, e.g. "BudgetExceeded"; "Error" for a revert string; "unknown". */
  readonly errorName: string;
  readonly args: readonly unknown[];
  readonly contract: string;
  readonly functionName: string;
  constructor(contract: string, functionName: string, errorName: string, args: readonly unknown[], detail: string) {
    super(`${contract}.${functionName} reverted with ${errorName}(${args.map(String).join(", ")})${detail ? `: ${detail}` : ""}`);
    this.name = "UbcContractError";
    this.contract = contract;
    this.functionName = functionName;
    this.errorName = errorName;
    this.args = args;
  }
}

export function toUbcError(err: unknown, contract: string, functionName: string): Error {
  if (err instanceof BaseError) {
    const revert = err.walk((e) => e instanceof ContractFunctionRevertedError);
    if (revert instanceof ContractFunctionRevertedError) {
      if (revert.data?.errorName) return new UbcContractError(contract, functionName, revert.data.errorName, revert.data.args ?? [], "");
      if (revert.reason) return new UbcContractError(contract, functionName, "Error", [revert.reason], "");
      if (revert.raw) {
        try {
          const d = decodeErrorResult({ abi: ALL_ERRORS, data: revert.raw as Hex });
          return new UbcContractError(contract, functionName, d.errorName, (d.args ?? []) as readonly unknown[], "raised by a contract it called");
        } catch {
          /* not a protocol error */
        }
      }
      return new UbcContractError(contract, functionName, "unknown", [], revert.shortMessage);
    }
    return new UbcContractError(contract, functionName, "unknown", [], err.shortMessage);
  }
  return err as Error;
}
