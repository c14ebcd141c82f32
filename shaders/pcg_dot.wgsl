// First pass of a deterministic dot product a . b: one partial sum per workgroup.
//
// Bindings (group 0):
//   0 a        : array<f32>, read. Vector, 3 entries per node.
//   1 b        : array<f32>, read. Vector, same layout (may be the same buffer as a).
//   2 partials : array<f32>, read_write. One partial sum per workgroup, in workgroup order.
//   3 params   : uniform VectorParams (nodeCount: nodes, 3 entries each).
//
// Overrides: workgroupSize (u32) invocations per workgroup, a power of two, set from the host's
// one constant.
// One invocation: node global_invocation_id.x (0 beyond nodeCount) adds its 3 products, then the
// workgroup sums its values in a fixed binary tree, so every run gives the same bits.
// Dispatch: (ceil(nodeCount / workgroupSize), 1, 1). The second pass (pcg_scalars.wgsl) sums the
// partials in one workgroup.

struct VectorParams {
  nodeCount: u32,
  partialCount: u32,
  unused0: u32,
  unused1: u32,
}

override workgroupSize: u32;

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> partials: array<f32>;
@group(0) @binding(3) var<uniform> params: VectorParams;

var<workgroup> tree: array<f32, workgroupSize>;

@compute @workgroup_size(workgroupSize)
fn partial_dot(
  @builtin(global_invocation_id) id: vec3<u32>,
  @builtin(local_invocation_index) lane: u32,
  @builtin(workgroup_id) group: vec3<u32>,
) {
  let node = id.x;
  var own = 0.0;
  if (node < params.nodeCount) {
    let i = 3u * node;
    own = dot(vec3<f32>(a[i], a[i + 1u], a[i + 2u]), vec3<f32>(b[i], b[i + 1u], b[i + 2u]));
  }
  tree[lane] = own;
  workgroupBarrier();

  for (var stride = workgroupSize / 2u; stride > 0u; stride /= 2u) {
    if (lane < stride) {
      tree[lane] += tree[lane + stride];
    }
    workgroupBarrier();
  }

  if (lane == 0u) {
    partials[group.x] = tree[0];
  }
}
