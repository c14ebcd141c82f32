/* global WebAssembly */
/**
 * One thread of the threaded wasm copy probe (plain JavaScript so that a worker thread can load
 * it without a TypeScript loader): instantiates the copy module it is given on its own memory
 * with a source and a target array of `arrayBytes`, says it is ready, then copies once each
 * time the round counter (control[0]) moves, until the stop flag (control[1]) is set. Writes 1
 * to control[2 + index] when its copy verifies.
 */
import { parentPort, workerData } from 'node:worker_threads';

const { arrayBytes, control, index, moduleBytes } = workerData;
const flags = new Int32Array(control);
const pages = Math.ceil((2 * arrayBytes) / 65536) + 1;
const memory = new WebAssembly.Memory({ initial: pages });
const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes), {
  env: { memory },
});
const words = new Float64Array(memory.buffer);
const n = arrayBytes / 8;
for (let i = 0; i < n; i++) words[i] = i + 0.5;

const copy = () => instance.exports.copy(0, arrayBytes, arrayBytes);
const verify = () => [0, n >> 1, n - 1].every((i) => words[n + i] === i + 0.5);

copy();
let round = Atomics.load(flags, 0);
parentPort.postMessage('ready');

for (;;) {
  Atomics.wait(flags, 0, round);
  round = Atomics.load(flags, 0);
  if (Atomics.load(flags, 1) === 1) break;
  copy();
  Atomics.store(flags, 2 + index, verify() ? 1 : 0);
  parentPort.postMessage('done');
}
