"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { useConnect, useConnection, useConnectors, useDisconnect } from "wagmi";
import { shortAddress } from "@/lib/format";
import { explainError } from "@/lib/errors";
import { useApp, useMounted, useSession } from "./Providers";

const NAV = [
  ["/", "Overview"],
  ["/stake", "Stake"],
  ["/market", "Market"],
  ["/ventures", "Ventures"],
  ["/account", "Account"],
] as const;

export function Header() {
  const path = usePathname();
  return (
    <header className="site-header">
      <div className="header-inner">
        <Link href="/" className="brand">UBC Compute Exchange</Link>
        <nav aria-label="Main">
          <ul>
            {NAV.map(([href, name]) => {
              const current = href === "/" ? path === "/" : path.startsWith(href);
              return (
                <li key={href}>
                  <Link href={href} aria-current={current ? "page" : undefined}>{name}</Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <Wallet />
      </div>
    </header>
  );
}

function Wallet() {
  const mounted = useMounted();
  const { cfg } = useApp();
  const connection = useConnection();
  const connectors = useConnectors();
  const connect = useConnect();
  const disconnect = useDisconnect();
  const session = useSession();
  const [menu, setMenu] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (!mounted) {
    // the server render: the same button a disconnected browser shows (no wallet state yet)
    return <div className="wallet"><button type="button" className="button" disabled>Connect wallet</button></div>;
  }

  // EIP-6963 wallets announce themselves; the generic injected connector is the fallback
  const announced = connectors.filter((c) => c.id !== "injected");
  const choices = announced.length > 0 ? announced : connectors.filter((c) => c.id === "injected");

  async function connectWith(id: string) {
    setError(null);
    setMenu(false);
    const connector = connectors.find((c) => c.id === id);
    if (!connector) return;
    try {
      await connect.mutateAsync({ connector, chainId: cfg.chainId });
    } catch (err) {
      setError(/provider not found|ProviderNotFound/i.test(String(err)) ? "No browser wallet found: install one, then reload." : explainError(err));
    }
  }

  if (connection.status !== "connected") {
    return (
      <div className="wallet">
        <button
          type="button"
          className="button"
          aria-expanded={choices.length > 1 ? menu : undefined}
          disabled={connection.status === "connecting" || connection.status === "reconnecting"}
          onClick={() => (choices.length === 1 ? connectWith(choices[0].id) : choices.length > 1 ? setMenu(!menu) : setError("No browser wallet found: install one, then reload."))}
        >
          Connect wallet
        </button>
        {menu && (
          <ul className="wallet-menu" aria-label="Wallets">
            {choices.map((c) => (
              <li key={c.uid}>
                <button type="button" className="button secondary" onClick={() => connectWith(c.id)}>{c.name}</button>
              </li>
            ))}
          </ul>
        )}
        {error && <p className="error small" role="alert">{error}</p>}
      </div>
    );
  }

  const wrongChain = connection.chainId !== cfg.chainId;
  return (
    <div className="wallet">
      <span className="address" data-testid="wallet-address" title={connection.address}>{shortAddress(connection.address)}</span>
      {wrongChain && <span className="badge warn">wrong network</span>}
      {session.address ? (
        <>
          <span className="badge ok" data-testid="session-address" data-address={session.address} title={`Signed in as ${session.address}`}>Signed in</span>
          <button type="button" className="button secondary" onClick={() => void session.signOut()}>Sign out</button>
        </>
      ) : (
        <button type="button" className="button" onClick={() => void session.signIn()} disabled={session.signingIn}>
          {session.signingIn ? "Signing in…" : "Sign in"}
        </button>
      )}
      <button type="button" className="button secondary" onClick={() => disconnect.mutate({})}>Disconnect</button>
      {session.error && <p className="error small" role="alert">{session.error}</p>}
    </div>
  );
}
