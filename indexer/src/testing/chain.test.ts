import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const CHAIN = new URL("./chain.ts", import.meta.url).href;

/** Whether a process with this pid is still running: it exists and is not a zombie (an ended
 *  orphan not yet reaped by whatever adopted it). */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return false;
  }
}

test("a test chain's node ends with the process that started it, even one that never calls stop()", async () => {
  // a child starts a chain, prints its node's pid and dies of an uncaught error
  const child = spawn(process.execPath, ["--input-type=module", "-e", `
    const { startChain } = await import(${JSON.stringify(CHAIN)});
    const chain = await startChain();
    process.stdout.write(String(chain.node.child.pid) + "\\n");
    setTimeout(() => { throw new Error("the test's deliberate crash"); }, 10);
  `], { cwd: fileURLToPath(new URL("../../..", import.meta.url)), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
  assert.notEqual(code, 0, "the child was meant to crash");
  const pid = Number(out.trim());
  assert.ok(Number.isInteger(pid) && pid > 0, `the child printed its node's pid (got ${JSON.stringify(out)})`);
  // the exit hook sends SIGTERM: give the node up to 5 s to end and the kernel to reap it
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(alive(pid), false, `node ${pid} outlived the process that started it`);
});
