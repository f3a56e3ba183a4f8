// Files other processes read (the deployments file, the devnet's state) are written whole or not
// at all: a process killed while writing one leaves the previous version, never a truncated file.
import { renameSync, rmSync, writeFileSync } from "node:fs";

/** Writes `text` to a file beside `file`, then renames it into place. */
export function writeFileAtomic(file: string, text: string): void {
  const part = `${file}.part-${process.pid}`;
  try {
    writeFileSync(part, text);
    renameSync(part, file);
  } finally {
    rmSync(part, { force: true });
  }
}
