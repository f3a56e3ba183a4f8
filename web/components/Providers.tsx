"use client";
// Everything the client side shares: the runtime configuration (from the server), the SIWE
// session and the one transaction status (react-query is in ./query.tsx, wrapped around the
// pages that use it by their route layouts). The wallet itself (wagmi, viem's clients) is
// not here: components/wallet.ts loads it on first need, so read-only pages hydrate without it.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from "react";
import type { Hash, TypedDataDefinition } from "viem";
import type { AppConfig } from "@/lib/config";
import { notifyWritten } from "@/lib/written";
import { fetchNonce, fetchSession, loadSession, saveSession, signOut as apiSignOut, verifySignIn, type StoredSession } from "@/lib/api";
import { explain, lazyChainReader, loadWallet, rememberedConnection, useConnection, type ChainReader, type WriteRequest } from "./wallet";

export type { WriteRequest } from "./wallet";

// ------------------------------------------------------------------ configuration

interface Ctx {
  cfg: AppConfig;
  /** Chain reads over RPC (viem's public client, loaded at the first call). */
  publicClient: ChainReader;
}
const ConfigContext = createContext<Ctx | null>(null);

export function useApp(): Ctx {
  const c = useContext(ConfigContext);
  if (!c) throw new Error("useApp outside <Providers>");
  return c;
}

/** The address of a deployed contract, or undefined when the deployments file lacks it. */
export function useContract(name: string): `0x${string}` | undefined {
  return useApp().cfg.contracts[name];
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

export { onWritten } from "@/lib/written";

export type TxPhase = "idle" | "wallet" | "pending" | "confirmed" | "failed";
export interface TxStatusState {
  phase: TxPhase;
  message: string;
  hash?: Hash;
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
  const { cfg } = useApp();
  const [status, setStatus] = useState<TxStatusState>({ phase: "idle", message: "" });
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(() => notifyWritten(), []);

  const write = useCallback(async (req: WriteRequest): Promise<boolean> => {
    setBusy(true);
    setStatus({ phase: "wallet", message: `Waiting for wallet: ${req.label}…` });
    try {
      const wallet = await loadWallet(cfg);
      const outcome = await wallet.write(req, (hash) => setStatus({ phase: "pending", message: `Pending: ${req.label}…`, hash }));
      if (outcome !== "success") {
        setStatus((s) => ({ phase: "failed", message: `Failed: ${req.label} reverted on-chain.`, hash: s.hash }));
        return false;
      }
      setStatus((s) => ({ phase: "confirmed", message: `Confirmed: ${req.label}`, hash: s.hash }));
      refresh();
      return true;
    } catch (err) {
      setStatus({ phase: "failed", message: `Failed: ${req.label}: ${await explain(err)}` });
      return false;
    } finally {
      setBusy(false);
    }
  }, [cfg, refresh]);

  const signTyped = useCallback(async (label: string, data: TypedDataDefinition) => {
    setBusy(true);
    setStatus({ phase: "wallet", message: `Waiting for wallet: ${label}…` });
    try {
      const sig = await (await loadWallet(cfg)).signTyped(data);
      setStatus({ phase: "pending", message: `Signed: ${label}` });
      return sig;
    } catch (err) {
      setStatus({ phase: "failed", message: `Failed: ${label}: ${await explain(err)}` });
      return null;
    } finally {
      setBusy(false);
    }
  }, [cfg]);

  const action = useCallback(async <T,>(label: string, done: string, fn: () => Promise<T>): Promise<T | null> => {
    setBusy(true);
    setStatus({ phase: "pending", message: `Pending: ${label}…` });
    try {
      const out = await fn();
      setStatus({ phase: "confirmed", message: `Confirmed: ${done}` });
      refresh();
      return out;
    } catch (err) {
      setStatus({ phase: "failed", message: `Failed: ${label}: ${await explain(err)}` });
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
  const { cfg } = useApp();
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
      const [nonce, wallet] = await Promise.all([fetchNonce(cfg.apiUrl), loadWallet(cfg)]);
      const domain = cfg.siweDomain || new URL(cfg.apiUrl).host;
      const { message, signature } = await wallet.signIn({ domain, uri: cfg.apiUrl, nonce });
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
      setError(await explain(err));
      return false;
    } finally {
      setSigningIn(false);
    }
  }, [connection.status, connection.address, cfg]);

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
  const [state] = useState(() => ({ ctx: { cfg, publicClient: lazyChainReader(cfg) } }));
  // resume the wallet only in a browser that connected here before (and did not disconnect)
  useEffect(() => {
    if (rememberedConnection()) void loadWallet(cfg, true);
  }, [cfg]);
  return (
    <ConfigContext.Provider value={state.ctx}>
      <SessionProvider>
        <TxProvider>{children}</TxProvider>
      </SessionProvider>
    </ConfigContext.Provider>
  );
}
