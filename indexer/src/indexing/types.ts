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
  /** Contract name by lowercase address, for the deployed and the discovered contracts. */
  contractAt(address: string): string | undefined;
  /**
   * Starts indexing a contract created by a factory (a "template" data source in The Graph's
   * terms): its events from this point on are handled like those of a deployed contract.
   */
  createContract(contract: string, address: string): Promise<void>;
}

export interface Handler {
  /** Entity ids the handler will read, so that a batch loads them in one query per entity. */
  preload?(e: IndexedEvent): [entity: string, id: string][];
  /**
   * The same as `preload`, for hot handlers: passes each (entity, id) to `want` instead of
   * returning a list (no arrays per event). Used instead of `preload` when both are given.
   */
  preloadInto?(e: IndexedEvent, want: (entity: string, id: string) => void): void;
  handle(e: IndexedEvent, ctx: HandlerContext): Promise<void>;
}

/** contract name -> event name -> handler */
export type HandlerMap = Record<string, Record<string, Handler>>;
