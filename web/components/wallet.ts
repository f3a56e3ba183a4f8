"use client";
// The light side of the wallet: a tiny store of the connection (status, address, chain) that any
// component reads with useConnection(), and loaders for the heavy side (components/wallet-core.ts:
// wagmi, viem's clients, the ABIs' error decoding), which is fetched on first need only — a
// press on "Connect wallet", a remembered connection, a chain read or a write. The read-only
// pages thus hydrate without wagmi or viem's client code (Lighthouse: total blocking time).
import { useSyncExternalStore } from "react";
import type { PublicClient } from "viem";
import type { AppConfig } from "@/lib/config";
import type { Wallet, WalletState } from "./wallet-core";

export type { WalletState, WriteRequest } from "./wallet-core";

const DISCONNECTED: WalletState = { status: "disconnected", address: undefined, chainId: undefined };
let state: WalletState = DISCONNECTED;
const listeners = new Set<() => void>();

function setState(next: WalletState) {
  if (next.status === state.status && next.address === state.address && next.chainId === state.chainId) return;
  state = next;
  for (const l of listeners) l();
}
function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** The wallet connection (disconnected in the server render and until the wallet code is loaded). */
export function useConnection(): WalletState {
  return useSyncExternalStore(subscribe, () => state, () => DISCONNECTED);
}

let core: Promise<typeof import("./wallet-core")> | undefined;
const loadCore = () => (core ??= import("./wallet-core"));

let publicClient: Promise<PublicClient> | undefined;
function loadPublicClient(cfg: AppConfig): Promise<PublicClient> {
  return (publicClient ??= loadCore().then((m) => m.createPublic(cfg)));
}

let wallet: Promise<Wallet> | undefined;
/** The wallet session of this page (created once); `reconnect` resumes a connection this browser remembers. */
export function loadWallet(cfg: AppConfig, reconnect = false): Promise<Wallet> {
  wallet ??= Promise.all([loadCore(), loadPublicClient(cfg)]).then(([m, pc]) => {
    const w = m.createWallet(cfg, pc, setState, { reconnect });
    setState(w.state());
    return w;
  });
  return wallet;
}

/** Whether this browser connected a wallet here before (wagmi remembers the connector) and did not disconnect. */
export function rememberedConnection(): boolean {
  try {
    return window.localStorage.getItem("wagmi.recentConnectorId") !== null;
  } catch {
    return false;
  }
}

/** What the views read from the chain: viem's public client, loaded at the first call. */
export type ChainReader = Pick<PublicClient, "readContract" | "getBlock" | "simulateContract">;

export function lazyChainReader(cfg: AppConfig): ChainReader {
  return {
    readContract: ((args: never) => loadPublicClient(cfg).then((c) => c.readContract(args))) as PublicClient["readContract"],
    getBlock: ((args?: never) => loadPublicClient(cfg).then((c) => c.getBlock(args))) as PublicClient["getBlock"],
    simulateContract: ((args: never) => loadPublicClient(cfg).then((c) => c.simulateContract(args))) as PublicClient["simulateContract"],
  };
}

/** A failed write or sign-in in words (the contract's custom error decoded from the ABIs), loaded with the wallet code. */
export async function explain(err: unknown): Promise<string> {
  return (await loadCore()).explainError(err);
}
