// Block sparse matrix-vector product q = A p, float32, for one chunk of block rows.
//
// The matrix is block CSR with 3x3 blocks (both triangles stored). Its values may be larger than
// one storage binding allows, so the host splits the block rows into chunks whose blocks fit a
// binding and dispatches this kernel once per chunk, each with its own colIndices/values buffers.
//
// Bindings (group 0):
//   0 rowOffsets : array<u32>, read. Start of each block row in the WHOLE matrix's block order;
//                  blockRowCount + 1 entries (global block indices).
//   1 colIndices : array<u32>, read. Column node of each block of this chunk; entry 0 is the
//                  chunk's first block (global block index params.blockBase).
//   2 values     : array<f32>, read. This chunk's blocks, 9 per block, row-major within the
//                  block (stiffness, N/mm, possibly scaled by the host).
//   3 p          : array<f32>, read. Input vector, 3 entries per node (x, y, z), all nodes.
//   4 q          : array<f32>, read_write. Output vector, same layout; only this chunk's rows
//                  are written.
//   5 params     : uniform ChunkParams (rowStart, rowEnd: block rows [rowStart, rowEnd);
//                  blockBase: global index of this chunk's first block).
//
// Overrides: workgroupSize (u32) invocations per workgroup, set from the host's one constant.
// One invocation: block row rowStart + global_invocation_id.x (guarded < rowEnd); it streams the
// row's blocks and writes 3 entries of q.
// Dispatch: (ceil((rowEnd - rowStart) / workgroupSize), 1, 1) per chunk.

struct ChunkParams {
  rowStart: u32,
  rowEnd: u32,
  blockBase: u32,
  unused: u32,
}

override workgroupSize: u32;

@group(0) @binding(0) var<storage, read> rowOffsets: array<u32>;
@group(0) @binding(1) var<storage, read> colIndices: array<u32>;
@group(0) @binding(2) var<storage, read> values: array<f32>;
@group(0) @binding(3) var<storage, read> p: array<f32>;
@group(0) @binding(4) var<storage, read_write> q: array<f32>;
@group(0) @binding(5) var<uniform> params: ChunkParams;

@compute @workgroup_size(workgroupSize)
fn multiply(@builtin(global_invocation_id) id: vec3<u32>) {
  let row = params.rowStart + id.x;
  if (row >= params.rowEnd) {
    return;
  }

  var sum = vec3<f32>(0.0);
  let first = rowOffsets[row] - params.blockBase;
  let last = rowOffsets[row + 1u] - params.blockBase;
  for (var b = first; b < last; b++) {
    let c = 3u * colIndices[b];
    let pc = vec3<f32>(p[c], p[c + 1u], p[c + 2u]);
    let v = 9u * b;
    sum += vec3<f32>(
      dot(vec3<f32>(values[v], values[v + 1u], values[v + 2u]), pc),
      dot(vec3<f32>(values[v + 3u], values[v + 4u], values[v + 5u]), pc),
      dot(vec3<f32>(values[v + 6u], values[v + 7u], values[v + 8u]), pc),
    );
  }

  q[3u * row] = sum.x;
  q[3u * row + 1u] = sum.y;
  q[3u * row + 2u] = sum.z;
}
