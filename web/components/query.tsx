"use client";
// react-query for the pages that read through it (stake, market, ventures, account, agents, jobs):
// their route layouts wrap them in <QueryProvider>. It is not in the root layout, so a page that
// needs none of it (the overview, all Server Components) neither downloads nor runs it.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode } from "react";
import { onWritten } from "./Providers";

const options = { defaultOptions: { queries: { staleTime: 2_000, refetchOnWindowFocus: true, retry: 1 } } };
// one client per browser tab, kept across navigations between the pages that use it (their
// cached reads stay); on the server, one per request
let browserClient: QueryClient | undefined;
function queryClient(): QueryClient {
  if (typeof window === "undefined") return new QueryClient(options);
  return (browserClient ??= new QueryClient(options));
}

export function QueryProvider({ children }: { children: ReactNode }) {
  const [client] = useState(queryClient);
  // after a confirmed write or API action: read again now, and shortly after (the indexer
  // follows the chain within a block or two)
  useEffect(() => {
    const timers: ReturnType<typeof setTimeout>[] = [];
    const off = onWritten(() => {
      void client.invalidateQueries();
      for (const ms of [1200, 3000, 6000]) timers.push(setTimeout(() => void client.invalidateQueries(), ms));
    });
    return () => {
      off();
      timers.forEach(clearTimeout);
    };
  }, [client]);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
