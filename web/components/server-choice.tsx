"use client";
// A choice the server renders a page for (a filter, an order), kept in the URL's search parameters:
// the control shows the new choice at once, the server's rows follow after router.replace, and
// until they have come the section says it is loading instead of showing the previous choice's rows
// as this one's. Used by the market's job filter and the agents directory's filter.
import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition, type ReactNode } from "react";

/**
 * `server`: the choice the page was rendered for; `query(choice)`: its search string ("?jobs=open"),
 * which also tells two choices apart (an object choice needs no memo or comparer of its own).
 */
export function useServerChoice<T>(server: T, query: (choice: T) => string): { chosen: T; choose: (c: T) => void; stale: boolean } {
  const router = useRouter();
  const [chosen, setChosen] = useState(server);
  const [pending, startTransition] = useTransition();
  const serverQuery = query(server);
  // a refresh or back/forward navigation brings a new server choice: follow it (keyed by its
  // search string: an object choice is a new object at every render)
  useEffect(() => setChosen(server), [serverQuery]);
  const choose = (c: T) => {
    setChosen(c);
    startTransition(() => router.replace(query(c), { scroll: false }));
  };
  return { chosen, choose, stale: pending || query(chosen) !== serverQuery };
}

/** The rows of the chosen view, or "Loading…" while they are still the previous choice's. */
export function ChoiceRows({ stale, children }: { stale: boolean; children: ReactNode }) {
  return stale ? <p className="muted" data-testid="loading" aria-busy="true">Loading…</p> : <>{children}</>;
}
