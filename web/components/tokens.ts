"use client";
// Token helpers shared by the write flows: balances and allowances, approval when needed, and
// EIP-2612 permit signatures.
import type { Address } from "viem";
import { erc20Abi } from "@/lib/erc20";
import { formatAmount } from "@/lib/format";
import { usePoll } from "./poll";
import { useApp, useTx } from "./Providers";
import type { ChainReader } from "./wallet";

/** The owner's balance of `token` and its allowance for `spender` (0 without one), read every 8 s and after every write (./poll.ts: no react-query). */
export function useBalanceAllowance(token: Address | undefined, owner: Address | undefined, spender: Address | undefined) {
  const { publicClient, cfg } = useApp();
  return usePoll(token && owner ? `balance-allowance ${cfg.rpcUrl} ${token} ${owner} ${spender ?? ""}` : null, async () => {
    const [balance, allowance] = await Promise.all([
      publicClient.readContract({ address: token!, abi: erc20Abi, functionName: "balanceOf", args: [owner!] }),
      spender ? publicClient.readContract({ address: token!, abi: erc20Abi, functionName: "allowance", args: [owner!, spender] }) : Promise.resolve(0n),
    ]);
    return { balance, allowance };
  }, 8000);
}

/** Approves `spender` for `amount` of `token` when the allowance is short. False if the approval failed. */
export async function ensureAllowance(
  tx: ReturnType<typeof useTx>, client: ChainReader, token: Address, symbol: string, owner: Address, spender: Address, amount: bigint,
): Promise<boolean> {
  const allowance = await client.readContract({ address: token, abi: erc20Abi, functionName: "allowance", args: [owner, spender] });
  if (allowance >= amount) return true;
  return tx.write({ label: `Approve ${symbol}`, address: token, abi: erc20Abi, functionName: "approve", args: [spender, amount] });
}

/** Now, as the next block will see it: the later of the wall clock and the latest block (a devnet's time may run ahead). */
export async function chainTime(client: ChainReader): Promise<bigint> {
  const wall = BigInt(Math.floor(Date.now() / 1000));
  try {
    const block = await client.getBlock({ blockTag: "latest" });
    return block.timestamp > wall ? block.timestamp : wall;
  } catch {
    return wall;
  }
}

/** An EIP-2612 permit signed in the wallet: { deadline, v, r, s }, or null when refused. */
export async function signPermit(
  tx: ReturnType<typeof useTx>, client: ChainReader, token: Address, symbol: string, owner: Address, spender: Address, value: bigint,
): Promise<{ deadline: bigint; v: number; r: `0x${string}`; s: `0x${string}` } | null> {
  const { UBCTokenAbi } = await import("@/lib/generated/abis");
  const [domain, nonce] = await Promise.all([
    client.readContract({ address: token, abi: UBCTokenAbi, functionName: "eip712Domain" }),
    client.readContract({ address: token, abi: UBCTokenAbi, functionName: "nonces", args: [owner] }),
  ]);
  const [, name, version, chainId, verifyingContract] = domain as readonly [string, string, string, bigint, Address, string, readonly bigint[]];
  // a week of chain time: the permit is spent by the very transaction it is signed for, and a
  // devnet's clock may jump by days (the swarm moves it past challenge windows) between the
  // signature and that transaction's block
  const deadline = (await chainTime(client)) + 7n * 86_400n;
  const sig = await tx.signTyped(`Sign ${symbol} permit`, {
    domain: { name, version, chainId: Number(chainId), verifyingContract },
    types: {
      Permit: [
        { name: "owner", type: "address" }, { name: "spender", type: "address" }, { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" },
      ],
    },
    primaryType: "Permit",
    message: { owner, spender, value, nonce: nonce as bigint, deadline },
  });
  if (!sig) return null;
  if (!/^0x[0-9a-fA-F]{130}$/.test(sig)) {
    tx.fail(`Sign ${symbol} permit: the wallet returned a signature of ${(sig.length - 2) / 2} bytes, not 65`);
    return null;
  }
  // r ‖ s ‖ v (65 bytes; v as 0/1 or 27/28)
  const v = parseInt(sig.slice(130, 132), 16);
  return { deadline, v: v < 27 ? v + 27 : v, r: `0x${sig.slice(2, 66)}`, s: `0x${sig.slice(66, 130)}` };
}

/**
 * Deposits `amount` COMPUTE from the wallet into an agent's market credit in one transaction and
 * without an allowance: an EIP-3009 ReceiveWithAuthorization (payee: the WorkMarket) signed in the
 * wallet, then WorkMarket.depositWithAuthorization. The wallet must be the agent's owner or bound
 * wallet (PayerNotAuthorized otherwise). Returns whether it was confirmed.
 */
export async function depositCredit(
  tx: ReturnType<typeof useTx>, client: ChainReader, chainId: number, compute: Address, market: Address, owner: Address, agentId: bigint, amount: bigint,
): Promise<boolean> {
  const [{ WorkMarketAbi }, { COMPUTE_TOKEN_DOMAIN, RECEIVE_WITH_AUTHORIZATION_TYPES }] = await Promise.all([import("@/lib/generated/abis"), import("@/lib/generated/eip712")]);
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const nonce = `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}` as `0x${string}`;
  // a week of chain time, as the permit above: a devnet's clock may jump between signing and mining
  const validBefore = (await chainTime(client)) + 7n * 86_400n;
  const signature = await tx.signTyped(`Sign a deposit of ${formatAmount(amount)} COMPUTE`, {
    domain: { ...COMPUTE_TOKEN_DOMAIN, chainId, verifyingContract: compute },
    types: RECEIVE_WITH_AUTHORIZATION_TYPES,
    primaryType: "ReceiveWithAuthorization",
    message: { from: owner, to: market, value: amount, validAfter: 0n, validBefore, nonce },
  } as never);
  if (!signature) return false;
  return tx.write({
    label: `Deposit ${formatAmount(amount)} COMPUTE into agent ${agentId}'s credit`, address: market, abi: WorkMarketAbi, functionName: "depositWithAuthorization",
    args: [agentId, amount, nonce, { from: owner, validAfter: 0n, validBefore, signature }],
  });
}
