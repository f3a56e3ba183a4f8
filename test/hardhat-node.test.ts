// The Hardhat node as the project starts it (scripts/lib/hardhat-node.ts): Hardhat's CLI with a
// load hook that replaces its JSON-RPC body reader and answers eth_getLogs over HTTP with EDR's own
// JSON text. The hook must still find Hardhat's code (or the speed-up silently disappears), and a
// node started with it must read bodies exactly as before (batches, bodies split in many small
// chunks, multi-byte UTF-8 across chunk boundaries, a BOM, malformed JSON answered with a parse
// error) and answer eth_getLogs with the bytes Hardhat's own path gives (its WebSocket path, which
// the hook leaves alone), errors and batches included.
import { expect } from "chai";
import { request } from "node:http";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { EDR_PROVIDER_MODULE, HANDLER_MODULE, hardhatNodeEnv, patchModuleSource } from "../scripts/lib/hardhat-node.ts";
import { freePort, startHardhatNode, stopProcess, waitForRpc, type Managed } from "../scripts/lib/processes.ts";

const require = createRequire(import.meta.url);
const installed = (module: string) => join(require.resolve("hardhat/package.json"), "..", module.replace(/^\/hardhat\//, ""));

/** POSTs `body` in pieces of `piece` bytes, with a pause between them so each arrives as its own chunk. */
function post(url: string, body: Buffer, piece: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { "content-type": "application/json", "content-length": body.length } }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    let at = 0;
    const next = () => {
      if (at >= body.length) return void req.end();
      req.write(body.subarray(at, at + piece));
      at += piece;
      setTimeout(next, 1);
    };
    next();
  });
}

describe("the Hardhat node as the project starts it", function () {
  this.timeout(120_000);
  let node: Managed | undefined;
  let url = "";
  const stderr: string[] = [];

  before(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    node = startHardhatNode(["--port", String(port)], { onLine: (l) => stderr.push(l) });
    await waitForRpc(url, 100_000);
  });
  after(async () => {
    if (node) await stopProcess(node);
  });

  it("the hook finds the code it changes exactly once in Hardhat's installed modules", () => {
    const handler = patchModuleSource(HANDLER_MODULE, readFileSync(installed(HANDLER_MODULE), "utf8"));
    expect(handler, `${installed(HANDLER_MODULE)} no longer holds the code the hook changes`).to.be.a("string");
    expect(handler).to.include("Buffer.concat(chunks)");
    expect(handler).not.to.include("bytes.push(...chunk)");
    expect(handler).to.include("this.#ubcHandleHttpRequest(jsonHttpRequest)");
    expect(handler).to.include("ubcSendJson(res, rpcResp)");
    expect(patchModuleSource(HANDLER_MODULE, handler!)).to.equal(undefined); // applied once, and only to the original
    const provider = patchModuleSource(EDR_PROVIDER_MODULE, readFileSync(installed(EDR_PROVIDER_MODULE), "utf8"));
    expect(provider, `${installed(EDR_PROVIDER_MODULE)} no longer holds the code the hook changes`).to.be.a("string");
    expect(provider).to.include("async ubcAnswerText(requestText)");
    expect(patchModuleSource(EDR_PROVIDER_MODULE, provider!)).to.equal(undefined);
  });

  it("starts without the hook's warning and answers a batch sent in 5-byte chunks, UTF-8 split across them", async () => {
    const id = "é€😀-ids survive";
    const body = Buffer.from(JSON.stringify([
      { jsonrpc: "2.0", id, method: "eth_chainId", params: [] },
      { jsonrpc: "2.0", id: 2, method: "web3_sha3", params: ["0x68656c6c6f"] },
      { jsonrpc: "2.0", id: 3, method: "eth_blockNumber", params: [] },
    ]));
    const res = await post(url, body, 5);
    expect(res.status).to.equal(200);
    const answers = JSON.parse(res.text) as { id: unknown; result?: string }[];
    expect(answers.map((a) => a.id)).to.deep.equal([id, 2, 3]);
    expect(BigInt(answers[0].result!)).to.equal(31337n);
    expect(answers[1].result).to.equal("0x1c8aff950685c2ed4bc3174f3472287b56d9517b9c948127319a09a7a36deac8"); // keccak256("hello")
    expect(stderr.join("\n")).not.to.include("hardhat-node-hooks");
  });

  it("runs with mimalloc keeping the memory it frees, in transparent huge pages where the kernel gives them", function () {
    const pid = node!.child.pid!;
    const environ = readFileSync(`/proc/${pid}/environ`, "latin1").split("\0");
    expect(environ).to.include(`MIMALLOC_PURGE_DELAY=${hardhatNodeEnv().MIMALLOC_PURGE_DELAY}`);
    expect(environ).to.include(`MIMALLOC_ALLOW_THP=${hardhatNodeEnv().MIMALLOC_ALLOW_THP}`);
    if (process.env.MIMALLOC_ALLOW_THP !== undefined || process.env.MIMALLOC_PURGE_DELAY !== undefined) return; // a comparison run chose its own settings
    expect(hardhatNodeEnv()).to.deep.equal({ MIMALLOC_ALLOW_THP: "1", MIMALLOC_PURGE_DELAY: "-1" });
    // Where the kernel gives huge pages on request (THP "always" or "madvise"), the node's heap
    // holds some as soon as it answers (~45 MB measured here; none with MIMALLOC_ALLOW_THP=0).
    const thp = readFileSync("/sys/kernel/mm/transparent_hugepage/enabled", "utf8");
    if (thp.includes("[never]")) return;
    const huge = /AnonHugePages:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
    expect(Number(huge?.[1]), "AnonHugePages of the node (kB)").to.be.greaterThan(0);
  });

  it("answers eth_getLogs over HTTP with the bytes Hardhat's own path gives, in batches and for errors", async () => {
    const rpc = async (body: unknown) => (await post(url, Buffer.from(JSON.stringify(body)), 1 << 20)).text;
    const [from] = JSON.parse(await rpc({ jsonrpc: "2.0", id: 1, method: "eth_accounts", params: [] })).result as string[];
    // contracts whose constructors emit a log: LOG0 of one word, then LOG1 with a topic of 0xab…
    const topic = "ab".repeat(32);
    for (const data of ["0x600160005260206000a000", `0x60026000527f${topic}60206000a100`]) {
      for (let k = 0; k < 3; k++) expect(JSON.parse(await rpc({ jsonrpc: "2.0", id: 1, method: "eth_sendTransaction", params: [{ from, data }] }))).to.have.property("result");
    }
    // Hardhat's path, unchanged by the hook: the same requests over the WebSocket
    const ws = new WebSocket(url.replace("http", "ws"));
    await new Promise((ok, bad) => ((ws.onopen = ok), (ws.onerror = bad)));
    const overWs = (body: unknown) => new Promise<string>((ok) => {
      ws.onmessage = (m) => ok(String(m.data));
      ws.send(JSON.stringify(body));
    });
    try {
      const requests = [
        { jsonrpc: "2.0", id: "é€😀 logs", method: "eth_getLogs", params: [{ fromBlock: "0x0", toBlock: "latest" }] },
        { jsonrpc: "2.0", id: 2.5, method: "eth_getLogs", params: [{ fromBlock: "0x4", topics: [`0x${topic}`] }] },
        { jsonrpc: "2.0", id: 3, method: "eth_getLogs", params: [{ fromBlock: "0x3", toBlock: "0x1" }] },
        { jsonrpc: "2.0", id: 4, method: "eth_getLogs", params: [{ fromBlock: "not a block" }] },
        { jsonrpc: "2.0", method: "eth_getLogs", params: [{ fromBlock: "0x6" }] },
      ];
      const logs = JSON.parse(await rpc(requests[0])).result as unknown[];
      expect(logs).to.have.length(6);
      for (const r of requests) expect(await rpc(r), JSON.stringify(r)).to.equal(await overWs(r));
      expect(JSON.parse(await rpc(requests[3]))).to.have.nested.property("error.code");
      expect(JSON.parse(await rpc(requests[4]))).to.deep.include({ id: null, error: { code: -32600, message: "Invalid request", data: { message: "Invalid request" } } });
      // a batch: the answers in order, EDR's text and Hardhat's answers side by side
      const batch = [requests[0], { jsonrpc: "2.0", id: 9, method: "eth_chainId", params: [] }, requests[3], requests[1]];
      const answers = JSON.parse(await rpc(batch)) as { id: unknown }[];
      expect(answers.map((a) => a.id)).to.deep.equal(batch.map((b) => b.id));
      const one: string[] = [];
      for (const b of batch) one.push(await overWs(b)); // one at a time: one message handler
      expect(await rpc(batch)).to.equal(`[${one.join(",")}]`);
    } finally {
      ws.close();
    }
  });

  it("strips a leading BOM, as TextDecoder did", async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ jsonrpc: "2.0", id: 7, method: "eth_chainId", params: [] }))]);
    const res = await post(url, body, 2);
    expect(JSON.parse(res.text)).to.include({ id: 7 });
  });

  it("answers malformed JSON with a JSON-RPC parse error and keeps serving", async () => {
    const res = await post(url, Buffer.from('{"jsonrpc":"2.0","id":1,"method":'), 4);
    const answer = JSON.parse(res.text) as { error?: { code: number } };
    expect(answer.error?.code).to.equal(-32700);
    expect(await waitForRpc(url, 5_000)).to.equal(31337);
  });
});
