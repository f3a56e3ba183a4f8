// Diagnostic (not part of npm run bench:swarm): where one transaction of each kind of a swarm's
// trading spends its EVM steps and which storage slots it touches. Runs a small swarm on a fresh
// node, then traces (debug_traceTransaction) the first transaction of each named kind mined after
// the middle of the trading (or, for a kind only mined before it, the first of the trading), and
// prints per kind:
// - its steps by contract frame, and the source lines with the most steps (each step's pc mapped
//   through the compiler's source map of the contract whose code runs in that frame;
//   "(generated)" is code the compiler wrote: ABI coding, struct copies, checked arithmetic);
// - the distinct storage slots it touched, by contract, each with its first access (R or W, and
//   +W if a read slot was then written) and the pc of that access. Small slot numbers are a
//   contract's plain state variables in declaration order; hashed ones are mapping entries. At the
//   node every slot first touched in a transaction is a walk of that contract's storage trie.
// The steps' cost at the node: docs/benchmarks.md (thirty-second and thirty-ninth rounds).
// STEPS_AFTER=1 splits the "(generated)" steps by the source line run last before them in their
// frame (the ABI coding, copies and checks that line asked for). STEPS_SAMPLES=<n> traces the
// first n transactions of each kind and reports the one with the most steps.
// Usage: node scripts/bench/swarm/steps.ts [kinds=ValidatorPool.drawCommittee,WorkMarket.fillQuote,...] [top=20]
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT, startChain } from "../../../indexer/src/testing/chain.ts";
import { runSwarm } from "../../../agents/src/swarm/swarm.ts";
import { contractsByAddress } from "./contracts.ts";

const kinds = (process.argv[2] ?? "WorkMarket.fillQuote,WorkMarket.submit,ValidatorPool.drawCommittee,ValidatorPool.attest,ReputationRegistry.giveFeedback").split(",");
const top = Number(process.argv[3] ?? 20);
/** STEPS_AFTER=1: compiler-generated steps are listed by the last source line run before them in their frame. */
const afterLine = process.env.STEPS_AFTER === "1";
/** STEPS_SAMPLES=n: trace the first n of each kind and report the one with the most steps (an attestation that reaches quorum, say). */
const samples = Math.max(1, Number(process.env.STEPS_SAMPLES ?? 1));

interface Step { op: string; depth: number; pc: number; stack?: string[] }

const BUILD_INFO = join(ROOT, "artifacts", "build-info");
/** The compiler outputs of the build infos (tens of MB of JSON), read once for every contract. */
let outputs: { file: string; out: any }[] | undefined;

/** pc → "File.sol:line" of a deployed contract, from the build info whose code matches `code`. */
function sourceLines(name: string, code: string): Map<number, string> | undefined {
  outputs ??= readdirSync(BUILD_INFO).filter((x) => x.endsWith(".output.json")).map((f) => {
    const output = JSON.parse(readFileSync(join(BUILD_INFO, f), "utf8"));
    return { file: f, out: output.output ?? output };
  });
  for (const { file: f, out } of outputs) {
    for (const contracts of Object.values<Record<string, any>>(out.contracts ?? {})) {
      const c = contracts[name];
      if (!c) continue;
      const obj: string = c.evm.deployedBytecode.object;
      // the same contract compiled by another build (tests' settings): compare the code, whose
      // immutables differ from the compiled object's zeros only in a few bytes
      if (obj.length !== code.length - 2) continue;
      let same = 0;
      for (let i = 0; i < obj.length; i += 2) if (obj.slice(i, i + 2) === code.slice(2 + i, 4 + i)) same++;
      if (same < 0.9 * (obj.length / 2)) continue;
      const input = JSON.parse(readFileSync(join(BUILD_INFO, f.replace(".output.json", ".json")), "utf8"));
      const sources = (input.input ?? input).sources as Record<string, { content: string }>;
      const fileOf = new Map<number, string>(Object.entries<any>(out.sources).map(([path, s]) => [s.id as number, path]));
      const starts = new Map<string, number[]>();
      const lineOf = (path: string, offset: number): number => {
        let ls = starts.get(path);
        if (!ls) {
          const text = sources[path]?.content ?? "";
          ls = [0];
          for (let i = 0; i < text.length; i++) if (text[i] === "\n") ls.push(i + 1);
          starts.set(path, ls);
        }
        let lo = 0;
        let hi = ls.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (ls[mid] <= offset) lo = mid;
          else hi = mid - 1;
        }
        return lo + 1;
      };
      // the source map has one entry per instruction; PUSHn's data bytes are not instructions
      const bytes = Buffer.from(obj, "hex");
      const pcs: number[] = [];
      for (let pc = 0; pc < bytes.length; pc += bytes[pc] >= 0x60 && bytes[pc] <= 0x7f ? bytes[pc] - 0x5e : 1) pcs.push(pc);
      const lines = new Map<number, string>();
      let s = 0;
      let id = -1;
      (c.evm.deployedBytecode.sourceMap as string).split(";").forEach((entry, i) => {
        const [start, , fileId] = entry.split(":");
        if (start) s = Number(start);
        if (fileId) id = Number(fileId);
        const path = fileOf.get(id);
        lines.set(pcs[i], path ? `${path.split("/").pop()}:${lineOf(path, s)}` : "(generated)");
      });
      return lines;
    }
  }
  return undefined;
}

const chain = await startChain();
try {
  const names = contractsByAddress(chain.deployments.contracts);
  let from = 0;
  await runSwarm({
    agents: 20, jobs: 60, rpcUrl: chain.url, deployments: chain.deployments, seed: 1, inFlight: 6, log: () => {},
    onReady: () => { void chain.provider.getBlockNumber().then((n) => { from = n + 1; }); },
  });
  const to = await chain.provider.getBlockNumber();
  const lines = new Map<string, Map<number, string> | undefined>();
  // per kind: how many were traced, and the report of the one with the most steps so far
  const traced = new Map<string, number>();
  const best = new Map<string, { steps: number; text: string }>();
  const done = new Set<string>();
  // the second half of the trading first (a grown chain), then its first half for kinds that only
  // occur early (the fills of a small swarm)
  const mid = Math.floor((from + to) / 2);
  const blocks = [...Array(to - mid + 1).keys()].map((i) => mid + i).concat([...Array(mid - from).keys()].map((i) => from + i));
  for (const b of blocks) {
    if (done.size === kinds.length) break;
    for (const tx of (await chain.provider.getBlock(b, true))!.prefetchedTransactions) {
      const c = tx.to ? names.get(tx.to.toLowerCase()) : undefined;
      const kind = `${c?.name}.${c?.iface.getFunction(tx.data.slice(0, 10))?.name}`;
      if (!kinds.includes(kind) || done.has(kind)) continue;
      traced.set(kind, (traced.get(kind) ?? 0) + 1);
      if (traced.get(kind)! >= samples) done.add(kind);
      const { structLogs } = await chain.rpc<{ structLogs: Step[] }>("debug_traceTransaction", [tx.hash, { disableMemory: true, disableStack: false, disableStorage: true }]);
      // the code running at each call depth: a call's target, or the caller's own for DELEGATECALL
      const frames: string[] = [tx.to!.toLowerCase()];
      let next: string | undefined;
      const byFrame = new Map<string, number>();
      const byLine = new Map<string, number>();
      const slots = new Map<string, string>();
      const lastSrc = new Map<string, string>();
      for (const step of structLogs) {
        while (frames.length > step.depth) frames.pop();
        if (frames.length < step.depth && next !== undefined) frames.push(next);
        next = undefined;
        const address = frames[frames.length - 1];
        const name = names.get(address)?.name ?? address.slice(0, 10);
        if (!lines.has(address)) lines.set(address, names.has(address) ? sourceLines(name, await chain.provider.getCode(address)) : undefined);
        byFrame.set(name, (byFrame.get(name) ?? 0) + 1);
        const src = lines.get(address)?.get(step.pc) ?? "?";
        if (src !== "(generated)") lastSrc.set(address, src);
        const line = `${name} ${src === "(generated)" && afterLine ? `(generated after ${lastSrc.get(address)})` : src}`;
        byLine.set(line, (byLine.get(line) ?? 0) + 1);
        const stack = step.stack ?? [];
        if (step.op === "SLOAD" || step.op === "SSTORE") {
          const slot = BigInt(stack[stack.length - 1]);
          const key = `${name} ${slot < 1000n ? `slot ${slot}` : `0x${slot.toString(16).padStart(64, "0").slice(0, 10)}…`}`;
          const seen = slots.get(key);
          if (seen === undefined) slots.set(key, `${step.op === "SSTORE" ? "W" : "R"} at pc ${step.pc}`);
          else if (step.op === "SSTORE" && seen.startsWith("R") && !seen.includes("+W")) slots.set(key, seen.replace("R", "R+W"));
        } else if (step.op === "CALL" || step.op === "STATICCALL" || step.op === "DELEGATECALL") {
          next = step.op === "DELEGATECALL" ? address : `0x${BigInt(stack[stack.length - 2] ?? "0").toString(16).padStart(40, "0")}`;
        }
      }
      if (structLogs.length <= (best.get(kind)?.steps ?? -1)) continue;
      let text = `${kind} (block ${b}): ${structLogs.length} steps; by frame: ${[...byFrame].map(([k, v]) => `${k} ${v}`).join(", ")}\n`;
      for (const [k, v] of [...byLine].sort((x, y) => y[1] - x[1]).slice(0, top)) text += `  ${String(v).padStart(6)}  ${k}\n`;
      text += `  slots touched: ${slots.size}\n`;
      for (const [k, v] of slots) text += `    ${k}  ${v}\n`;
      best.set(kind, { steps: structLogs.length, text });
    }
  }
  for (const k of kinds) {
    const r = best.get(k);
    if (r === undefined) process.stdout.write(`${k}: none mined while trading\n`);
    else process.stdout.write(samples > 1 ? r.text.replace(" steps;", ` steps (the most of ${traced.get(k)} traced);`) : r.text);
  }
} finally {
  await chain.stop();
}
