export * from "./types.ts";
export { Paywall, PaymentError, type PaywallOptions, type PricedResource } from "./server.ts";
export { X402Client, BudgetExceededError, PaymentRefusedError, type X402ClientOptions, type PaidResponse } from "./client.ts";
