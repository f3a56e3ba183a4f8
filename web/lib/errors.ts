// Turns a failed write into words: the contract's custom error is decoded with the ABIs' error
// entries (viem), then described. Pure apart from the ABI import; tested in errors.test.ts.
import { BaseError, ContractFunctionRevertedError, UserRejectedRequestError, decodeErrorResult, type Abi, type Hex } from "viem";
import { ProtocolErrorsAbi } from "./generated/abis.ts";

/** Every custom error of the protocol's contracts (a revert may come from a nested call), from codegen. */
export const ERROR_ABI: Abi = ProtocolErrorsAbi as unknown as Abi;

const WAD = 10n ** 18n;
const amt = (v: unknown) => {
  try {
    const b = BigInt(v as bigint);
    const whole = (b / WAD).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    const frac = (b % WAD).toString().padStart(18, "0").slice(0, 4).replace(/0+$/, "");
    return frac ? `${whole}.${frac}` : whole;
  } catch {
    return String(v);
  }
};
const time = (v: unknown) => {
  const d = new Date(Number(v) * 1000);
  return Number.isNaN(d.getTime()) ? String(v) : `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
};
/** IWorkMarket.Status by index, as the indexer names them. */
const JOB_STATUS = ["none", "open", "accepted", "submitted", "validated", "disputed", "resolved", "cancelled", "expired", "settled", "declined"];

type Describe = (a: readonly unknown[]) => string;
const WORDS: Record<string, Describe> = {
  // staking
  StillLocked: (a) => `the position is still locked until ${time(a[1])}`,
  AlreadyWithdrawn: (a) => `position ${a[0]} was already withdrawn`,
  NotPositionOwner: (a) => `position ${a[0]} belongs to another address`,
  UnknownPosition: (a) => `there is no position ${a[0]}`,
  UnknownPool: (a) => `there is no pool ${a[0]}`,
  PoolClosed: (a) => `pool ${a[0]} is closed to new stakes`,
  BudgetExceeded: (a) => `the staking budget left (${amt(a[1])} COMPUTE) cannot cover this position's reward of ${amt(a[0])} COMPUTE`,
  RewardTooSmall: () => `the stake is too small to earn any reward`,
  NothingToClaim: () => `there is nothing to claim yet`,
  ZeroAmount: () => `the amount must be more than zero`,
  // tokens (OpenZeppelin)
  ERC20InsufficientBalance: (a) => `the balance (${amt(a[1])}) is less than the ${amt(a[2])} needed`,
  ERC20InsufficientAllowance: (a) => `the allowance (${amt(a[1])}) is less than the ${amt(a[2])} needed: approve first`,
  ERC2612ExpiredSignature: () => `the permit signature has expired`,
  ERC2612InvalidSigner: () => `the permit was signed by another address`,
  EnforcedPause: () => `this action is paused by the guardian`,
  AccessControlUnauthorizedAccount: () => `your address does not have the role this action needs`,
  ERC721NonexistentToken: (a) => `agent ${a[0]} does not exist`,
  // agents and reputation
  InvalidRoles: (a) => `roles ${a[0]} are not a valid combination (choose at least one)`,
  NotAgentOwner: (a) => `only the owner of agent ${a[0]} may do this`,
  NotAgentOwnerOrWallet: (a) => `only the owner or wallet of agent ${a[0]} may do this`,
  NotAuthorized: (a) => `your address may not act for agent ${a[0]}`,
  UnknownAgent: (a) => `there is no agent ${a[0]}`,
  MissingRole: (a) => `agent ${a[0]} lacks the ${({ 1: "provider", 2: "requester", 4: "validator" } as Record<string, string>)[String(a[1])] ?? `role ${a[1]}`} role`,
  StringTooLong: (a) => `the text is too long (${a[0]} bytes, at most ${a[1]})`,
  FeedbackAlreadyGiven: (a) => `feedback on job ${a[0]} was already given`,
  JobNotSettled: (a) => `job ${a[0]} is not settled yet`,
  InvalidScore: (a) => `score ${a[0]} is out of range (0–100)`,
  SelfFeedback: () => `an agent cannot rate itself`,
  // market
  ValueTooSmall: (a) => `the job's value ${amt(a[0])} COMPUTE is under the minimum of ${amt(a[1])} COMPUTE`,
  ValueTooLarge: (a) => `the job's value ${amt(a[0])} COMPUTE is too large`,
  QuoteExpired: (a) => `the quote expired at ${time(a[0])}`,
  QuoteNonceUsed: (a) => `quote ${a[1]} of agent ${a[0]} was already filled or cancelled`,
  QuoteRequesterMismatch: (a) => `the quote is reserved for requester agent ${a[0]}, not agent ${a[1]}`,
  InvalidQuoteSignature: (a) => `the quote is not signed by agent ${a[0]}'s wallet`,
  SameAgent: (a) => `agent ${a[0]} cannot trade with itself`,
  InsufficientCredit: (a) => `agent ${a[0]} has ${amt(a[1])} COMPUTE of credit, less than ${amt(a[2])}`,
  WrongStatus: (a) => `job ${a[0]} is ${JOB_STATUS[Number(a[1])] ?? `in status ${a[1]}`}, which does not allow this`,
  WrongJobStatus: (a) => `job ${a[0]} is ${JOB_STATUS[Number(a[1])] ?? `in status ${a[1]}`}, which does not allow this`,
  DeadlinePassed: (a) => `job ${a[0]}'s deadline passed at ${time(a[1])}`,
  DeadlineNotReached: (a) => `job ${a[0]}'s deadline (${time(a[1])}) has not passed yet`,
  DeclineWindowOver: (a) => `job ${a[0]}'s decline window ended at ${time(a[1])}`,
  BadDeadline: (a) => `the deadline ${time(a[0])} is not acceptable`,
  NotDesignatedProvider: (a) => `job ${a[0]} is reserved for another provider`,
  NotJobParty: (a) => `agent ${a[1]} is not a party of job ${a[0]}`,
  NothingToSettle: () => `none of these jobs is ready to settle`,
  NothingToWithdraw: () => `there is nothing to withdraw`,
  ZeroSpec: () => `the job needs a specification`,
  PayerNotAuthorized: (a) => `${a[0]} may not pay for this agent`,
  // ventures
  RaiseEnded: (a) => `the raise ended at ${time(a[0])}`,
  RaiseNotOpen: () => `the raise is not open`,
  RaiseStillOpen: (a) => `the raise is open until ${time(a[0])}`,
  CapExceeded: () => `that is more shares than the raise has left`,
  RefundUnavailable: () => `refunds are only open after a failed or cancelled raise`,
  NothingToRefund: () => `there is nothing to refund`,
  NoShareholders: () => `the venture has no shareholders yet`,
  TokenNotAllowed: (a) => `${a[0]} is not one of the venture's revenue tokens`,
  AmountTooLarge: (a) => `the amount ${amt(a[0])} is too large`,
  AccumulatorOverflow: () => `the deposit is too large for the shares outstanding`,
  NotOperator: () => `only the venture's operator may do this`,
};

/** The words for a decoded custom error: "StillLocked: the position is still locked until …". */
export function describeError(name: string, args: readonly unknown[] = []): string {
  const words = WORDS[name];
  if (words) {
    try {
      return `${name}: ${words(args)}`;
    } catch {
      /* fall through */
    }
  }
  return `${name}(${args.map((x) => String(x)).join(", ")})`;
}

/** Decodes raw revert data with the error ABI; null when it is not one of ours. */
export function decodeRevertData(data: Hex): { name: string; args: readonly unknown[] } | null {
  try {
    const d = decodeErrorResult({ abi: ERROR_ABI, data });
    return { name: d.errorName, args: (d.args ?? []) as readonly unknown[] };
  } catch {
    return null;
  }
}

function findRevertData(err: unknown, depth = 0): Hex | undefined {
  if (!err || typeof err !== "object" || depth > 8) return undefined;
  const e = err as { data?: unknown; cause?: unknown; raw?: unknown };
  if (typeof e.raw === "string" && /^0x[0-9a-f]{8}/i.test(e.raw)) return e.raw as Hex;
  if (typeof e.data === "string" && /^0x[0-9a-f]{8}/i.test(e.data)) return e.data as Hex;
  if (e.data && typeof e.data === "object") {
    const inner = (e.data as { data?: unknown }).data;
    if (typeof inner === "string" && /^0x[0-9a-f]{8}/i.test(inner)) return inner as Hex;
  }
  return findRevertData(e.cause, depth + 1);
}

/** A custom error named only in a node's message: "reverted with custom error 'StillLocked(1, 1767225600)'". */
export function customErrorInMessage(message: string): { name: string; args: string[] } | null {
  const m = /custom error '([A-Za-z_][A-Za-z0-9_]*)\(([^']*)\)'/.exec(message);
  if (!m) return null;
  const args = m[2].trim() === "" ? [] : m[2].split(",").map((a) => a.trim().replace(/^"(.*)"$/, "$1"));
  return { name: m[1], args };
}

function messagesOf(err: unknown, depth = 0): string[] {
  if (!err || typeof err !== "object" || depth > 8) return [];
  const e = err as { message?: unknown; details?: unknown; shortMessage?: unknown; cause?: unknown };
  const own = [e.shortMessage, e.details, e.message].filter((x): x is string => typeof x === "string");
  return [...own, ...messagesOf(e.cause, depth + 1)];
}

/** Any error of a write (wallet, simulation, RPC) in one sentence for a person. */
export function explainError(err: unknown): string {
  const named = messagesOf(err).map(customErrorInMessage).find((x) => x !== null);
  const fromMessage = () => (named ? describeError(named.name, named.args) : null);
  if (err instanceof BaseError) {
    if (err.walk((e) => e instanceof UserRejectedRequestError)) return "You rejected the request in your wallet.";
    const revert = err.walk((e) => e instanceof ContractFunctionRevertedError);
    if (revert instanceof ContractFunctionRevertedError) {
      if (revert.data?.errorName && revert.data.errorName !== "Error" && revert.data.errorName !== "Panic") {
        return describeError(revert.data.errorName, (revert.data.args ?? []) as readonly unknown[]);
      }
      if (revert.raw) {
        const d = decodeRevertData(revert.raw as Hex);
        if (d) return describeError(d.name, d.args);
      }
      const n = fromMessage();
      if (n) return n;
      if (revert.reason) return `Reverted: ${revert.reason.split("\n")[0]}`;
    }
    const data = findRevertData(err);
    if (data) {
      const d = decodeRevertData(data);
      if (d) return describeError(d.name, d.args);
    }
    return fromMessage() ?? (err.shortMessage || err.message).split("\n")[0];
  }
  const code = (err as { code?: number })?.code;
  if (code === 4001) return "You rejected the request in your wallet.";
  const data = findRevertData(err);
  if (data) {
    const d = decodeRevertData(data);
    if (d) return describeError(d.name, d.args);
  }
  return fromMessage() ?? ((err as Error)?.message ?? String(err)).split("\n")[0];
}
