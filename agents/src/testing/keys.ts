// The tests' accounts: Hardhat's development mnemonic, whose keys every Hardhat node funds with ETH
// (public keys: never hold anything of value with them).
import { ethers } from "ethers";
import type { Hex } from "viem";

const MNEMONIC = "test test test test test test test test test test test junk";

/** The private key of the development account `m/44'/60'/0'/0/i`. */
export const devKey = (i: number): Hex => ethers.HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`).privateKey as Hex;
