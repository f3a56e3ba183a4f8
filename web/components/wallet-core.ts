// The wallet machinery (wagmi's core, viem's clients and actions, the ABIs' error decoding),
// loaded by components/wallet.ts only when it is needed: when the person presses "Connect
// wallet", when this browser connected before (reconnect), or at the first chain read or write.
// A first-time visitor of a read-only page never downloads or parses it.
import { createConfig, http, injected, type Config } from "wagmi";
import { connect, disconnect, getConnection, getConnectorClient, getConnectors, reconnect, switchChain, watchConnection, watchConnectors } from "wagmi/actions";
import { createPublicClient, defineChain, http as viemHttp, type Abi, type Address, type Hash, type PublicClient, type TypedDataDefinition } from "viem";
import { signMessage, signTypedData, writeContract } from "viem/actions";
import type { AppConfig } from "@/lib/config";
import { explainError } from "@/lib/errors";
import { siweMessage } from "@/lib/siwe";

export type WalletState =
  | { status: "connected"; address: Address; chainId: number }
  | { status: "disconnected" | "connecting" | "reconnecting"; address: Address | undefined; chainId: number | undefined };

export interface WriteRequest {
  label: string;
  address: Address;
  abi: Abi;
  functionName: string;
  args?: readonly unknown[];
  /** Given the mined transaction's logs when it succeeded (e.g. the address of what it created). */
  onLogs?: (logs: readonly { address: string; topics: readonly string[] }[]) => void;
}

export function createPublic(cfg: AppConfig): PublicClient {
  return createPublicClient({ chain: chainOf(cfg), transport: viemHttp(cfg.rpcUrl), pollingInterval: 1000 }) as PublicClient;
}

function chainOf(cfg: AppConfig) {
  return defineChain({
    id: cfg.chainId,
    name: cfg.chainId === 31337 ? "Local devnet" : `Chain ${cfg.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [cfg.rpcUrl] } },
  });
}

/** One wallet session of the page: wagmi's config (injected connector + EIP-6963 discovery) and the write flows. */
export function createWallet(cfg: AppConfig, publicClient: PublicClient, onChange: (s: WalletState) => void, opts: { reconnect: boolean }) {
  const chain = chainOf(cfg);
  const config: Config = createConfig({
    chains: [chain],
    connectors: [injected()],
    multiInjectedProviderDiscovery: true,
    transports: { [chain.id]: http(cfg.rpcUrl) },
  });
  const snapshot = (): WalletState => {
    const c = getConnection(config);
    return c.status === "connected" ? { status: c.status, address: c.address, chainId: c.chainId } : { status: c.status, address: c.address, chainId: c.chainId };
  };
  const changed = () => onChange(snapshot());
  watchConnection(config, { onChange: changed });
  watchConnectors(config, { onChange: changed });
  // as wagmi's hydrate does: resume the remembered connection, or forget it (a wallet that
  // answers eth_accounts unasked is not connected until the person says so)
  if (opts.reconnect) void reconnect(config).catch(() => undefined);
  else config.setState((x) => ({ ...x, connections: new Map() }));

  async function walletClient() {
    const c = getConnection(config);
    if (c.status !== "connected") throw new Error("Connect a wallet first.");
    if (c.chainId !== cfg.chainId) await switchChain(config, { chainId: cfg.chainId });
    return getConnectorClient(config, { chainId: cfg.chainId });
  }

  return {
    state: snapshot,
    /** The wallets to offer: EIP-6963 announcements, else the generic injected provider. */
    choices(): { id: string; uid: string; name: string }[] {
      const all = getConnectors(config);
      const announced = all.filter((c) => c.id !== "injected");
      return (announced.length > 0 ? announced : all.filter((c) => c.id === "injected")).map((c) => ({ id: c.id, uid: c.uid, name: c.name }));
    },
    async connect(id: string): Promise<void> {
      const connector = getConnectors(config).find((c) => c.id === id);
      if (!connector) throw new Error("No browser wallet found: install one, then reload.");
      await connect(config, { connector, chainId: cfg.chainId });
    },
    async disconnect(): Promise<void> {
      await disconnect(config);
    },
    /** Simulates against the pending block (a revert is decoded before the wallet opens), sends, waits for the receipt. */
    async write(req: WriteRequest, sent: (hash: Hash) => void): Promise<"success" | "reverted"> {
      const client = await walletClient();
      const account = client.account.address;
      // the pending block's timestamp is the next block's, as the transaction will see it
      await publicClient.simulateContract({ account, address: req.address, abi: req.abi, functionName: req.functionName, args: req.args ?? [], blockTag: "pending" } as never);
      const hash = await writeContract(client, { address: req.address, abi: req.abi, functionName: req.functionName, args: req.args ?? [], account: client.account, chain: client.chain } as never);
      sent(hash);
      const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 500 });
      if (receipt.status === "success") req.onLogs?.(receipt.logs);
      return receipt.status;
    },
    async signTyped(data: TypedDataDefinition): Promise<`0x${string}`> {
      const client = await walletClient();
      return (await signTypedData(client, { ...(data as object), account: client.account } as never)) as `0x${string}`;
    },
    /** The SIWE message for the connected address, signed with personal_sign. */
    async signIn(p: { domain: string; uri: string; nonce: string }): Promise<{ message: string; signature: `0x${string}` }> {
      const client = await getConnectorClient(config);
      const message = siweMessage({ ...p, address: client.account.address, chainId: cfg.chainId });
      return { message, signature: await signMessage(client, { account: client.account, message }) };
    },
  };
}

export type Wallet = ReturnType<typeof createWallet>;
export { explainError };
