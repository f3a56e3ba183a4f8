// Every contract's handlers. One module per contract area; each new area registers here.
import type { HandlerMap } from "../types.ts";
import { tokenHandlers } from "./tokens.ts";
import { stakingHandlers } from "./staking.ts";
import { ventureHandlers } from "./ventures.ts";
import { agentHandlers } from "./agents.ts";
import { marketHandlers } from "./market.ts";
import { economyHandlers } from "./economy.ts";

export const HANDLERS: HandlerMap = {
  ...tokenHandlers,
  ...stakingHandlers,
  ...ventureHandlers,
  ...agentHandlers,
  ...marketHandlers,
  ...economyHandlers,
};

/** Contracts created at run time by factories, indexed from their creation on. */
export const TEMPLATES = ["Venture"];
