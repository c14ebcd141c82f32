/**
 * What a bandwidth probe reports: a plain copy of one array into another, timed on one device.
 * A copy of n bytes counts 2 n bytes of traffic (read and write), as the STREAM benchmark
 * counts it (McCalpin, "STREAM: Sustainable Memory Bandwidth in High Performance Computers");
 * the extra read a write-allocating cache may make is not counted.
 */

/** One bandwidth probe's measurement. */
export interface ProbeResult {
  /** Probe key, e.g. 'js-copy', 'wasm-copy-2t', 'native-copy-1t', 'gpu-copy:<adapter>'. */
  readonly id: string;
  /** Device it ran on, in words ('cpu: <model>' or 'gpu: <adapter> (software)'). */
  readonly device: string;
  /** How the copy was made, in words. */
  readonly method: string;
  /** Size of the source array in bytes (the destination has the same size). */
  readonly arrayBytes: number;
  /** Bytes counted per copy (2 * arrayBytes). */
  readonly bytesPerCopy: number;
  /** Mean (or best, see method) time of one copy in milliseconds. */
  readonly timePerCopyMs: number;
  /** bytesPerCopy / timePerCopyMs in GB/s (1e9 bytes per second). */
  readonly gigabytesPerSecond: number;
  /** Worker threads used (1 for a single-threaded copy). */
  readonly threads: number;
}

/** Builds a {@link ProbeResult} from its measured copy time. */
export function probeResult(
  fields: Omit<ProbeResult, 'bytesPerCopy' | 'gigabytesPerSecond'>,
): ProbeResult {
  const bytesPerCopy = 2 * fields.arrayBytes;
  return {
    ...fields,
    bytesPerCopy,
    gigabytesPerSecond: bytesPerCopy / (fields.timePerCopyMs * 1e-3) / 1e9,
  };
}
