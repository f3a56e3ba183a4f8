// Every contract's handlers. One module per contract area; each new area registers here.
import type { HandlerMap } from "../types.ts";
import { tokenHandlers } from "./tokens.ts";
import { stakingHandlers } from "./staking.ts";

export const HANDLERS: HandlerMap = { ...tokenHandlers, ...stakingHandlers };
