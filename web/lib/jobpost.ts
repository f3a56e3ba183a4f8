// The spec hash a new job will hold (a fill of a quote, or an open job), from what the requester
// typed: for a kind the agents work (sha256-iter, llm-text) the spec they execute, built from the
// text and published on the indexer's spec store, where the provider fetches it by that hash; for
// any other kind the text itself, hashed. Published before anything is signed: a store that cannot
// take it costs no transaction. `store`: the failure was the store's (else the text's).
import type { Hex } from "viem";
import { postSpec } from "./api.ts";
import { jobSpecText, specHash } from "./market.ts";

export async function publishJobSpec(apiUrl: string, kindName: string | undefined, units: bigint, text: string, salt: string): Promise<{ ok: true; hash: Hex } | { ok: false; error: string; store: boolean }> {
  const built = jobSpecText(kindName, units, text, salt);
  if ("error" in built) return { ok: false, error: built.error, store: false };
  if (built.kind === null) return { ok: true, hash: specHash(text) };
  const hash = specHash(built.text);
  try {
    const stored = await postSpec(apiUrl, built.text);
    if (stored.toLowerCase() !== hash.toLowerCase()) return { ok: false, error: `The spec store answered hash ${stored}, not the spec's ${hash}`, store: true };
  } catch (err) {
    return { ok: false, error: `Could not publish the job's spec for the provider (${(err as Error).message})`, store: true };
  }
  return { ok: true, hash };
}
