export { UbcClient, resourceKind, signDepositAuthorization, ROLES, QUOTE_TYPES, type Quote, type JobRequest, type Deployments, type UbcClientOptions, type DepositAuthorization } from "./client.ts";
export { ApiClient, ApiError } from "./api.ts";
export { UbcContractError, toUbcError } from "./errors.ts";
export { ABIS } from "../generated/abis.ts";
