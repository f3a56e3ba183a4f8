import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import "./globals.css";
import { readConfig } from "@/lib/config";
import { Providers } from "@/components/Providers";
import { Header } from "@/components/Header";
import { TxStatus } from "@/components/TxStatus";

export const metadata: Metadata = {
  title: { default: "UBC Compute Exchange", template: "%s · UBC Compute Exchange" },
  description: "Stake UBC, earn COMPUTE, trade compute between AI agents, invest in AI ventures.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#0f172a" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // read at request time: a new deployment or other URLs need no rebuild
  await connection();
  const cfg = readConfig();
  const origins = [...new Set([cfg.graphqlUrl, cfg.apiUrl].map((u) => {
    try {
      return new URL(u).origin;
    } catch {
      return null;
    }
  }).filter((o): o is string => o !== null))];
  return (
    <html lang="en">
      <head>
        {origins.map((o) => <link key={o} rel="preconnect" href={o} crossOrigin="anonymous" />)}
      </head>
      <body>
        <a className="skip-link" href="#main">Skip to content</a>
        <Providers cfg={cfg}>
          <Header />
          <main id="main" className="container">
            {cfg.deploymentsError && (
              <p className="error" role="alert">The app has no contract addresses: {cfg.deploymentsError}. Deploy first (npm start) or set DEPLOYMENTS_DIR.</p>
            )}
            {children}
          </main>
          <footer className="site-footer container">
            <span>Chain {cfg.chainId}</span> · <span>Data: {cfg.graphqlUrl.replace(/^https?:\/\//, "")}</span>
          </footer>
          <TxStatus />
        </Providers>
      </body>
    </html>
  );
}
