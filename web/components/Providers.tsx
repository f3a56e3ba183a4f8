"use client";
// Everything the client side shares: the runtime configuration (from the server), wagmi (injected
// wallets discovered over EIP-6963), react-query, the SIWE session and the one transaction status.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from "react";
import { QueryClient, QueryClientProvider, useQueryClient } from "@tanstack/react-query";
import { WagmiProvider, createConfig, http, useConnection } from "wagmi";
import { injected } from "wagmi/connectors";
import { getConnectorClient, switchChain } from "wagmi/actions";
import { createPublicClient, defineChain, http as viemHttp, type Abi, type Address, type Hash, type PublicClient, type TypedDataDefinition } from "viem";
import { signMessage, signTypedData, writeContract } from "viem/actions";
import type { AppConfig } from "@/lib/config";
import { explainError } from "@/lib/errors";
import { fetchNonce, fetchSession, loadSession, saveSession, siweMessage, signOut as apiSignOut, verifySignIn, type StoredSession } from "@/lib/api";

// ------------------------------------------------------------------ configuration

interface Ctx {
  cfg: AppConfig;
  publicClient: PublicClient;
  wagmiConfig: ReturnType<typeof createConfig>;
}
const ConfigContext = createContext<Ctx | null>(null);

export function useApp(): Ctx {
  const c = useContext(ConfigContext);
  if (!c) throw new Error("useApp outside <Providers>");
  return c;
}

/** The address of a deployed contract, or undefined when the deployments file lacks it. */
export function useContract(name: string): Address | undefined {
  return useApp().cfg.contracts[name] as Address | undefined;
}

const subscribeNothing = () => () => {};
/** False during the server render and hydration, true after mount: gate wallet-dependent output. */
export function useMounted(): boolean {
  return useSyncExternalStore(subscribeNothing, () => true, () => false);
}

/** A clock in unix seconds, ticking every `ms` after mount (0 before). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(0);
  useEffect(() => {
    setNow(Math.floor(Date.now() / 1000));
    const t = setInterval(() => setNow(Math.floor(Date.now() / 1000)), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

// ------------------------------------------------------------------ transactions

export type TxPhase = "idle" | "wallet" | "pending" | "confirmed" | "failed";
export interface TxStatusState {
  phase: TxPhase;
  message: string;
  hash?: Hash;
}

export interface WriteRequest {
  label: string;
  address: Address;
  abi: Abi;
  functionName: string;
  args?: readonly unknown[];
}

interface TxApi {
  status: TxStatusState;
  busy: boolean;
  /** Simulates (so a revert is decoded before the wallet opens), sends, waits for the receipt. */
  write(req: WriteRequest): Promise<boolean>;
  /** EIP-712 signature in the wallet (permit, quote). Returns null when refused or failed. */
  signTyped(label: string, data: TypedDataDefinition): Promise<`0x${string}` | null>;
  /** An off-chain step (posting to the API) shown in the same status region. */
  action<T>(label: string, done: string, fn: () => Promise<T>): Promise<T | null>;
  fail(message: string): void;
  clear(): void;
}
const TxContext = createContext<TxApi | null>(null);

export function useTx(): TxApi {
  const c = useContext(TxContext);
  if (!c) throw new Error("useTx outside <Providers>");
  return c;
}

function TxProvider({ children }: { children: ReactNode }) {
  const { cfg, publicClient, wagmiConfig } = useApp();
  const queryClient = useQueryClient();
  const connection = useConnection();
  const [status, setStatus] = useState<TxStatusState>({ phase: "idle", message: "" });
  const [busy, setBusy] = useState(false);
  const timers = useRef<ReturnType<typeof setTimeout>[]>([]);

  const refresh = useCallback(() => {
    void queryClient.invalidateQueries();
    // the indexer follows the chain within a block or two: read again shortly
    for (const ms of [1200, 3000, 6000]) timers.current.push(setTimeout(() => void queryClient.invalidateQueries(), ms));
  }, [queryClient]);
  useEffect(() => () => timers.current.forEach(clearTimeout), []);

  const walletClient = useCallback(async () => {
    if (connection.status !== "connected") throw new Error("Connect a wallet first.");
    if (connection.chainId !== cfg.chainId) await switchChain(wagmiConfig, { chainId: cfg.chainId });
    return getConnectorClient(wagmiConfig, { chainId: cfg.chainId });
  }, [connection.status, connection.chainId, cfg.chainId, wagmiConfig]);

  const write = useCallback(async (req: WriteRequest): Promise<boolean> => {
    setBusy(true);
    setStatus({ phase: "wallet", message: `Waiting for wallet: ${req.label}…` });
    try {
      const client = await walletClient();
      const account = client.account.address;
      // against the pending block: its timestamp is the next block's, as the transaction will see it
      await publicClient.simulateContract({ account, address: req.address, abi: req.abi, functionName: req.functionName, args: req.args ?? [], blockTag: "pending" } as never);
      const hash = await writeContract(client, { address: req.address, abi: req.abi, functionName: req.functionName, args: req.args ?? [], account: client.account, chain: client.chain } as never);
      setStatus({ phase: "pending", message: `Pending: ${req.label}…`, hash });
      const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 500 });
      if (receipt.status !== "success") {
        setStatus({ phase: "failed", message: `Failed: ${req.label} reverted on-chain.`, hash });
        return false;
      }
      setStatus({ phase: "confirmed", message: `Confirmed: ${req.label}`, hash });
      refresh();
      return true;
    } catch (err) {
      setStatus({ phase: "failed", message: `Failed: ${req.label}: ${explainError(err)}` });
      return false;
    } finally {
      setBusy(false);
    }
  }, [walletClient, publicClient, refresh]);

  const signTyped = useCallback(async (label: string, data: TypedDataDefinition) => {
    setBusy(true);
    setStatus({ phase: "wallet", message: `Waiting for wallet: ${label}…` });
    try {
      const client = await walletClient();
      const sig = await signTypedData(client, { ...(data as object), account: client.account } as never);
      setStatus({ phase: "pending", message: `Signed: ${label}` });
      return sig as `0x${string}`;
    } catch (err) {
      setStatus({ phase: "failed", message: `Failed: ${label}: ${explainError(err)}` });
      return null;
    } finally {
      setBusy(false);
    }
  }, [walletClient]);

  const action = useCallback(async <T,>(label: string, done: string, fn: () => Promise<T>): Promise<T | null> => {
    setBusy(true);
    setStatus({ phase: "pending", message: `Pending: ${label}…` });
    try {
      const out = await fn();
      setStatus({ phase: "confirmed", message: `Confirmed: ${done}` });
      refresh();
      return out;
    } catch (err) {
      setStatus({ phase: "failed", message: `Failed: ${label}: ${explainError(err)}` });
      return null;
    } finally {
      setBusy(false);
    }
  }, [refresh]);

  const api = useMemo<TxApi>(() => ({
    status, busy, write, signTyped, action,
    fail: (message) => setStatus({ phase: "failed", message: `Failed: ${message}` }),
    clear: () => setStatus({ phase: "idle", message: "" }),
  }), [status, busy, write, signTyped, action]);
  return <TxContext.Provider value={api}>{children}</TxContext.Provider>;
}

// ------------------------------------------------------------------ SIWE session

interface SessionApi {
  /** The signed-in address (lowercase), or null. */
  address: string | null;
  token: string | undefined;
  expiresAt: number | null;
  signingIn: boolean;
  error: string | null;
  signIn(): Promise<boolean>;
  signOut(): Promise<void>;
}
const SessionContext = createContext<SessionApi | null>(null);
/** localStorage: that this browser holds a session cookie of the API (no token, only its expiry). */
const SIGNED_IN_HINT = "ubc.signedIn";

export function useSession(): SessionApi {
  const c = useContext(SessionContext);
  if (!c) throw new Error("useSession outside <Providers>");
  return c;
}

function SessionProvider({ children }: { children: ReactNode }) {
  const { cfg, wagmiConfig } = useApp();
  const connection = useConnection();
  const [session, setSession] = useState<StoredSession | null>(null);
  const [signingIn, setSigningIn] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const stored = loadSession();
    if (stored) {
      setSession(stored);
      return;
    }
    // no token in this tab: the API's httpOnly cookie may still carry a session, but the browser
    // sends it (SameSite=Lax) only when the API is on this page's host
    if (new URL(cfg.apiUrl, window.location.href).hostname !== window.location.hostname) return;
    // and only if this browser signed in before (another tab): no pointless 401 otherwise
    let hint: { expiresAt?: number } | null = null;
    try {
      hint = JSON.parse(window.localStorage.getItem(SIGNED_IN_HINT) ?? "null") as { expiresAt?: number } | null;
    } catch {
      /* storage unavailable */
    }
    if (!hint?.expiresAt || hint.expiresAt < Date.now() / 1000) return;
    let live = true;
    fetchSession(cfg.apiUrl)
      .then((s) => {
        if (live && s) setSession({ token: "", address: s.address, expiresAt: s.expiresAt });
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [cfg.apiUrl]);

  const signIn = useCallback(async () => {
    setError(null);
    if (connection.status !== "connected" || !connection.address) {
      setError("Connect a wallet first.");
      return false;
    }
    setSigningIn(true);
    try {
      const nonce = await fetchNonce(cfg.apiUrl);
      const domain = cfg.siweDomain || new URL(cfg.apiUrl).host;
      const message = siweMessage({ domain, address: connection.address, uri: cfg.apiUrl, chainId: cfg.chainId, nonce });
      const client = await getConnectorClient(wagmiConfig);
      const signature = await signMessage(client, { account: client.account, message });
      const s = await verifySignIn(cfg.apiUrl, message, signature);
      saveSession(s);
      setSession(s);
      try {
        window.localStorage.setItem(SIGNED_IN_HINT, JSON.stringify({ expiresAt: s.expiresAt }));
      } catch {
        /* storage unavailable */
      }
      return true;
    } catch (err) {
      setError(explainError(err));
      return false;
    } finally {
      setSigningIn(false);
    }
  }, [connection.status, connection.address, cfg, wagmiConfig]);

  const signOut = useCallback(async () => {
    await apiSignOut(cfg.apiUrl, session?.token || undefined);
    saveSession(null);
    setSession(null);
    try {
      window.localStorage.removeItem(SIGNED_IN_HINT);
    } catch {
      /* storage unavailable */
    }
  }, [cfg.apiUrl, session]);

  // a session belongs to one address: another connected wallet is not signed in
  const connected = connection.address?.toLowerCase();
  const valid = session && (!connected || session.address.toLowerCase() === connected) ? session : null;
  const api = useMemo<SessionApi>(() => ({
    address: valid?.address.toLowerCase() ?? null,
    token: valid?.token || undefined,
    expiresAt: valid?.expiresAt ?? null,
    signingIn, error, signIn, signOut,
  }), [valid, signingIn, error, signIn, signOut]);
  return <SessionContext.Provider value={api}>{children}</SessionContext.Provider>;
}

// ------------------------------------------------------------------ root

export function Providers({ cfg, children }: { cfg: AppConfig; children: ReactNode }) {
  const [state] = useState(() => {
    const chain = defineChain({
      id: cfg.chainId,
      name: cfg.chainId === 31337 ? "Local devnet" : `Chain ${cfg.chainId}`,
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [cfg.rpcUrl] } },
    });
    const wagmiConfig = createConfig({
      chains: [chain],
      connectors: [injected()],
      multiInjectedProviderDiscovery: true,
      transports: { [chain.id]: http(cfg.rpcUrl) },
      ssr: true,
    });
    const publicClient = createPublicClient({ chain, transport: viemHttp(cfg.rpcUrl), pollingInterval: 1000 }) as PublicClient;
    const queryClient = new QueryClient({
      defaultOptions: { queries: { staleTime: 2_000, refetchOnWindowFocus: true, retry: 1 } },
    });
    // reconnect on load only in a browser that connected here before (and did not disconnect):
    // a wallet that answers eth_accounts unasked is not connected until the person says so
    let reconnect = false;
    try {
      reconnect = typeof window !== "undefined" && window.localStorage.getItem("wagmi.recentConnectorId") !== null;
    } catch {
      /* storage unavailable */
    }
    return { ctx: { cfg, publicClient, wagmiConfig }, queryClient, reconnect };
  });
  return (
    <ConfigContext.Provider value={state.ctx}>
      <WagmiProvider config={state.ctx.wagmiConfig} reconnectOnMount={state.reconnect}>
        <QueryClientProvider client={state.queryClient}>
          <SessionProvider>
            <TxProvider>{children}</TxProvider>
          </SessionProvider>
        </QueryClientProvider>
      </WagmiProvider>
    </ConfigContext.Provider>
  );
}
