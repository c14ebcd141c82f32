// Second pass of the deterministic dot products, and the PCG scalars computed on the GPU.
//
// One workgroup sums the partial sums of pcg_dot.wgsl: invocation `lane` adds partials lane,
// lane + workgroupSize, lane + 2 workgroupSize, ... in that order, then the workgroup adds the
// lanes in a fixed binary tree (same bits every run). Invocation 0 then updates the scalars, so
// alpha and beta never leave the GPU.
//
// Bindings (group 0):
//   0 partials : array<f32>, read. Partial sums, params.partialCount of them.
//   1 scalars  : array<f32>, read_write. PCG scalars, one f32 per slot; the slot of each is an
//                override below.
//   2 params   : uniform VectorParams (partialCount: number of partial sums).
//
// Overrides: workgroupSize (u32) invocations per workgroup, a power of two; slotRz (r . z),
// slotPq (p . q), slotAlpha, slotBeta, slotRr (r . r), slotBreakdown (1.0 when p . q or r . z
// was not positive: the float32 operator is not positive definite along p). All from the host.
// Entry points, each dispatched as (1, 1, 1):
//   finish_rz    : rz = sum; breakdown = 0 (start of a solve).
//   finish_alpha : pq = sum; alpha = rz / pq (0 and breakdown = 1 when pq <= 0; 0 once broken
//                  down, so the iterations left in the command buffer leave x unchanged).
//   finish_beta  : beta = sum / rz; rz = sum (0 and breakdown = 1 when rz <= 0).
//   finish_rr    : rr = sum (the residual norm the host reads back).

struct VectorParams {
  nodeCount: u32,
  partialCount: u32,
  unused0: u32,
  unused1: u32,
}

override workgroupSize: u32;
override slotRz: u32;
override slotPq: u32;
override slotAlpha: u32;
override slotBeta: u32;
override slotRr: u32;
override slotBreakdown: u32;

@group(0) @binding(0) var<storage, read> partials: array<f32>;
@group(0) @binding(1) var<storage, read_write> scalars: array<f32>;
@group(0) @binding(2) var<uniform> params: VectorParams;

var<workgroup> tree: array<f32, workgroupSize>;

// The sum of all partials, valid in lane 0; called by the whole workgroup.
fn sum_partials(lane: u32) -> f32 {
  var own = 0.0;
  for (var i = lane; i < params.partialCount; i += workgroupSize) {
    own += partials[i];
  }
  tree[lane] = own;
  workgroupBarrier();

  for (var stride = workgroupSize / 2u; stride > 0u; stride /= 2u) {
    if (lane < stride) {
      tree[lane] += tree[lane + stride];
    }
    workgroupBarrier();
  }
  return tree[0];
}

@compute @workgroup_size(workgroupSize)
fn finish_rz(@builtin(local_invocation_index) lane: u32) {
  let sum = sum_partials(lane);
  if (lane == 0u) {
    scalars[slotRz] = sum;
    scalars[slotBreakdown] = 0.0;
  }
}

@compute @workgroup_size(workgroupSize)
fn finish_alpha(@builtin(local_invocation_index) lane: u32) {
  let pq = sum_partials(lane);
  if (lane == 0u) {
    scalars[slotPq] = pq;
    if (pq > 0.0 && scalars[slotBreakdown] == 0.0) {
      scalars[slotAlpha] = scalars[slotRz] / pq;
    } else {
      scalars[slotAlpha] = 0.0;
      scalars[slotBreakdown] = 1.0;
    }
  }
}

@compute @workgroup_size(workgroupSize)
fn finish_beta(@builtin(local_invocation_index) lane: u32) {
  let rzNew = sum_partials(lane);
  if (lane == 0u) {
    let rzOld = scalars[slotRz];
    if (rzOld > 0.0) {
      scalars[slotBeta] = rzNew / rzOld;
    } else {
      scalars[slotBeta] = 0.0;
      scalars[slotBreakdown] = 1.0;
    }
    scalars[slotRz] = rzNew;
  }
}

@compute @workgroup_size(workgroupSize)
fn finish_rr(@builtin(local_invocation_index) lane: u32) {
  let rr = sum_partials(lane);
  if (lane == 0u) {
    scalars[slotRr] = rr;
  }
}
