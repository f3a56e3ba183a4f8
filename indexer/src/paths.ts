// Files of this repository found from the running module: the indexer runs from its sources
// (indexer/src/…) and from its bundle (indexer/dist/cli.mjs, cli.mjs), whose modules sit at other
// depths, so a path relative to import.meta.url would differ between the two.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * The URL of `rel` (e.g. "subgraph/schema.graphql") in the nearest folder at or above `from` (a
 * module's import.meta.url) that holds it.
 */
export function repoFile(rel: string, from: string): URL {
  const start = dirname(fileURLToPath(from));
  for (let dir = start; ; dir = dirname(dir)) {
    const path = join(dir, rel);
    if (existsSync(path)) return pathToFileURL(path);
    if (dir === dirname(dir)) throw new Error(`cannot find ${rel} in or above ${start}`);
  }
}
