// Bandwidth probe: a plain copy, destination = source, to measure the memory bandwidth a
// kernel can reach on this adapter (bytes read + bytes written per second).
//
// Bindings (group 0):
//   0 source      : array<vec4<f32>>, read. Data to copy, 16 bytes per element.
//   1 destination : array<vec4<f32>>, read_write. Same length.
//   2 params      : uniform CopyParams (elementCount: vec4 elements to copy; rowPitch:
//                   invocations per dispatch row, workgroupSize * dispatch width).
//
// Overrides: workgroupSize (u32) invocations per workgroup, set from the host's one constant.
// One invocation: element global_invocation_id.x + rowPitch * global_invocation_id.y (guarded
// < elementCount), one 16-byte load and one 16-byte store.
// Dispatch: (width, height, 1) with width * height * workgroupSize >= elementCount; the host
// spreads large copies over y to stay under maxComputeWorkgroupsPerDimension.

struct CopyParams {
  elementCount: u32,
  rowPitch: u32,
  unused0: u32,
  unused1: u32,
}

override workgroupSize: u32;

@group(0) @binding(0) var<storage, read> source: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> destination: array<vec4<f32>>;
@group(0) @binding(2) var<uniform> params: CopyParams;

@compute @workgroup_size(workgroupSize)
fn copy(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x + params.rowPitch * id.y;
  if (i >= params.elementCount) {
    return;
  }
  destination[i] = source[i];
}
