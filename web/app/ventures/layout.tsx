import type { ReactNode } from "react";
import { QueryProvider } from "@/components/query";

// this section's client views read through react-query (components/data.ts): its provider is
// here, not in the root layout, so that pages without it (the overview) do not load it
export default function Layout({ children }: { children: ReactNode }) {
  return <QueryProvider>{children}</QueryProvider>;
}
