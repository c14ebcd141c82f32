/**
 * Types for the ESM build of comlink's Node adapter (the package ships declarations for its
 * UMD build only). Used by the WebAssembly worker pool.
 */
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink';
  import type { NodeEndpoint } from 'comlink/dist/umd/node-adapter';
  /** Wraps a Node MessagePort or Worker as a comlink endpoint. */
  export default function nodeEndpoint(nep: NodeEndpoint): Endpoint;
}
