"use client";
import Link from "@/components/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { shortAddress } from "@/lib/format";
import { useApp, useMounted, useSession } from "./Providers";
import { explain, loadWallet, useConnection } from "./wallet";

const NAV = [
  ["/", "Overview"],
  ["/stake", "Stake"],
  ["/market", "Market"],
  ["/agents", "Agents"],
  ["/validators", "Validators"],
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
  const session = useSession();
  // the wallets to choose from, once the wallet code is loaded and more than one announced itself
  const [menu, setMenu] = useState<{ id: string; uid: string; name: string }[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (!mounted) {
    // the server render: the same button a disconnected browser shows (no wallet state yet)
    return <div className="wallet"><button type="button" className="button" disabled>Connect wallet</button></div>;
  }

  async function connectWith(id: string) {
    setError(null);
    setMenu(null);
    try {
      await (await loadWallet(cfg)).connect(id);
    } catch (err) {
      setError(/provider not found|ProviderNotFound/i.test(String(err)) ? "No browser wallet found: install one, then reload." : await explain(err));
    }
  }

  async function pressConnect() {
    if (menu) return setMenu(null);
    setError(null);
    setLoading(true);
    try {
      const wallet = await loadWallet(cfg);
      // EIP-6963 wallets answer the discovery request at once; give them a moment to be registered
      let choices = wallet.choices();
      for (let i = 0; i < 5 && choices.every((c) => c.id === "injected"); i++) {
        await new Promise((r) => setTimeout(r, 20));
        choices = wallet.choices();
      }
      if (choices.length === 1) await connectWith(choices[0].id);
      else if (choices.length > 1) setMenu(choices);
      else setError("No browser wallet found: install one, then reload.");
    } catch (err) {
      setError(await explain(err).catch(() => String(err)));
    } finally {
      setLoading(false);
    }
  }

  if (connection.status !== "connected") {
    return (
      <div className="wallet">
        <button
          type="button"
          className="button"
          aria-expanded={menu ? true : undefined}
          disabled={loading || connection.status === "connecting" || connection.status === "reconnecting"}
          onClick={() => void pressConnect()}
        >
          Connect wallet
        </button>
        {menu && (
          <ul className="wallet-menu" aria-label="Wallets">
            {menu.map((c) => (
              <li key={c.uid}>
                <button type="button" className="button secondary" onClick={() => void connectWith(c.id)}>{c.name}</button>
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
      <button type="button" className="button secondary" onClick={() => void loadWallet(cfg).then((w) => w.disconnect())}>Disconnect</button>
      {session.error && <p className="error small" role="alert">{session.error}</p>}
    </div>
  );
}
