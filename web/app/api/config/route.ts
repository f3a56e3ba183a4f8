import { readConfig } from "@/lib/config";

export const dynamic = "force-dynamic";

/** The runtime configuration (chain, URLs, contract addresses from deployments/<network>.json). */
export function GET() {
  return Response.json(readConfig(), { headers: { "cache-control": "no-store" } });
}
