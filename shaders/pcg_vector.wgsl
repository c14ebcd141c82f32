// Fused vector updates of PCG with a block-Jacobi preconditioner, float32.
//
// Bindings (group 0); each entry point uses the subset named below:
//   0 scalars  : array<f32>, read. PCG scalars; alpha at slotAlpha, beta at slotBeta.
//   1 p        : array<f32>, read_write. Search direction, 3 entries per node.
//   2 q        : array<f32>, read. A p, same layout.
//   3 x        : array<f32>, read_write. Solution (correction) being built, same layout.
//   4 r        : array<f32>, read_write. Residual, same layout.
//   5 z        : array<f32>, read_write. Preconditioned residual M r, same layout.
//   6 inverseDiagonal : array<f32>, read. Inverse of each node's 3x3 diagonal block, 9 per node,
//                row-major (mm/N, divided by the scale the host applied to the matrix).
//   7 params   : uniform VectorParams (nodeCount: nodes, 3 entries each).
//
// Overrides: workgroupSize (u32) invocations per workgroup; slotAlpha, slotBeta: scalar slots.
// One invocation: one node (global_invocation_id.x, guarded < nodeCount), its 3 entries.
// Dispatch: (ceil(nodeCount / workgroupSize), 1, 1) for every entry point.
// Entry points:
//   start     : z = M r; p = z.                           (uses r, z, p, inverseDiagonal)
//   update_xr : x += alpha p; r -= alpha q; z = M r.       (uses scalars, p, q, x, r, z, M)
//   update_p  : p = z + beta p.                           (uses scalars, z, p)

struct VectorParams {
  nodeCount: u32,
  partialCount: u32,
  unused0: u32,
  unused1: u32,
}

override workgroupSize: u32;
override slotAlpha: u32;
override slotBeta: u32;

@group(0) @binding(0) var<storage, read> scalars: array<f32>;
@group(0) @binding(1) var<storage, read_write> p: array<f32>;
@group(0) @binding(2) var<storage, read> q: array<f32>;
@group(0) @binding(3) var<storage, read_write> x: array<f32>;
@group(0) @binding(4) var<storage, read_write> r: array<f32>;
@group(0) @binding(5) var<storage, read_write> z: array<f32>;
@group(0) @binding(6) var<storage, read> inverseDiagonal: array<f32>;
@group(0) @binding(7) var<uniform> params: VectorParams;

// The block-Jacobi preconditioner applied to one node's residual.
fn precondition(node: u32, residual: vec3<f32>) -> vec3<f32> {
  let m = 9u * node;
  let row0 = vec3<f32>(inverseDiagonal[m], inverseDiagonal[m + 1u], inverseDiagonal[m + 2u]);
  let row1 = vec3<f32>(inverseDiagonal[m + 3u], inverseDiagonal[m + 4u], inverseDiagonal[m + 5u]);
  let row2 = vec3<f32>(inverseDiagonal[m + 6u], inverseDiagonal[m + 7u], inverseDiagonal[m + 8u]);
  return vec3<f32>(dot(row0, residual), dot(row1, residual), dot(row2, residual));
}

@compute @workgroup_size(workgroupSize)
fn start(@builtin(global_invocation_id) id: vec3<u32>) {
  let node = id.x;
  if (node >= params.nodeCount) {
    return;
  }

  let i = 3u * node;
  let zNode = precondition(node, vec3<f32>(r[i], r[i + 1u], r[i + 2u]));
  for (var k = 0u; k < 3u; k++) {
    z[i + k] = zNode[k];
    p[i + k] = zNode[k];
  }
}

@compute @workgroup_size(workgroupSize)
fn update_xr(@builtin(global_invocation_id) id: vec3<u32>) {
  let node = id.x;
  if (node >= params.nodeCount) {
    return;
  }

  let i = 3u * node;
  let alpha = scalars[slotAlpha];
  var rNode: vec3<f32>;
  for (var k = 0u; k < 3u; k++) {
    x[i + k] += alpha * p[i + k];
    rNode[k] = r[i + k] - alpha * q[i + k];
    r[i + k] = rNode[k];
  }

  let zNode = precondition(node, rNode);
  for (var k = 0u; k < 3u; k++) {
    z[i + k] = zNode[k];
  }
}

@compute @workgroup_size(workgroupSize)
fn update_p(@builtin(global_invocation_id) id: vec3<u32>) {
  let node = id.x;
  if (node >= params.nodeCount) {
    return;
  }

  let i = 3u * node;
  let beta = scalars[slotBeta];
  for (var k = 0u; k < 3u; k++) {
    p[i + k] = z[i + k] + beta * p[i + k];
  }
}
