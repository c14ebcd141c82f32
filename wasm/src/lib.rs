//! Block-Jacobi preconditioned conjugate gradients for 3x3-block sparse symmetric positive
//! definite matrices (linear-tetrahedron stiffness matrices), compiled to WebAssembly for the
//! CPU backend of METASTRA-VPH and natively for the benchmark suite.
//!
//! The host creates a kernel ([`vph_kernel_create`]), copies the block CSR matrix and the
//! right-hand side into the buffers whose addresses the kernel exports, calls
//! [`vph_prepare`], then either runs the whole loop here ([`vph_pcg_start`], [`vph_pcg_run`]
//! in chunks, [`vph_pcg_true_residual`], [`vph_pcg_restart`]) or drives one row block per
//! worker through the phase exports (`vph_phase_*`), exchanging the search direction itself.
//!
//! Limits: wasm32 addresses 4 GiB; the host must check the model's size before creating it
//! (a failed allocation returns a null kernel). Float64 throughout, except that the matrix
//! may be streamed from a float32 copy; the true residual always uses the float64 values.
#![deny(missing_docs)]

pub mod blocks;
pub mod kernel;
pub mod pcg;

use kernel::Kernel;

fn kernel<'a>(k: *mut Kernel) -> &'a mut Kernel {
    // Safety: the host passes back a pointer returned by vph_kernel_create and not destroyed.
    unsafe { &mut *k }
}

/// Allocates a kernel for block rows `row_begin .. row_begin + local_rows` of a matrix with
/// `global_rows` block rows and `local_blocks` stored blocks; `matrix_f32 != 0` adds a float32
/// copy of the values for the iteration. Returns null when the memory cannot be allocated.
#[no_mangle]
pub extern "C" fn vph_kernel_create(
    global_rows: u32,
    row_begin: u32,
    local_rows: u32,
    local_blocks: u32,
    matrix_f32: u32,
) -> *mut Kernel {
    let created = Kernel::new(
        global_rows as usize,
        row_begin as usize,
        local_rows as usize,
        local_blocks as usize,
        matrix_f32 != 0,
    );
    match created {
        Some(k) => Box::into_raw(Box::new(k)),
        None => core::ptr::null_mut(),
    }
}

/// Frees a kernel created by [`vph_kernel_create`].
#[no_mangle]
pub extern "C" fn vph_kernel_destroy(k: *mut Kernel) {
    if !k.is_null() {
        // Safety: k came from Box::into_raw in vph_kernel_create.
        drop(unsafe { Box::from_raw(k) });
    }
}

/// Address of the local block row offsets (`local_rows + 1` u32, first 0), for the host to fill.
#[no_mangle]
pub extern "C" fn vph_row_offsets(k: *mut Kernel) -> *mut u32 {
    kernel(k).row_offsets.as_mut_ptr()
}

/// Address of the global column block indices (`local_blocks` u32), for the host to fill.
#[no_mangle]
pub extern "C" fn vph_col_indices(k: *mut Kernel) -> *mut u32 {
    kernel(k).col_indices.as_mut_ptr()
}

/// Address of the float64 block values (`9 * local_blocks`), for the host to fill.
#[no_mangle]
pub extern "C" fn vph_values(k: *mut Kernel) -> *mut f64 {
    kernel(k).values.as_mut_ptr()
}

/// Address of the local right-hand side b (`3 * local_rows` float64), for the host to fill.
#[no_mangle]
pub extern "C" fn vph_rhs(k: *mut Kernel) -> *mut f64 {
    kernel(k).rhs.as_mut_ptr()
}

/// Address of the local solution x (`3 * local_rows` float64).
#[no_mangle]
pub extern "C" fn vph_x(k: *mut Kernel) -> *mut f64 {
    kernel(k).x.as_mut_ptr()
}

/// Address of the local residual r (`3 * local_rows` float64).
#[no_mangle]
pub extern "C" fn vph_r(k: *mut Kernel) -> *mut f64 {
    kernel(k).r.as_mut_ptr()
}

/// Address of the whole search direction p (`3 * global_rows` float64).
#[no_mangle]
pub extern "C" fn vph_p(k: *mut Kernel) -> *mut f64 {
    kernel(k).p.as_mut_ptr()
}

/// Address of the reduction slots (8 float64: p.q, r.r, r.z, b.b, fault row, fault value).
#[no_mangle]
pub extern "C" fn vph_scalars(k: *mut Kernel) -> *mut f64 {
    kernel(k).scalars.as_mut_ptr()
}

/// Checks the copied-in structure and inverts the diagonal blocks. Returns 0 when ready,
/// 1 for a bad structure, 2 for a missing diagonal block, 3 for a singular
/// diagonal block (its block row and determinant in scalar slots 4 and 5).
/// A zero right-hand side is the host's to handle (|b| = 0 makes relative residuals NaN).
#[no_mangle]
pub extern "C" fn vph_prepare(k: *mut Kernel) -> i32 {
    match kernel(k).prepare() {
        Ok(()) => 0,
        Err(e) => e as i32,
    }
}

/// Phase: x = 0, r = b, z = M^-1 r, p = z on the local rows; local r.r, r.z into the slots.
#[no_mangle]
pub extern "C" fn vph_phase_start(k: *mut Kernel) {
    kernel(k).start();
}

/// Phase: q = A p on the local rows; returns the local p.q (also in slot 0).
#[no_mangle]
pub extern "C" fn vph_phase_matvec(k: *mut Kernel) -> f64 {
    kernel(k).matvec()
}

/// Phase: x += alpha p, r -= alpha q, z = M^-1 r; local r.r, r.z into the slots.
#[no_mangle]
pub extern "C" fn vph_phase_update(k: *mut Kernel, alpha: f64) {
    kernel(k).update(alpha);
}

/// Phase: p = z + beta p on the local rows.
#[no_mangle]
pub extern "C" fn vph_phase_direction(k: *mut Kernel, beta: f64) {
    kernel(k).direction(beta);
}

/// Phase: copies the local x into the local rows of p.
#[no_mangle]
pub extern "C" fn vph_phase_load_x(k: *mut Kernel) {
    kernel(k).load_x();
}

/// Phase: r = b - A p in float64 (p holding x), z = M^-1 r; local r.r, r.z into the slots.
#[no_mangle]
pub extern "C" fn vph_phase_residual(k: *mut Kernel) {
    kernel(k).residual();
}

/// Whole-matrix loop: starts from x = 0; returns |b| squared.
#[no_mangle]
pub extern "C" fn vph_pcg_start(k: *mut Kernel) -> f64 {
    pcg::start(kernel(k))
}

/// Whole-matrix loop: runs at most `max_iterations` more iterations towards the relative
/// recurrence residual `tolerance`. Returns 0 (budget spent), 1 (converged), -1 (p.q <= 0),
/// -2 (NaN), -3 (residual above 1e6 |b|), -4 (no new best residual within `stall_window`).
#[no_mangle]
pub extern "C" fn vph_pcg_run(
    k: *mut Kernel,
    max_iterations: u32,
    tolerance: f64,
    stall_window: u32,
) -> i32 {
    pcg::run(kernel(k), max_iterations, tolerance, stall_window)
}

/// Whole-matrix loop: iterations since [`vph_pcg_start`].
#[no_mangle]
pub extern "C" fn vph_pcg_iterations(k: *mut Kernel) -> u32 {
    kernel(k).iteration
}

/// Whole-matrix loop: recomputes r = b - A x in float64; returns |r| / |b|.
#[no_mangle]
pub extern "C" fn vph_pcg_true_residual(k: *mut Kernel) -> f64 {
    pcg::true_residual(kernel(k))
}

/// Whole-matrix loop: restarts the recurrence from the last true residual.
#[no_mangle]
pub extern "C" fn vph_pcg_restart(k: *mut Kernel) {
    pcg::restart(kernel(k))
}
