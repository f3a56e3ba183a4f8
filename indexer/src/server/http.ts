// The API process: GraphQL over HTTP (Apollo Server) and WebSocket (graphql-ws subscriptions),
// /healthz and /metrics (Prometheus text format), with request size limits.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { ApolloServer, HeaderMap } from "@apollo/server";
import { GraphQLError, Kind, TypeInfo, getNamedType, parse, visit, visitWithTypeInfo, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from "graphql";
import { WebSocketServer } from "ws";
import { useServer } from "graphql-ws/use/ws";
import type { Database } from "../database/adapter.ts";
import type { Model } from "../schema/model.ts";
import { buildSdl } from "./sdl.ts";
import { executableSchema, sdlDocument, type ResolverMap } from "./executable.ts";
import { buildResolvers, QueryError, type MetaSource, type RequestContext } from "./resolvers.ts";
import { DEFAULT_LIMITS, checkLimits, type QueryLimits } from "./limits.ts";
import { AuthError, SESSION_COOKIE, tokenOf, type AuthService } from "./auth.ts";
import { RateLimiter } from "./ratelimit.ts";

export interface ApiOptions {
  model: Model;
  db: Database;
  meta: MetaSource;
  port: number;
  host?: string;
  limits?: QueryLimits;
  maxBodyBytes?: number;
  /** Extra Prometheus lines (the indexer's gauges and counters). */
  metrics?: () => string;
  /** Health: ok and details. */
  health?: () => { ok: boolean; [k: string]: unknown };
  log?: (level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;
  /** Sign-In with Ethereum; without it the /auth routes answer 404. */
  auth?: AuthService;
  /** Origins allowed to call the API from a browser (CORS, with credentials). */
  corsOrigins?: string[];
  /** Requests per second (and burst) per IP and per signed-in address. */
  rateLimit?: { perIp: number; perAddress: number; burst?: number };
  /** Extra GraphQL types and resolvers (the off-chain quote board and alerts). */
  extra?: { typeDefs: string; resolvers: Record<string, unknown> };
  /** Extra routes (e.g. the quote board); return true when handled. */
  routes?: (ctx: RouteContext) => Promise<boolean>;
}

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  ip: string;
  /** The signed-in address, if any. */
  address: string | null;
  readJson(): Promise<unknown>;
  send(status: number, body: unknown, headers?: Record<string, string>): void;
}

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Per object type, the fields that the projection alone answers (the model's own SDL, parsed). */
function projectionFields(base: DocumentNode): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const d of base.definitions) {
    if (d.kind !== Kind.OBJECT_TYPE_DEFINITION || d.name.value === "Subscription") continue;
    out.set(d.name.value, new Set((d.fields ?? []).map((f) => f.name.value)));
  }
  out.get("Query")?.delete("_meta"); // indexing errors change between blocks
  return out;
}

/**
 * Whether every operation of `query` is a read of the indexed projection only: a query (not a
 * mutation or subscription) whose fields all belong to the model's own schema, without `_meta`,
 * introspection or the off-chain extensions (quotes, alerts), which change between blocks.
 */
function readsProjectionOnly(schema: GraphQLSchema, fields: Map<string, Set<string>>, query: string): boolean {
  let doc;
  try {
    doc = parse(query, { noLocation: true });
  } catch {
    return false;
  }
  let ok = true;
  const info = new TypeInfo(schema);
  visit(doc, visitWithTypeInfo(info, {
    OperationDefinition(node) {
      if (node.operation !== "query") ok = false;
    },
    Field(node) {
      if (node.name.value === "__typename") return;
      const parent = info.getParentType();
      const own = parent ? fields.get(getNamedType(parent).name) : undefined;
      if (!own?.has(node.name.value)) ok = false;
    },
    Directive(node) {
      if (node.name.value !== "skip" && node.name.value !== "include") ok = false;
    },
  }));
  return ok && doc.definitions.every((d) => d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION);
}

export interface ApiServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startApi(opts: ApiOptions): Promise<ApiServer> {
  const log = opts.log ?? (() => undefined);
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const maxBody = opts.maxBodyBytes ?? 256 * 1024;
  // The model's SDL, parsed once: the schema is built from it (and the extension's) in one pass,
  // on the thread that backfills (see executable.ts).
  const base = sdlDocument([buildSdl(opts.model)]);
  const schema = executableSchema(
    opts.extra ? [base, opts.extra.typeDefs] : [base],
    (opts.extra ? [buildResolvers(opts.model, opts.db, opts.meta), opts.extra.resolvers] : [buildResolvers(opts.model, opts.db, opts.meta)]) as ResolverMap[],
  );
  const counters = { requests: 0, errors: 0, rejected: 0, subscriptions: 0 };

  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: true,
    plugins: [
      {
        // the depth and cost limits with this request's own variables, on every request (not a
        // validation rule: Apollo validates a query text once and then reuses the validated
        // document for any variables)
        async requestDidStart() {
          return {
            async didResolveOperation(rc) {
              const errors = checkLimits(schema, rc.document, limits, rc.request.variables);
              if (errors.length > 0) throw errors[0];
            },
          };
        },
      },
    ],
    formatError(formatted: GraphQLFormattedError, error: unknown) {
      counters.errors++;
      const original = (error as GraphQLError)?.originalError ?? error;
      if (original instanceof QueryError) {
        return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code: "BAD_USER_INPUT" } };
      }
      const nonNull = (original as Error)?.message?.startsWith("Cannot return null for non-nullable field");
      if (nonNull || formatted.extensions?.code !== "INTERNAL_SERVER_ERROR" || (original instanceof GraphQLError && original.originalError === undefined)) {
        // an error of the query itself (graphql-js raised it, e.g. an operation type this schema lacks)
        const code = formatted.extensions?.code === "INTERNAL_SERVER_ERROR" ? "BAD_REQUEST" : formatted.extensions?.code;
        return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code } };
      }
      log("error", "graphql resolver failed", { error: (original as Error)?.message });
      return { message: "Internal error while resolving the query", path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
    },
  });
  await apollo.start();

  // Answers to identical read-only queries of the projection, kept until the next indexed block:
  // the projection changes only when the indexer commits a block (or rolls one back), and both
  // notify meta.onBlock, which drops the whole cache. An answer is stored only if no block was
  // committed while it was computed (the generation is unchanged), and only if it is a complete
  // 200 without errors. The key is the exact request body with the headers Apollo looks at
  // (accept for the response type, content-type), so a hit replays what Apollo would answer.
  const fields = projectionFields(base);
  const verdicts = new Map<string, boolean>();
  const cacheableQuery = (query: unknown): boolean => {
    if (typeof query !== "string") return false;
    let v = verdicts.get(query);
    if (v === undefined) {
      if (verdicts.size >= 1_000) verdicts.clear();
      verdicts.set(query, (v = readsProjectionOnly(schema, fields, query)));
    }
    return v;
  };
  const answers = new Map<string, { status: number; headers: Record<string, string>; body: string }>();
  const MAX_ANSWERS = 1_000;
  const MAX_ANSWER_BYTES = 256 * 1024;
  let generation = 0;
  const stopDropping = opts.meta.onBlock(() => {
    generation++;
    answers.clear();
  });
  const cacheStats = { hits: 0, misses: 0 };

  /** Reads the body; past `maxBody` bytes it keeps draining (so the client gets the 413) and rejects. */
  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      let size = 0;
      let tooLarge = Number(req.headers["content-length"] ?? 0) > maxBody;
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => {
        size += c.length;
        if (size > maxBody) tooLarge = true;
        if (!tooLarge) chunks.push(c);
      });
      req.on("end", () => {
        if (tooLarge) reject(Object.assign(new Error(`The request body is over the limit of ${maxBody} bytes`), { status: 413 }));
        else resolve(Buffer.concat(chunks).toString("utf8"));
      });
      req.on("error", reject);
    });

  const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const req = res.req;
    const send = () => {
      if (res.headersSent || res.destroyed) return;
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    if (req && !req.readableEnded && req.method !== "GET" && req.method !== "HEAD" && req.listenerCount("data") === 0) {
      let size = 0;
      req.on("data", (c: Buffer) => {
        size += c.length;
        if (size > 4 * maxBody) req.destroy();
      });
      req.once("end", send);
      req.once("close", send);
      req.resume();
    } else send();
  };

  const corsOrigins = new Set(opts.corsOrigins ?? []);
  const burst = opts.rateLimit?.burst ?? 2;
  const ipLimiter = opts.rateLimit ? new RateLimiter(Math.max(1, opts.rateLimit.perIp * burst), opts.rateLimit.perIp) : undefined;
  const addressLimiter = opts.rateLimit ? new RateLimiter(Math.max(1, opts.rateLimit.perAddress * burst), opts.rateLimit.perAddress) : undefined;
  let rateLimited = 0;

  const server = createServer(async (req, res) => {
    let url: URL;
    try {
      url = new URL((req.url ?? "/").replace(/^\/+/, "/"), "http://localhost");
    } catch {
      url = new URL("http://localhost/invalid-path");
    }
    const ip = req.socket.remoteAddress ?? "unknown";
    try {
      const origin = req.headers.origin;
      if (origin !== undefined) {
        if (corsOrigins.has(origin)) {
          res.setHeader("access-control-allow-origin", origin);
          res.setHeader("access-control-allow-credentials", "true");
          res.setHeader("vary", "Origin");
        } else if (req.method === "OPTIONS") {
          return sendJson(res, 403, { error: `origin ${origin} is not allowed` });
        }
      }
      if (req.method === "OPTIONS") {
        res.writeHead(204, {
          "access-control-allow-methods": "GET, POST, OPTIONS",
          "access-control-allow-headers": "content-type, authorization, x-payment, apollo-require-preflight",
          "access-control-max-age": "600",
        });
        return res.end();
      }
      if (url.pathname !== "/healthz" && url.pathname !== "/metrics" && ipLimiter) {
        const wait = ipLimiter.take(ip);
        if (wait > 0) {
          rateLimited++;
          return sendJson(res, 429, { error: "too many requests from this address, slow down" }, { "retry-after": String(wait) });
        }
      }
      const token = tokenOf(req.headers);
      const session = opts.auth && token ? await opts.auth.session(token) : null;
      if (session && addressLimiter) {
        const wait = addressLimiter.take(session.address);
        if (wait > 0) {
          rateLimited++;
          return sendJson(res, 429, { error: "too many requests from this account, slow down" }, { "retry-after": String(wait) });
        }
      }
      if (url.pathname.startsWith("/auth/")) {
        if (!opts.auth) return sendJson(res, 404, { error: "sign-in is not enabled on this server" });
        const auth = opts.auth;
        if (url.pathname === "/auth/nonce" && req.method === "GET") return sendJson(res, 200, { nonce: await auth.nonce() });
        if (url.pathname === "/auth/verify" && req.method === "POST") {
          let body: { message?: unknown; signature?: unknown };
          try {
            body = JSON.parse(await readBody(req));
          } catch (err) {
            if ((err as { status?: number }).status === 413) throw err;
            return sendJson(res, 400, { error: "the body must be JSON: { message, signature }" });
          }
          try {
            const s = await auth.verify(body?.message as string, body?.signature as string, ip);
            const maxAge = Math.max(0, s.expiresAt - Math.floor(Date.now() / 1000));
            return sendJson(res, 200, { token: s.token, address: s.address, expiresAt: s.expiresAt }, {
              "set-cookie": `${SESSION_COOKIE}=${s.token}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${maxAge}`,
            });
          } catch (err) {
            if (err instanceof AuthError) return sendJson(res, err.status, { error: err.message, code: err.code });
            throw err;
          }
        }
        if (url.pathname === "/auth/session" && req.method === "GET") {
          if (!session) return sendJson(res, 401, { error: "not signed in" });
          return sendJson(res, 200, { address: session.address, expiresAt: session.expiresAt });
        }
        if (url.pathname === "/auth/logout" && req.method === "POST") {
          await auth.logout(token);
          return sendJson(res, 200, { ok: true }, { "set-cookie": `${SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0` });
        }
        return sendJson(res, 404, { error: `no route ${req.method} ${url.pathname}` });
      }
      if (opts.routes) {
        const handled = await opts.routes({
          req, res, url, ip, address: session?.address ?? null,
          readJson: async () => {
            const text = await readBody(req);
            try {
              return JSON.parse(text);
            } catch {
              throw new HttpError(400, "BAD_JSON", "the body must be JSON");
            }
          },
          send: (status, body, headers) => sendJson(res, status, body, headers),
        });
        if (handled) return;
      }
      if (url.pathname === "/healthz") {
        const h = opts.health?.() ?? { ok: true };
        return sendJson(res, h.ok ? 200 : 503, h);
      }
      if (url.pathname === "/metrics") {
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
        res.end(
          [
            "# TYPE graphql_requests_total counter", `graphql_requests_total ${counters.requests}`,
            "# TYPE graphql_errors_total counter", `graphql_errors_total ${counters.errors}`,
            "# TYPE graphql_rejected_requests_total counter", `graphql_rejected_requests_total ${counters.rejected}`,
            "# TYPE graphql_subscriptions_active gauge", `graphql_subscriptions_active ${counters.subscriptions}`,
            "# TYPE http_rate_limited_total counter", `http_rate_limited_total ${rateLimited}`,
            "# TYPE graphql_cached_answers_total counter", `graphql_cached_answers_total ${cacheStats.hits}`,
            "# TYPE siwe_signins_total counter", `siwe_signins_total ${opts.auth?.counters.signins ?? 0}`,
            "# TYPE siwe_signin_failures_total counter", `siwe_signin_failures_total ${opts.auth?.counters.failures ?? 0}`,
            opts.metrics?.() ?? "",
          ].join("\n") + "\n",
        );
        return;
      }
      if (url.pathname !== "/graphql" && url.pathname !== "/") return sendJson(res, 404, { error: `no route ${url.pathname}` });
      counters.requests++;
      let body: unknown = undefined;
      let cacheKey: string | undefined;
      const startedAt = generation;
      if (req.method === "POST") {
        const text = await readBody(req);
        cacheKey = `${req.headers.accept ?? ""}\u0000${req.headers["content-type"] ?? ""}\u0000${text}`;
        const hit = answers.get(cacheKey);
        if (hit !== undefined) {
          cacheStats.hits++;
          res.writeHead(hit.status, hit.headers);
          res.end(hit.body);
          return;
        }
        if (text.length > 0) {
          try {
            body = JSON.parse(text);
          } catch {
            counters.rejected++;
            return sendJson(res, 400, { errors: [{ message: "The request body is not valid JSON", extensions: { code: "BAD_REQUEST" } }] });
          }
        }
      }
      if (Array.isArray(body)) {
        counters.rejected++;
        return sendJson(res, 400, { errors: [{ message: "Batched GraphQL requests are not supported", extensions: { code: "BAD_REQUEST" } }] });
      }
      const headers = new HeaderMap();
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body },
        context: async () => ({ loaders: new Map(), address: session?.address ?? null }),
      });
      const outHeaders: Record<string, string> = {};
      for (const [k, v] of result.headers) outHeaders[k] = v;
      res.writeHead(result.status ?? 200, outHeaders);
      if (result.body.kind === "complete") {
        res.end(result.body.string);
        if (cacheKey !== undefined) {
          cacheStats.misses++;
          const status = result.status ?? 200;
          if (status === 200 && startedAt === generation && answers.size < MAX_ANSWERS && result.body.string.length <= MAX_ANSWER_BYTES
            && cacheableQuery((body as { query?: unknown } | undefined)?.query) && !("errors" in (JSON.parse(result.body.string) as object))) {
            answers.set(cacheKey, { status, headers: outHeaders, body: result.body.string });
          }
        }
      } else {
        for await (const chunk of result.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (err) {
      const status = (err as { status?: number }).status ?? 500;
      if (status >= 500) log("error", "http request failed", { error: (err as Error).message, path: url.pathname });
      if (status === 413) counters.rejected++;
      const message = status >= 500 ? "internal error" : (err as Error).message;
      const code = (err as { code?: string }).code;
      if (!res.headersSent) {
        if (url.pathname === "/graphql" || url.pathname === "/") sendJson(res, status, { errors: [{ message, extensions: { code } }] });
        else sendJson(res, status, { error: message, code });
      } else res.end();
    }
  });

  const wss = new WebSocketServer({ server, path: "/graphql", maxPayload: maxBody });
  const wsCleanup = useServer(
    {
      schema,
      context: () => ({ loaders: new Map() }),
      onSubscribe: (_ctx, _id, payload) => {
        // the depth and cost limits with this subscription's own variables
        let doc;
        try {
          doc = parse(payload.query);
        } catch {
          return; // reported by graphql-ws's own parse
        }
        const errors = checkLimits(schema, doc, limits, payload.variables as Record<string, unknown> | null | undefined);
        if (errors.length > 0) return errors;
        counters.subscriptions++;
      },
      onComplete: () => {
        counters.subscriptions = Math.max(0, counters.subscriptions - 1);
      },
    },
    wss,
  );

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host ?? "127.0.0.1", () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr !== null ? addr.port : opts.port;
  return {
    url: `http://${opts.host ?? "127.0.0.1"}:${port}`,
    server,
    async close() {
      stopDropping();
      answers.clear();
      await wsCleanup.dispose();
      wss.close();
      await apollo.stop();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
