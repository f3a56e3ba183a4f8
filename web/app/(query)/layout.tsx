import type { ReactNode } from "react";
import { QueryProvider } from "@/components/query";

// The sections whose client views read through react-query (components/data.ts): stake, ventures,
// account, agents and a job's page (a route group: the URLs have no "(query)" segment). Its provider
// is here, not in the root layout, so that the pages without it (the overview, the market: its few
// browser reads go through components/poll.ts) do not load it.
export default function Layout({ children }: { children: ReactNode }) {
  return <QueryProvider>{children}</QueryProvider>;
}
