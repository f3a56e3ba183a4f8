// An open-loop HTTP/1.1 load generator: `connections` keep-alive sockets, each one a user that
// sends one request every `connections / rate` seconds at its own random phase, whatever the
// server's latency (the schedule never waits for answers). A request whose connection is still
// busy waits for it, and its latency is measured from its scheduled time, so a slow server is
// charged for the queueing it causes (no coordinated omission) and no sample is invented.
// Every connection is opened before the schedule starts; a warm-up (not recorded) precedes the
// measured window. Raw sockets and a minimal response parser keep the generator cheap, since it
// shares the machine with the server.
import { connect, type Socket } from "node:net";

export interface OpenLoopOptions {
  host: string;
  port: number;
  connections: number;
  /** Requests per second, in total. */
  rate: number;
  warmupSeconds: number;
  seconds: number;
  /** The raw bytes of request number `i` (a complete HTTP/1.1 request, keep-alive). */
  request: (i: number) => Buffer;
  /** Checks an answer: null if it is right, else the kind of error. */
  check?: (status: number, body: Buffer, i: number) => string | null;
  timeoutMs?: number;
  seed?: number;
  onProgress?: (p: { elapsed: number; phase: "warm-up" | "measure"; sent: number; done: number; errors: number; inFlight: number; p95: number | null }) => void;
}

export interface OpenLoopResult {
  connections: number;
  rate: number;
  seconds: number;
  /** Requests scheduled in the measured window. */
  scheduled: number;
  /** Answered (with any status) in the measured window. */
  completed: number;
  /** Completed per second of the measured window. */
  throughput: number;
  latencyMs: { p50: number; p90: number; p95: number; p99: number; max: number; mean: number };
  errors: number;
  errorKinds: Record<string, number>;
  statuses: Record<string, number>;
  /** How late the generator itself put requests on the wire (its own event-loop lag), ms; requests due on an idle connection only. */
  sendLagMs: { p50: number; p99: number; max: number };
  warmup: { scheduled: number; errors: number };
  connectMs: number;
}

/** mulberry32 */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function percentile(sorted: Float64Array | number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

const CRLF2 = Buffer.from("\r\n\r\n");

interface Pending {
  i: number;
  at: number;
  measured: boolean;
  /** Its connection was busy when it was due (it waits for the answer before). */
  queued: boolean;
}

/** Incremental parser of HTTP/1.1 responses on one socket. */
class ResponseParser {
  private buf: Buffer = Buffer.alloc(0);
  push(chunk: Buffer, onResponse: (status: number, body: Buffer) => void): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      const end = this.buf.indexOf(CRLF2);
      if (end < 0) return;
      const head = this.buf.subarray(0, end).toString("latin1");
      const status = Number(head.slice(9, 12));
      const lower = head.toLowerCase();
      const cl = /\r\ncontent-length:\s*(\d+)/.exec(lower);
      const bodyStart = end + 4;
      if (cl) {
        const len = Number(cl[1]);
        if (this.buf.length < bodyStart + len) return;
        const body = this.buf.subarray(bodyStart, bodyStart + len);
        this.buf = this.buf.subarray(bodyStart + len);
        onResponse(status, body);
        continue;
      }
      if (/\r\ntransfer-encoding:\s*chunked/.test(lower)) {
        const parts: Buffer[] = [];
        let p = bodyStart;
        let complete = false;
        for (;;) {
          const eol = this.buf.indexOf("\r\n", p);
          if (eol < 0) break;
          const size = parseInt(this.buf.subarray(p, eol).toString("latin1"), 16);
          if (this.buf.length < eol + 2 + size + 2) break;
          if (size === 0) {
            p = eol + 4; // no trailers expected
            complete = true;
            break;
          }
          parts.push(this.buf.subarray(eol + 2, eol + 2 + size));
          p = eol + 2 + size + 2;
        }
        if (!complete) return;
        this.buf = this.buf.subarray(p);
        onResponse(status, Buffer.concat(parts));
        continue;
      }
      // no length: 1xx/204/304, or a body delimited by close (not expected from this server)
      this.buf = this.buf.subarray(bodyStart);
      onResponse(status, Buffer.alloc(0));
    }
  }
}

class Conn {
  socket!: Socket;
  parser = new ResponseParser();
  queue: Pending[] = [];
  inFlight: Pending | null = null;
  sentAt = 0;
  timer: NodeJS.Timeout | null = null;
}

export async function openLoop(opts: OpenLoopOptions): Promise<OpenLoopResult> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const random = rng(opts.seed ?? 1);
  const period = (opts.connections / opts.rate) * 1000; // ms between two requests of one connection
  const latencies: number[] = [];
  const sendLags: number[] = [];
  const errorKinds: Record<string, number> = {};
  const statuses: Record<string, number> = {};
  let errors = 0;
  let warmErrors = 0;
  let warmScheduled = 0;
  let scheduled = 0;
  let completed = 0;
  let sent = 0;
  let done = 0;
  let inFlightCount = 0;
  let windowLat: number[] = [];

  const fail = (p: Pending, kind: string) => {
    if (p.measured) {
      errors++;
      errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
    } else warmErrors++;
  };

  const conns: Conn[] = [];
  const open = (c: Conn) =>
    new Promise<void>((resolve, reject) => {
      const s = connect({ host: opts.host, port: opts.port, noDelay: true });
      c.socket = s;
      c.parser = new ResponseParser();
      let handled = false;
      const broken = (kind: string) => {
        if (handled || c.socket !== s) return;
        handled = true;
        onBroken(c, kind);
      };
      s.once("connect", () => resolve());
      s.once("error", (err) => {
        reject(err);
        broken(`socket: ${(err as NodeJS.ErrnoException).code ?? err.message}`);
      });
      s.once("close", () => broken("connection closed by the server"));
      s.on("data", (chunk: Buffer) => c.parser.push(chunk, (status, body) => onResponse(c, status, body)));
    });

  let stopping = false;
  const onBroken = (c: Conn, kind: string) => {
    if (c.timer) clearTimeout(c.timer);
    c.timer = null;
    if (c.inFlight) {
      fail(c.inFlight, kind);
      c.inFlight = null;
      inFlightCount--;
      done++;
    }
    if (stopping) return;
    // reconnect and carry on with the queue
    c.socket.removeAllListeners();
    c.socket.destroy();
    open(c).then(() => pump(c), () => undefined);
  };

  const onResponse = (c: Conn, status: number, body: Buffer) => {
    const p = c.inFlight;
    if (!p) return;
    const now = performance.now();
    if (c.timer) clearTimeout(c.timer);
    c.timer = null;
    c.inFlight = null;
    inFlightCount--;
    done++;
    if (p.measured) {
      completed++;
      statuses[status] = (statuses[status] ?? 0) + 1;
      const lat = now - p.at;
      latencies.push(lat);
      windowLat.push(lat);
      const bad = status < 200 || status >= 300 ? `HTTP ${status}` : opts.check?.(status, body, p.i) ?? null;
      if (bad !== null) fail(p, bad);
    } else if (status < 200 || status >= 300 || opts.check?.(status, body, p.i)) warmErrors++;
    pump(c);
  };

  const pump = (c: Conn) => {
    if (c.inFlight || c.queue.length === 0 || c.socket.connecting || c.socket.destroyed) return;
    const p = c.queue.shift()!;
    c.inFlight = p;
    inFlightCount++;
    const now = performance.now();
    if (p.measured && !p.queued) sendLags.push(now - p.at);
    c.socket.write(opts.request(p.i));
    sent++;
    c.timer = setTimeout(() => {
      c.timer = null;
      if (c.inFlight === p) onBroken(c, "timeout");
    }, timeoutMs);
  };

  // open every connection first, a hundred at a time
  const t0 = performance.now();
  for (let i = 0; i < opts.connections; i++) conns.push(new Conn());
  for (let i = 0; i < conns.length; i += 100) await Promise.all(conns.slice(i, i + 100).map(open));
  const connectMs = performance.now() - t0;

  // the schedule: connection k sends at start + phase_k + r * period
  const phases = conns.map((c) => ({ c, phase: random() * period })).sort((a, b) => a.phase - b.phase);
  const start = performance.now() + 50;
  const warmEnd = start + opts.warmupSeconds * 1000;
  const end = warmEnd + opts.seconds * 1000;
  let round = 0;
  let k = 0;
  let i = 0;
  const nextAt = () => start + phases[k].phase + round * period;
  let lastProgress = start;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      for (;;) {
        const at = nextAt();
        if (at >= end) return resolve();
        if (at > now) break;
        const measured = at >= warmEnd;
        if (measured) scheduled++;
        else warmScheduled++;
        const c = phases[k].c;
        c.queue.push({ i: i++, at, measured, queued: c.inFlight !== null || c.queue.length > 0 });
        pump(c);
        if (++k === phases.length) {
          k = 0;
          round++;
        }
      }
      if (opts.onProgress && now - lastProgress >= 2_000) {
        lastProgress = now;
        const w = Float64Array.from(windowLat).sort();
        windowLat = [];
        opts.onProgress({ elapsed: (now - start) / 1000, phase: now < warmEnd ? "warm-up" : "measure", sent, done, errors: errors + warmErrors, inFlight: inFlightCount, p95: w.length ? percentile(w, 0.95) : null });
      }
      setTimeout(tick, Math.max(0, Math.min(nextAt() - performance.now(), 5)));
    };
    tick();
  });
  // let the last requests finish
  const deadline = performance.now() + timeoutMs + 1_000;
  while (performance.now() < deadline && conns.some((c) => c.inFlight || c.queue.length > 0)) await new Promise((r) => setTimeout(r, 20));
  stopping = true;
  for (const c of conns) {
    for (const p of c.queue) fail(p, `not answered within ${timeoutMs / 1000} s of the end (queued behind a slow answer)`);
    c.queue = [];
    if (c.inFlight) fail(c.inFlight, `not answered within ${timeoutMs / 1000} s of the end`);
    c.inFlight = null;
    if (c.timer) clearTimeout(c.timer);
    c.socket.removeAllListeners();
    c.socket.on("error", () => undefined);
    c.socket.destroy();
  }
  const lat = Float64Array.from(latencies).sort();
  const lags = Float64Array.from(sendLags).sort();
  const mean = latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length);
  return {
    connections: opts.connections,
    rate: opts.rate,
    seconds: opts.seconds,
    scheduled,
    completed,
    throughput: completed / opts.seconds,
    latencyMs: { p50: percentile(lat, 0.5), p90: percentile(lat, 0.9), p95: percentile(lat, 0.95), p99: percentile(lat, 0.99), max: lat.length ? lat[lat.length - 1] : NaN, mean },
    errors,
    errorKinds,
    statuses,
    sendLagMs: { p50: percentile(lags, 0.5), p99: percentile(lags, 0.99), max: lags.length ? lags[lags.length - 1] : NaN },
    warmup: { scheduled: warmScheduled, errors: warmErrors },
    connectMs,
  };
}
