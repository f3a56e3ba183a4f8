// Diagnostic (not part of npm run bench:swarm): the transactions of one swarm's trading, grouped by
// contract and function: count, mean gas, share of all gas, calldata, logs, and for the first three
// of each kind the EVM steps, SSTOREs, SLOADs and calls (debug_traceTransaction). Reads the blocks
// mined while the swarm traded and their receipts from the node.
// For each traced kind also the storage tries written (contracts whose storage changed) and the
// distinct slots written, with the contracts named; and the distinct slots touched (read or
// written) and the accounts called (the transaction's target, the contracts it calls and the
// precompiles), each a walk of the node's state trie.
// Usage: node scripts/bench/swarm/gas-mix.ts [agents=100] [jobs=300]
import { startChain } from "../../../indexer/src/testing/chain.ts";
import { contractsByAddress } from "./contracts.ts";
import { runSwarm } from "../../../agents/src/swarm/swarm.ts";

const agents = Number(process.argv[2] ?? 100);
const jobs = Number(process.argv[3] ?? 300);
const chain = await startChain();
try {
  const names = contractsByAddress(chain.deployments.contracts);
  let from = 0;
  await runSwarm({
    agents, jobs, rpcUrl: chain.url, deployments: chain.deployments, seed: 1, inFlight: Number(process.env.GAS_MIX_IN_FLIGHT ?? 6), log: () => {},
    onReady: () => { void chain.provider.getBlockNumber().then((n) => { from = n + 1; }); },
  });
  const to = await chain.provider.getBlockNumber();
  const rows = new Map<string, { n: number; gas: bigint; calldata: number; logs: number; steps: number; sstore: number; sload: number; calls: number; traced: number; tries: number; slots: number; slotsTouched: number; accounts: number; writers: Set<string>; called: Set<string> }>();
  let all = 0n;
  let count = 0;
  for (let b = from; b <= to; b++) {
    const block = await chain.provider.getBlock(b, true);
    for (const tx of block!.prefetchedTransactions) {
      const r = (await chain.provider.getTransactionReceipt(tx.hash))!;
      const c = tx.to ? names.get(tx.to.toLowerCase()) : undefined;
      const fn = c ? (c.iface.getFunction(tx.data.slice(0, 10))?.name ?? tx.data.slice(0, 10)) : "transfer/other";
      const key = `${c?.name ?? "?"}.${fn}`;
      const row = rows.get(key) ?? { n: 0, gas: 0n, calldata: 0, logs: 0, steps: 0, sstore: 0, sload: 0, calls: 0, traced: 0, tries: 0, slots: 0, slotsTouched: 0, accounts: 0, writers: new Set<string>(), called: new Set<string>() };
      row.n++; row.gas += r.gasUsed; row.calldata += (tx.data.length - 2) / 2; row.logs += r.logs.length;
      if (row.traced < 3) {
        // the EVM steps of a few of each kind: storage writes and reads, calls to other contracts
        const t = await chain.rpc<{ structLogs: { op: string; depth: number; stack?: string[] }[] }>("debug_traceTransaction", [tx.hash, { disableMemory: true, disableStack: false, disableStorage: true }]);
        row.traced++;
        row.steps += t.structLogs.length;
        // the storage context of each call depth: the contracts whose storage a transaction writes
        // (each is a storage trie the node re-hashes in that block) and the distinct slots
        const ctx: string[] = [tx.to!.toLowerCase()];
        let pending: string | undefined;
        const written = new Set<string>();
        const slots = new Set<string>();
        const touched = new Set<string>(); // slots read or written
        const accounts = new Set<string>([tx.to!.toLowerCase()]);
        for (const l of t.structLogs) {
          while (ctx.length > l.depth) ctx.pop();
          if (ctx.length < l.depth && pending !== undefined) ctx.push(pending);
          pending = undefined;
          const st = l.stack ?? [];
          if (l.op === "SSTORE") { row.sstore++; written.add(ctx[ctx.length - 1]); slots.add(`${ctx[ctx.length - 1]}:${st[st.length - 1]}`); }
          else if (l.op === "SLOAD") { row.sload++; touched.add(`${ctx[ctx.length - 1]}:${st[st.length - 1]}`); }
          else if (l.op === "CALL" || l.op === "STATICCALL" || l.op === "DELEGATECALL") {
            row.calls++;
            const target = "0x" + BigInt(st[st.length - 2] ?? "0").toString(16).padStart(40, "0");
            pending = l.op === "DELEGATECALL" ? ctx[ctx.length - 1] : target;
            accounts.add(target);
          }
        }
        row.tries += written.size; row.slots += slots.size; row.accounts += accounts.size;
        for (const k of slots) touched.add(k);
        row.slotsTouched += touched.size;
        for (const a of written) row.writers.add(names.get(a)?.name ?? a);
        for (const a of accounts) row.called.add(names.get(a)?.name ?? (BigInt(a) < 0x100n ? `precompile${BigInt(a)}` : a.slice(0, 8)));
      }
      rows.set(key, row);
      all += r.gasUsed; count++;
    }
  }
  process.stdout.write(`${count} transactions in blocks ${from}..${to}, mean gas ${(Number(all) / count).toFixed(0)}\n`);
  for (const [k, r] of [...rows].sort((a, b) => Number(b[1].gas - a[1].gas))) {
    process.stdout.write(`  ${k.padEnd(40)} ${String(r.n).padStart(6)}  ${(r.n / count * 100).toFixed(1).padStart(5)}% of txs  mean gas ${(Number(r.gas) / r.n).toFixed(0).padStart(7)}  ${(Number(r.gas * 1000n / all) / 10).toFixed(1).padStart(5)}% of gas  calldata ${(r.calldata / r.n).toFixed(0)} B  logs ${(r.logs / r.n).toFixed(1)}  steps ${(r.steps / r.traced).toFixed(0)} sstore ${(r.sstore / r.traced).toFixed(1)} sload ${(r.sload / r.traced).toFixed(1)} calls ${(r.calls / r.traced).toFixed(1)}  tries ${(r.tries / r.traced).toFixed(1)} slots ${(r.slots / r.traced).toFixed(1)} (${[...r.writers].join(" ")})  slots touched ${(r.slotsTouched / r.traced).toFixed(1)} accounts ${(r.accounts / r.traced).toFixed(1)} (${[...r.called].join(" ")})\n`);
  }
} finally {
  await chain.stop();
}
