//! The block-Jacobi PCG loop over a whole matrix, resumable in chunks of iterations.
//!
//! Recurrence (x0 = 0): q = A p; alpha = rz / (p.q); x += alpha p; r -= alpha q; z = M^-1 r;
//! stop when |r| / |b| <= tolerance; beta = rz_new / rz; p = z + beta p. The caller then checks
//! the true residual ([`true_residual`]) and, when it misses, restarts from it ([`restart`]).
//! Failure tests follow the TypeScript reference backend: p.q not positive, a residual above
//! 1e6 |b|, NaN, and no new best residual (by 0.1 %) within a window of iterations.

use crate::kernel::{slot, Kernel};

/// [`run`] result: the iteration budget of this call is spent, not yet converged.
pub const RUNNING: i32 = 0;
/// [`run`] result: the recurrence residual reached the tolerance.
pub const CONVERGED: i32 = 1;
/// [`run`] result: p . q <= 0, the matrix is not positive definite (or lost it numerically).
pub const INDEFINITE: i32 = -1;
/// [`run`] result: a reduction came out NaN.
pub const NOT_A_NUMBER: i32 = -2;
/// [`run`] result: the relative residual grew above 1e6.
pub const DIVERGED: i32 = -3;
/// [`run`] result: no new best residual within the stall window.
pub const STALLED: i32 = -4;

/// Relative residual above which the iteration counts as diverged.
pub const DIVERGENCE_BOUND: f64 = 1e6;

/// Starts a solve from x = 0; returns |b| squared.
pub fn start(k: &mut Kernel) -> f64 {
    k.start();
    k.iteration = 0;
    k.best = 1.0;
    k.best_at = 0;
    k.rz = k.scalars[slot::RZ];
    k.scalars[slot::BB]
}

/// Runs at most `max_iterations` iterations; returns one of the status constants. The relative
/// recurrence residual is left in `scalars[RR]` as r . r.
pub fn run(k: &mut Kernel, max_iterations: u32, tolerance: f64, stall_window: u32) -> i32 {
    let b_norm = k.scalars[slot::BB].sqrt();
    for _ in 0..max_iterations {
        let pq = k.matvec();
        if pq.is_nan() {
            return NOT_A_NUMBER;
        }
        if !(pq > 0.0) {
            return INDEFINITE;
        }

        k.update(k.rz / pq);
        k.iteration += 1;
        let relative = k.scalars[slot::RR].sqrt() / b_norm;
        if relative.is_nan() {
            return NOT_A_NUMBER;
        }
        if relative > DIVERGENCE_BOUND {
            return DIVERGED;
        }
        if relative < 0.999 * k.best {
            k.best = relative;
            k.best_at = k.iteration;
        } else if k.iteration - k.best_at > stall_window {
            return STALLED;
        }
        let rz = k.scalars[slot::RZ];
        if relative <= tolerance {
            k.rz = rz;
            return CONVERGED;
        }

        let beta = rz / k.rz;
        k.rz = rz;
        k.direction(beta);
    }
    RUNNING
}

/// Recomputes r = b - A x in float64 (overwriting r and z); returns |r| / |b|.
pub fn true_residual(k: &mut Kernel) -> f64 {
    k.load_x();
    k.residual();
    k.scalars[slot::RR].sqrt() / k.scalars[slot::BB].sqrt()
}

/// Restarts the recurrence from the residual of [`true_residual`]: p = z.
pub fn restart(k: &mut Kernel) {
    k.rz = k.scalars[slot::RZ];
    k.direction(0.0);
}
