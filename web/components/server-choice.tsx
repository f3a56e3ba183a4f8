"use client";
// A choice the server renders a page for (a filter, an order), kept in the URL's search parameters:
// the control shows the new choice at once, the server's rows follow after router.replace, and
// until they have come the section says it is loading instead of showing the previous choice's rows
// as this one's. Used by the market's job filter and the agents directory's filter.
import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition, type ReactNode } from "react";

/** `server`: the choice the page was rendered for; `query(choice)`: its search string ("?jobs=open"). */
export function useServerChoice<T>(server: T, query: (choice: T) => string, same: (a: T, b: T) => boolean = Object.is): { chosen: T; choose: (c: T) => void; stale: boolean } {
  const router = useRouter();
  const [chosen, setChosen] = useState(server);
  const [pending, startTransition] = useTransition();
  // a refresh or back/forward navigation brings a new server choice: follow it
  useEffect(() => setChosen(server), [server]);
  const choose = (c: T) => {
    setChosen(c);
    startTransition(() => router.replace(query(c), { scroll: false }));
  };
  return { chosen, choose, stale: pending || !same(chosen, server) };
}

/** The rows of the chosen view, or "Loading…" while they are still the previous choice's. */
export function ChoiceRows({ stale, children }: { stale: boolean; children: ReactNode }) {
  return stale ? <p className="muted" data-testid="loading" aria-busy="true">Loading…</p> : <>{children}</>;
}
