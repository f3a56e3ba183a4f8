// A swarm that runs for hours repeats the same refusals (a requester over its hourly spending
// limit refuses every fill it considers until the hour rolls on): one line per kind of message
// and agent per window, with the count of those left out.

/** The shape of a message: its numbers and hex values left out, so that one reason is one kind. */
export function messageKind(message: string): string {
  return message.replace(/0x[0-9a-fA-F]+|\d[\d.,]*/g, "#");
}

/**
 * Returns a filter: for a message key, `undefined` when a line of that key was shown less than
 * `windowMs` ago (counted), else the number of lines of that key left out since the last shown.
 */
export function repeatFilter(windowMs: number, now: () => number = Date.now, maxKeys = 1_000): (key: string) => number | undefined {
  const shown = new Map<string, { at: number; left: number }>();
  return (key) => {
    const t = now();
    const s = shown.get(key);
    if (s !== undefined && t - s.at < windowMs) {
      s.left++;
      return undefined;
    }
    if (s === undefined && shown.size >= maxKeys) shown.clear();
    shown.set(key, { at: t, left: 0 });
    return s?.left ?? 0;
  };
}
