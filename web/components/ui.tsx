// Small shared pieces: list states (loading / error / empty), number tiles, amounts. No hooks and
// no "use client": Server Components render them in place (the market's tables), client ones bundle them.
import type { ReactNode } from "react";
import { formatAmount } from "@/lib/format";

/** Renders loading, error and empty states for a list, or the list itself. */
export function ListState<T>({ q, items, empty, children }: {
  q: { isPending: boolean; error: Error | null };
  items: T[] | undefined;
  empty: ReactNode;
  children: (items: T[]) => ReactNode;
}) {
  if (q.error && !items) return <p className="error" role="alert">Could not load: {q.error.message}</p>;
  if (q.isPending && !items) return <p className="muted" data-testid="loading" aria-busy="true">Loading…</p>;
  if (!items || items.length === 0) return <p className="muted" data-testid="empty">{empty}</p>;
  return <>{children(items)}</>;
}

/** A million tokens (18 decimals): from here on an amount is shown in whole tokens. */
const WHOLE_FROM = 10n ** 24n;

/**
 * A token amount with its unit. From a million tokens on it is shown in whole tokens (the exact
 * amount in its title); its digits never break across lines (the unit may move to the next).
 */
export function Amount({ wei, unit, decimals = 4, testId }: { wei: bigint | string | null | undefined; unit?: string; decimals?: number; testId?: string }) {
  const v = wei === null || wei === undefined || wei === "" ? undefined : BigInt(wei);
  const whole = v !== undefined && decimals > 0 && (v < 0n ? -v : v) >= WHOLE_FROM;
  return (
    <span className="amount" data-testid={testId} data-value={v === undefined ? undefined : String(v)} title={whole ? formatAmount(v, 18) : undefined}>
      <span className="num">{formatAmount(wei, whole ? 0 : decimals)}</span>{unit ? <span className="unit"> {unit}</span> : null}
    </span>
  );
}

export function Tile({ label, children, hint }: { label: string; children: ReactNode; hint?: ReactNode }) {
  return (
    <div className="tile">
      <div className="tile-label">{label}</div>
      <div className="tile-value">{children}</div>
      {hint && <div className="tile-hint">{hint}</div>}
    </div>
  );
}

/** A field's error message, announced, tied to its input by id. */
export function FieldError({ id, error }: { id: string; error: string | null | undefined }) {
  if (!error) return null;
  return <p id={id} className="field-error" role="alert">{error}</p>;
}

export function Status({ value, title }: { value: string; title?: string }) {
  return <span className={`pill pill-${value}`} title={title}>{value}</span>;
}

/** A data table in its scrolling wrapper: column headings (a `title` explains one), then the rows. */
export function DataTable({ head, children }: { head: (string | { label: string; title: string })[]; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>{head.map((h) => (typeof h === "string" ? <th key={h} scope="col">{h}</th> : <th key={h.label} scope="col" title={h.title}>{h.label}</th>))}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/**
 * A labelled text input with its error message (forms of the market, the job page, the ventures).
 * `suggestions`: values offered as the user types (a datalist); any other value may still be typed.
 */
export function TextField({ id, label, value, set, error, numeric, placeholder, suggestions }: {
  id: string; label: string; value: string; set: (v: string) => void; error?: string; numeric?: boolean; placeholder?: string; suggestions?: readonly string[];
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} value={value} onChange={(e) => set(e.target.value)} inputMode={numeric ? "decimal" : undefined} autoComplete="off"
        placeholder={placeholder} aria-invalid={Boolean(error)} aria-describedby={error ? `${id}-error` : undefined} list={suggestions ? `${id}-list` : undefined} />
      {suggestions && <datalist id={`${id}-list`}>{suggestions.map((s) => <option key={s} value={s} />)}</datalist>}
      <FieldError id={`${id}-error`} error={error} />
    </div>
  );
}
