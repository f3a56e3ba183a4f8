// Group commit for the API's hot writes and reads: concurrent callers' items are gathered and
// handed to `run` together (one SQL statement for many quote posts instead of one each), and
// every caller gets its own item's outcome.
//
// No artificial delay: an item waits only while `maxInFlight` earlier batches are still running
// (or for the end of the current event-loop turn), so a lone request goes out at once and, under
// load, the items that arrive during one round trip to the database leave together in the next.
// `run` answers one outcome per item, in order: a value, or an Error for that item alone. If
// `run` throws, the batch is retried one item at a time (when it held more than one), so a
// failure caused by one item cannot fail the others (`retryAlone: false`: every item of the
// batch gets the error instead, for a failure that no single item can cause, like an RPC error).

export type Outcome<O> = O | Error;

interface Waiting<I, O> {
  item: I;
  resolve: (o: O) => void;
  reject: (e: unknown) => void;
}

export class Batcher<I, O> {
  private queue: Waiting<I, O>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly run: (items: I[]) => Promise<Outcome<O>[]>;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly retryAlone: boolean;
  /** Batches run, and items in them (for tests and metrics). */
  stats = { batches: 0, items: 0, largest: 0, retriedAlone: 0 };

  constructor(run: (items: I[]) => Promise<Outcome<O>[]>, opts: { maxBatch?: number; maxInFlight?: number; retryAlone?: boolean } = {}) {
    this.run = run;
    this.maxBatch = opts.maxBatch ?? 200;
    this.maxInFlight = opts.maxInFlight ?? 2;
    this.retryAlone = opts.retryAlone ?? true;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule() {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    // the rest of this event-loop turn's callers join the batch
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush() {
    while (this.queue.length > 0 && this.inFlight < this.maxInFlight) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      this.stats.batches++;
      this.stats.items += batch.length;
      this.stats.largest = Math.max(this.stats.largest, batch.length);
      void this.execute(batch).finally(() => {
        this.inFlight--;
        this.schedule();
      });
    }
  }

  private async execute(batch: Waiting<I, O>[]): Promise<void> {
    let outcomes: Outcome<O>[];
    try {
      outcomes = await this.run(batch.map((w) => w.item));
      if (outcomes.length !== batch.length) throw new Error(`a batch of ${batch.length} answered ${outcomes.length} outcomes`);
    } catch (err) {
      if (batch.length === 1 || !this.retryAlone) {
        for (const w of batch) w.reject(err);
        return;
      }
      // one item may have caused it: each one on its own
      this.stats.retriedAlone += batch.length;
      await Promise.all(batch.map((w) => this.execute([w])));
      return;
    }
    batch.forEach((w, i) => {
      const o = outcomes[i];
      if (o instanceof Error) w.reject(o);
      else w.resolve(o);
    });
  }
}
