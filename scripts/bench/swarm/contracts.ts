// The protocol's contracts by address, for the swarm diagnostics that name the calls they read
// back from the chain (gas-mix.ts, replay.ts): each deployed contract's name and ABI interface.
import { ethers } from "ethers";
import { ARTIFACTS } from "../../../indexer/src/testing/chain.ts";
import { findArtifact } from "../../../indexer/src/indexing/abi.ts";

export interface NamedContract {
  name: string;
  iface: ethers.Interface;
}

/** Lower-case address → name and interface, for every deployed contract with a compiled artifact. */
export function contractsByAddress(contracts: Record<string, { address: string }>): Map<string, NamedContract> {
  const names = new Map<string, NamedContract>();
  for (const [name, d] of Object.entries(contracts)) {
    try {
      names.set(d.address.toLowerCase(), { name, iface: new ethers.Interface(findArtifact(ARTIFACTS, name).abi as ethers.InterfaceAbi) });
    } catch { /* no artifact */ }
  }
  return names;
}
