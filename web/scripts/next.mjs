// Runs the Next.js CLI (`dev`, `build`, `start`) in this process, wherever npm put the package:
// web/node_modules/next or, hoisted by the workspaces, the root node_modules/next. In-process,
// so `npm start -w web` (or `node scripts/next.mjs start`) has the server's PID.
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(webDir);
const require = createRequire(resolve(webDir, "package.json"));
const bin = require.resolve("next/dist/bin/next");
process.argv = [process.argv[0], bin, ...process.argv.slice(2)];
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
await import(pathToFileURL(bin).href);
