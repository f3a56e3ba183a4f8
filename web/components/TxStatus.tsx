"use client";
import { useTx } from "./Providers";

/** The one transaction status region of the page (role="status", aria-live). */
export function TxStatus() {
  const { status, clear } = useTx();
  return (
    <div className={`tx-status tx-${status.phase}`} role="status" aria-live="polite" data-testid="tx-status" data-state={status.phase}>
      {status.phase !== "idle" && (
        <>
          <span className="tx-message">{status.message}</span>
          {status.hash && <>{" "}<code className="tx-hash" title={status.hash}>{`tx ${status.hash.slice(0, 10)}…`}</code></>}
          {status.phase !== "wallet" && status.phase !== "pending" && (
            <button type="button" className="link-button" onClick={clear} aria-label="Dismiss the transaction status">×</button>
          )}
        </>
      )}
    </div>
  );
}
