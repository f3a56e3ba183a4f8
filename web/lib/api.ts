// Browser client of the indexer: GraphQL (the indexer's or a subgraph's URL), Sign-In with
// Ethereum (/auth/*; the message itself: siwe.ts) and the quote board (/quotes, /rfqs). The session token is kept in
// sessionStorage and sent as a bearer (the API also sets an httpOnly cookie, which the browser
// sends only when web and API share a site); requests include credentials for that cookie.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  constructor(status: number, code: string | undefined, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const TOKEN_KEY = "ubc.session";

export interface StoredSession {
  token: string;
  address: string;
  expiresAt: number;
}

export function loadSession(): StoredSession | null {
  try {
    const raw = typeof window !== "undefined" ? window.sessionStorage.getItem(TOKEN_KEY) : null;
    if (!raw) return null;
    const s = JSON.parse(raw) as StoredSession;
    return s.expiresAt > Date.now() / 1000 ? s : null;
  } catch {
    return null;
  }
}

export function saveSession(s: StoredSession | null): void {
  try {
    if (s) window.sessionStorage.setItem(TOKEN_KEY, JSON.stringify(s));
    else window.sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage unavailable */
  }
}

function headers(token?: string): Record<string, string> {
  return { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) };
}

async function json(res: Response): Promise<Record<string, unknown>> {
  try {
    return (await res.json()) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export async function graphql<T>(url: string, query: string, variables?: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { method: "POST", headers: headers(), body: JSON.stringify({ query, variables }), signal });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiError(0, "UNREACHABLE", `the indexer at ${url} cannot be reached`);
  }
  const body = (await json(res)) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors?.length) throw new ApiError(res.status, body.errors[0].extensions?.code, body.errors.map((e) => e.message).join("; "));
  if (!res.ok || body.data === undefined) throw new ApiError(res.status, undefined, `the indexer answered ${res.status}`);
  return body.data;
}

export async function fetchNonce(apiUrl: string): Promise<string> {
  const res = await fetch(`${apiUrl}/auth/nonce`, { credentials: "include" });
  const body = await json(res);
  if (!res.ok || typeof body.nonce !== "string") throw new ApiError(res.status, body.code as string, `no sign-in nonce: ${body.error ?? res.status}`);
  return body.nonce;
}

export async function verifySignIn(apiUrl: string, message: string, signature: string): Promise<StoredSession> {
  const res = await fetch(`${apiUrl}/auth/verify`, { method: "POST", headers: headers(), credentials: "include", body: JSON.stringify({ message, signature }) });
  const body = await json(res);
  if (!res.ok || typeof body.token !== "string") throw new ApiError(res.status, body.code as string, `sign-in refused: ${body.error ?? res.status}`);
  return { token: body.token, address: String(body.address), expiresAt: Number(body.expiresAt) };
}

/** The session the API sees (bearer token or cookie), or null. */
export async function fetchSession(apiUrl: string, token?: string): Promise<{ address: string; expiresAt: number } | null> {
  const res = await fetch(`${apiUrl}/auth/session`, { headers: headers(token), credentials: "include" });
  if (res.status === 401) return null;
  const body = await json(res);
  if (!res.ok) throw new ApiError(res.status, body.code as string, String(body.error ?? res.status));
  return { address: String(body.address), expiresAt: Number(body.expiresAt) };
}

export async function signOut(apiUrl: string, token?: string): Promise<void> {
  await fetch(`${apiUrl}/auth/logout`, { method: "POST", headers: headers(token), credentials: "include", body: "{}" }).catch(() => undefined);
}

async function post(apiUrl: string, path: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${apiUrl}${path}`, { method: "POST", headers: headers(token), credentials: "include", body: JSON.stringify(body, (_, v) => (typeof v === "bigint" ? v.toString() : v)) });
  const out = await json(res);
  if (!res.ok) throw new ApiError(res.status, out.code as string, String(out.error ?? `the API answered ${res.status}`));
  return out;
}

export async function postQuote(apiUrl: string, token: string | undefined, quote: Record<string, bigint | string>, signature: string): Promise<string> {
  const out = await post(apiUrl, "/quotes", { quote, signature }, token);
  return String(out.id);
}

export async function postRfq(apiUrl: string, token: string | undefined, rfq: Record<string, bigint | string | null>): Promise<string> {
  const out = await post(apiUrl, "/rfqs", rfq, token);
  return String(out.id);
}

/**
 * Publishes a job's spec on the indexer's spec store (no sign-in needed) for the provider to fetch
 * by its hash; returns the hash the store computed (keccak256 of the text).
 */
export async function postSpec(apiUrl: string, text: string): Promise<string> {
  const res = await fetch(`${apiUrl}/specs`, { method: "POST", headers: { "content-type": "application/json" }, body: text });
  const out = await json(res);
  if (!res.ok) throw new ApiError(res.status, out.code as string, String(out.error ?? `the API answered ${res.status}`));
  return String(out.hash);
}
