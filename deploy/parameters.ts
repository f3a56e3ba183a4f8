// Reads deploy/parameters/<network>.json for scripts/deploy.ts: Ignition's parameter format
// ("123n" strings are big integers, `$global` applies to every module), plus keys of our own that
// start with "_" and never reach Ignition:
//   _chainId   the chain id the network must have (a wrong RPC URL fails before any transaction)
//   _required  global parameters that must be set (from the environment) before deploying
// The environment sets the roles: DEPLOY_TREASURY -> treasury, DEPLOY_GUARDIAN -> guardian,
// DEPLOY_VENTURE_OPERATOR -> exampleVentureOperator (all `$global`).
import { isAddress } from "ethers";
import type { DeploymentParameters } from "@nomicfoundation/ignition-core";

export type Parameters = DeploymentParameters;

export const ROLE_ENV: Record<string, string> = {
  DEPLOY_TREASURY: "treasury",
  DEPLOY_GUARDIAN: "guardian",
  DEPLOY_VENTURE_OPERATOR: "exampleVentureOperator",
};

/** Ignition's reviver: "123n" -> 123n. */
export function bigintReviver(_key: string, value: unknown): unknown {
  if (typeof value === "string" && /^\d+n$/.test(value)) return BigInt(value.slice(0, -1));
  return value;
}

export function loadParameters(text: string, chainId: number, env: NodeJS.ProcessEnv): Parameters {
  const raw = JSON.parse(text, bigintReviver) as Record<string, unknown>;
  const out: Parameters = {};
  for (const [k, v] of Object.entries(raw)) if (!k.startsWith("_")) out[k] = v as Parameters[string];
  if (raw._chainId !== undefined && raw._chainId !== chainId) {
    throw new Error(`these parameters are for chain ${raw._chainId}, but the network has chain id ${chainId}`);
  }
  const global: Record<string, unknown> = (out.$global ??= {});
  for (const [name, param] of Object.entries(ROLE_ENV)) {
    const v = env[name];
    if (v === undefined || v === "") continue;
    if (!isAddress(v)) throw new Error(`${name} must be an address, got "${v}"`);
    global[param] = v;
  }
  const required = (raw._required ?? []) as string[];
  const missing = required.filter((p) => global[p] === undefined);
  if (missing.length > 0) {
    const vars = missing.map((p) => Object.entries(ROLE_ENV).find(([, q]) => q === p)?.[0] ?? p);
    throw new Error(`this network needs ${missing.join(" and ")} (set ${vars.join(", ")}): the deployer must not keep them`);
  }
  if (Object.keys(global).length === 0) delete out.$global;
  return out;
}
