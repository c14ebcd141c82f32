/**
 * A reusable barrier for worker threads over a SharedArrayBuffer (Atomics), and the constants
 * the threaded PCG shares with the in-module loop.
 */

/** Relative residual above which the iteration counts as diverged (as wasm/src/pcg.rs). */
export const DIVERGENCE_BOUND = 1e6;

/** Bytes of shared memory a {@link SharedBarrier} needs. */
export const barrierBytes = 8;

/** Spins before sleeping on the futex: waits are short when the row blocks are balanced. */
const spinLimit = 20_000;

/**
 * Sense-counting barrier: slot 0 counts arrivals, slot 1 is the generation. The last thread to
 * arrive resets the count, advances the generation and wakes the sleepers.
 */
export class SharedBarrier {
  private readonly cells: Int32Array;
  private readonly parties: number;

  /** `buffer` holds {@link barrierBytes} zeroed bytes shared by all `parties` threads. */
  constructor(buffer: SharedArrayBuffer, parties: number) {
    this.cells = new Int32Array(buffer, 0, 2);
    this.parties = parties;
  }

  /** Blocks until all parties have called wait() for this generation. */
  wait(): void {
    const cells = this.cells;
    const generation = Atomics.load(cells, 1);
    if (Atomics.add(cells, 0, 1) === this.parties - 1) {
      Atomics.store(cells, 0, 0);
      Atomics.add(cells, 1, 1);
      Atomics.notify(cells, 1);
      return;
    }
    for (let spin = 0; spin < spinLimit; spin++) {
      if (Atomics.load(cells, 1) !== generation) return;
    }
    while (Atomics.load(cells, 1) === generation) Atomics.wait(cells, 1, generation);
  }
}
