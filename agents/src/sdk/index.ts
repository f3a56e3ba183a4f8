export { UbcClient, resourceKind, signDepositAuthorization, ROLES, QUOTE_TYPES, type Quote, type JobRequest, type Deployments, type UbcClientOptions, type DepositAuthorization, type VentureInput } from "./client.ts";
export { ApiClient, ApiError, type RequestForQuote } from "./api.ts";
export { UbcContractError, toUbcError } from "./errors.ts";
export { ABIS } from "../generated/abis.ts";
// job specs as data (browser-safe): the kinds, canonical JSON (what a spec hash is taken of), the strict reader, the rubric
export { canonical, judgeText, KINDS, ITERATIONS_PER_UNIT, parseSpec, unitsOf, type KindName, type LlmSpec, type Rubric, type ShaSpec, type Spec } from "../runtime/spec.ts";
// a keeper's duties any account may perform: finalizing ended venture raises, paying a venture's income in as revenue
export { finalizeEndedRaises, payVentureIncome, startVentureKeeper, type FinalizedRaise, type IncomeState, type RaiseSource, type VentureIncome, type VentureKeeper } from "../runtime/keeper.ts";
