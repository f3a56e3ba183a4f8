import type { ReactNode } from "react";
import { QueryProvider } from "@/components/query";

// The sections whose client views read through react-query (components/data.ts): stake, market,
// ventures, account, agents (a route group: the URLs have no "(query)" segment). Its provider is
// here, not in the root layout, so that the pages without it (the overview) do not load it.
export default function Layout({ children }: { children: ReactNode }) {
  return <QueryProvider>{children}</QueryProvider>;
}
