import type { Store } from "../database/store.ts";

export interface Deployments {
  chainId: number;
  contracts: Record<string, { address: string; blockNumber: number }>;
}

export interface IndexedEvent {
  contract: string;
  address: string;
  event: string;
  args: Record<string, unknown>;
  block: { number: bigint; hash: string; timestamp: bigint };
  transactionHash: string;
  logIndex: number;
  /** graph-ts style event id: transactionHash ++ logIndex (4 bytes, little-endian). */
  id: string;
}

export interface HandlerContext {
  store: Store;
  deployments: Deployments;
  /** Contract name by lowercase address, for the deployed contracts. */
  contractAt(address: string): string | undefined;
}

export interface Handler {
  /** Entity ids the handler will read, so that a batch loads them in one query per entity. */
  preload?(e: IndexedEvent): [entity: string, id: string][];
  handle(e: IndexedEvent, ctx: HandlerContext): Promise<void>;
}

/** contract name -> event name -> handler */
export type HandlerMap = Record<string, Record<string, Handler>>;
