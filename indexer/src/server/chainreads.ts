// The two chain reads of a quote post — does the signer have code (a contract wallet), and is
// the quote's nonce used on the WorkMarket — for many posts at once, in one eth_call at the
// latest block. The call carries no `to`: its data is a small piece of EVM code (run as if it
// were deploying a contract) followed by the questions; for each (signer, agent, nonce) it
// answers EXTCODESIZE(signer) (zero exactly when eth_getCode says "0x") and the result of
// STATICCALL market.isQuoteNonceUsed(agent, nonce), then returns. Nothing is deployed or
// written. A post gets the same answers as from eth_getCode and the contract call, read
// from the chain's latest state, at a fraction of the RPC node's work (Hardhat answers a few
// hundred eth_getCode per second; one of these calls answers a hundred posts).
import { ethers } from "ethers";
import { Batcher, type Outcome } from "./batch.ts";

type Op = number | { push1: number } | { push4: number } | { label: string } | { to: string };

/** A tiny assembler: opcodes, PUSH1/PUSH4 values, labels (JUMPDEST) and PUSH2 label references. */
function assemble(ops: Op[]): string {
  const sizes = ops.map((o) => (typeof o === "number" ? 1 : "push1" in o ? 2 : "push4" in o ? 5 : "label" in o ? 1 : 3));
  const at = new Map<string, number>();
  let pc = 0;
  ops.forEach((o, i) => {
    if (typeof o === "object" && "label" in o) at.set(o.label, pc);
    pc += sizes[i];
  });
  const hex = (n: number, bytes: number) => n.toString(16).padStart(bytes * 2, "0");
  return ops
    .map((o) => {
      if (typeof o === "number") return hex(o, 1);
      if ("push1" in o) return "60" + hex(o.push1, 1);
      if ("push4" in o) return "63" + hex(o.push4, 4);
      if ("label" in o) return "5b";
      return "61" + hex(at.get(o.to)!, 2);
    })
    .join("");
}

const [SUB, ADD, LT, ISZERO, OR, SHL] = [0x03, 0x01, 0x10, 0x15, 0x17, 0x1b];
const [CODESIZE, CODECOPY, EXTCODESIZE, RETURNDATASIZE] = [0x38, 0x39, 0x3b, 0x3d];
const [POP, MLOAD, MSTORE, JUMP, JUMPI, GAS] = [0x50, 0x51, 0x52, 0x56, 0x57, 0x5a];
const [DUP1, DUP2, DUP3, DUP5, SWAP1, STATICCALL, RETURN] = [0x80, 0x81, 0x82, 0x84, 0x90, 0xfa, 0xf3];
const SELECTOR = Number(ethers.id("isQuoteNonceUsed(uint256,uint256)").slice(0, 10));

function program(codeLength: number): Op[] {
  // memory after CODECOPY: [0] market, then per question at p = 32 + 96·i: signer, agent, nonce.
  // Answers overwrite the question: [p] EXTCODESIZE(signer), [p+32] the call's first return
  // word, [p+64] success | RETURNDATASIZE << 1. Returns memory[32 .. end).
  return [
    { push1: codeLength }, CODESIZE, SUB, // size = codesize − L
    DUP1, { push1: codeLength }, { push1: 0 }, CODECOPY, // [size]
    { push1: 32 }, // [p, size]
    { label: "loop" },
    DUP2, DUP2, LT, ISZERO, { to: "end" }, JUMPI, // p < size, or stop
    DUP1, MLOAD, EXTCODESIZE, // [csz, p, size]
    { push4: SELECTOR }, DUP3, MSTORE, // memory[p+28 .. p+32) = selector, then agent, nonce
    { push1: 32 }, DUP3, { push1: 32 }, ADD, // retSize 32, retOffset p+32
    { push1: 68 }, DUP5, { push1: 28 }, ADD, // argsSize 68, argsOffset p+28
    { push1: 0 }, MLOAD, GAS, STATICCALL, // [success, csz, p, size]
    RETURNDATASIZE, { push1: 1 }, SHL, OR, // [success | rds << 1, csz, p, size]
    DUP3, { push1: 64 }, ADD, MSTORE, // [csz, p, size]
    DUP2, MSTORE, // memory[p] = csz; [p, size]
    { push1: 96 }, ADD, { to: "loop" }, JUMP,
    { label: "end" },
    POP, { push1: 32 }, SWAP1, SUB, { push1: 32 }, RETURN,
  ];
}

function code(): string {
  let length = 0;
  for (;;) {
    const hex = assemble(program(length));
    if (hex.length / 2 === length) return hex;
    length = hex.length / 2;
  }
}

export const CHAIN_READS_CODE = "0x" + code();

export interface ChainAnswer {
  /** The signer has code (eth_getCode would not answer "0x"). */
  hasCode: boolean;
  /** WorkMarket.isQuoteNonceUsed(agent, nonce). */
  nonceUsed: boolean;
}

interface Question {
  signer: string;
  agentId: bigint;
  nonce: bigint;
}

const word = (v: bigint) => v.toString(16).padStart(64, "0");

/**
 * Gathers the questions of concurrent posts and asks them in one eth_call: at most two calls
 * are in flight, and the questions that arrive meanwhile leave together in the next (batch.ts),
 * so the RPC node answers a few calls per round trip whatever the rate of posts.
 */
export class ChainReads {
  private send: (method: string, params: unknown[]) => Promise<unknown>;
  private market: string;
  private batcher: Batcher<Question, ChainAnswer>;
  private id = 0;
  /**
   * `rpc`: the node's URL (a minimal JSON-RPC client: fetch, with the request body and the answer
   * encoded natively, where ethers' provider spends more CPU than the call itself on these
   * long hex strings), or an ethers provider.
   */
  constructor(rpc: ethers.JsonRpcProvider | string, market: string, opts: { maxBatch?: number; maxInFlight?: number; timeoutMs?: number } = {}) {
    const timeoutMs = opts.timeoutMs ?? 30_000;
    this.send = typeof rpc !== "string" ? (m, p) => rpc.send(m, p) : async (method, params) => {
      const res = await fetch(rpc, {
        method: "POST", headers: { "content-type": "application/json" }, signal: AbortSignal.timeout(timeoutMs),
        body: JSON.stringify({ jsonrpc: "2.0", id: ++this.id, method, params }),
      });
      const text = await res.text();
      let body: { result?: unknown; error?: { code?: number; message?: string } };
      try {
        body = JSON.parse(text);
      } catch {
        throw new Error(`${method}: the RPC node answered HTTP ${res.status} without JSON`);
      }
      if (body.error !== undefined || body.result === undefined) throw new Error(`${method} failed: ${body.error?.message ?? "no result"} (HTTP ${res.status})`);
      return body.result;
    };
    this.market = market;
    // an RPC failure is every question's (as the separate calls would have failed), not retried alone
    this.batcher = new Batcher((qs) => this.call(qs), { maxBatch: opts.maxBatch ?? 200, maxInFlight: opts.maxInFlight ?? 2, retryAlone: false });
  }

  ask(signer: string, agentId: bigint, nonce: bigint): Promise<ChainAnswer> {
    return this.batcher.submit({ signer, agentId, nonce });
  }

  private async call(batch: Question[]): Promise<Outcome<ChainAnswer>[]> {
    let data = CHAIN_READS_CODE + word(BigInt(this.market));
    for (const q of batch) data += word(BigInt(q.signer)) + word(q.agentId) + word(q.nonce);
    const out = await this.send("eth_call", [{ data }, "latest"]);
    if (typeof out !== "string" || !/^0x[0-9a-fA-F]*$/.test(out)) throw new Error("eth_call answered something that is not hex");
    const hex = out.slice(2);
    return batch.map((_, i) => {
      const at = i * 192;
      if (hex.length < at + 192) return new Error("the chain reads answered too little");
      const size = BigInt("0x" + hex.slice(at, at + 64));
      const ret = BigInt("0x" + hex.slice(at + 64, at + 128));
      const status = BigInt("0x" + hex.slice(at + 128, at + 192));
      // as the contract call through ethers: a revert, or an answer that is not one ABI bool, is an error
      if ((status & 1n) === 0n) return new Error("isQuoteNonceUsed reverted");
      if (status >> 1n !== 32n || ret > 1n) return new Error("isQuoteNonceUsed answered something that is not a bool");
      return { hasCode: size !== 0n, nonceUsed: ret === 1n };
    });
  }

  close() {
    /* nothing pending on a timer */
  }
}
