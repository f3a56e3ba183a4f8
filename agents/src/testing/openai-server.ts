// A local HTTP server that speaks the OpenAI chat-completions protocol (POST
// /v1/chat/completions, bearer auth, JSON in and out), for tests: no model behind it, the answers
// come from `answer(request)`. The default answerer plays a market policy that cycles through
// good, malformed and out-of-limits decisions, and writes short texts for model jobs.
import { createServer, type Server } from "node:http";

export interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
  max_tokens?: number;
  response_format?: { type: string };
}

export interface OpenAiTestServer {
  url: string;
  requests: ChatRequest[];
  close(): Promise<void>;
}

/** What the default answerer returned, by kind. */
export const served = { good: 0, malformed: 0, outOfLimits: 0, text: 0 };

/** The default answers: mode cycles good → malformed → out-of-limits → good → … per decision kind. */
export function policyAnswerer(): (r: ChatRequest) => string {
  const counters = new Map<string, number>();
  return (r) => {
    const system = r.messages.find((m) => m.role === "system")?.content ?? "";
    const user = r.messages.find((m) => m.role === "user")?.content ?? "";
    const kind = /You are the (\w+) policy/.exec(system)?.[1];
    if (!kind) {
      // a model job: a short text that mentions the prompt's topic
      served.text++;
      const topic = /explain (\w+)/.exec(user)?.[1] ?? "compute";
      return `In this market, ${topic} matters: agents pay COMPUTE for verified work, and ${topic} keeps everyone honest.`;
    }
    const n = counters.get(kind) ?? 0;
    counters.set(kind, n + 1);
    const mode = n % 3; // 0 good, 1 malformed, 2 out of limits
    const ctx = JSON.parse(user) as Record<string, any>;
    if (mode === 1) {
      served.malformed++;
      return kind === "quote" ? `{"quotes": [{"unitPrice": 55, "units": "four"}]}` : kind === "bid" ? "I would fill the cheapest one." : kind === "accept" ? `{"action": "take it"}` : `{"approve": "yes"}`;
    }
    if (kind === "quote") {
      const floor = Number(ctx.floorUnitPrice ?? "20");
      const units = Math.ceil(100 / (floor * 3)) + 1;
      if (mode === 2) {
        served.outOfLimits++;
        // under the agent's floor price: must be refused
        return JSON.stringify({ quotes: [{ unitPrice: (floor / 2).toFixed(3), units: units * 4, deliveryPeriod: 3_600, lifetime: 21_600 }] });
      }
      served.good++;
      return JSON.stringify({ quotes: Array.from({ length: ctx.count ?? 1 }, () => ({ unitPrice: (floor * 3).toFixed(3), units, deliveryPeriod: 3_600, lifetime: 21_600 })) });
    }
    if (kind === "bid") {
      const candidates = (ctx.candidates ?? []) as { id: string; unitPrice: string }[];
      if (mode === 2) {
        served.outOfLimits++;
        // a quote that is not on offer, or the most expensive one above the cap
        return JSON.stringify({ action: "fill", quoteId: "0x" + "ab".repeat(32), reason: "made up" });
      }
      served.good++;
      if (candidates.length === 0) return JSON.stringify({ action: "skip", reason: "nothing on offer" });
      return JSON.stringify({ action: "fill", quoteId: candidates[0].id, reason: "cheapest" });
    }
    if (kind === "accept") {
      if (mode === 2) {
        served.outOfLimits++;
        // take the job whatever it pays: refused when it pays under cost or the provider is full
        return JSON.stringify({ action: "accept", reason: "any job will do" });
      }
      served.good++;
      const covers = Number(ctx.unitPrice) >= Number(ctx.costPerUnit); // decimal COMPUTE strings
      return JSON.stringify(covers ? { action: "accept", reason: "pays at least my cost" } : { action: "skip", reason: "pays under my cost" });
    }
    served.good++;
    return JSON.stringify({ approve: true, reason: "meets the rubric" });
  };
}

export async function startOpenAiServer(opts: { apiKey?: string; answer?: (r: ChatRequest) => string } = {}): Promise<OpenAiTestServer> {
  const apiKey = opts.apiKey ?? "test-key";
  const answer = opts.answer ?? policyAnswerer();
  const requests: ChatRequest[] = [];
  let id = 0;
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) return send(404, { error: { message: `no route ${req.method} ${req.url}`, type: "invalid_request_error" } });
    if (req.headers.authorization !== `Bearer ${apiKey}`) return send(401, { error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" } });
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      let body: ChatRequest;
      try {
        body = JSON.parse(raw);
        if (!Array.isArray(body.messages)) throw new Error("messages must be an array");
      } catch (err) {
        return send(400, { error: { message: (err as Error).message, type: "invalid_request_error" } });
      }
      requests.push(body);
      const content = answer(body);
      send(200, {
        id: `chatcmpl-${++id}`, object: "chat.completion", created: Math.floor(Date.now() / 1000), model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop", logprobs: null }],
        usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
