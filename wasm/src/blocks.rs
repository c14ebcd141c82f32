//! 3x3-block arithmetic: one block row of the sparse product, and block-Jacobi inversion.
//!
//! Every sum is formed in the same order as the TypeScript reference (solver/blockSparse.ts,
//! solver/jsSolver.ts): per block, `y_a += (B_a0 x0 + B_a1 x1) + B_a2 x2`. WebAssembly has no
//! fused multiply-add, so the SIMD path (rows 0 and 1 in the two lanes of an f64x2), the scalar
//! path and the reference give bit-identical results. Block b holds `values[9b..9b+9]`,
//! row-major.

/// Product of one block row with `x`: returns (y0, y1, y2) for blocks `begin..end`.
///
/// # Safety
/// Every `cols[b]` for `b` in `begin..end` must satisfy `3 * cols[b] + 2 < x.len()`, and
/// `values.len() >= 9 * end`.
#[inline(always)]
pub unsafe fn block_row_f64(
    values: &[f64],
    cols: &[u32],
    begin: usize,
    end: usize,
    x: &[f64],
) -> (f64, f64, f64) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        simd::block_row(|v| simd::load_f64(values.as_ptr().add(v)), values, cols, begin, end, x)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        scalar_block_row(|i| *values.get_unchecked(i), cols, begin, end, x)
    }
}

/// As [`block_row_f64`] with the block values stored in float32 (promoted to float64).
///
/// # Safety
/// As [`block_row_f64`].
#[inline(always)]
pub unsafe fn block_row_f32(
    values: &[f32],
    cols: &[u32],
    begin: usize,
    end: usize,
    x: &[f64],
) -> (f64, f64, f64) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        simd::block_row(|v| simd::load_f32(values.as_ptr().add(v)), values, cols, begin, end, x)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        scalar_block_row(|i| *values.get_unchecked(i) as f64, cols, begin, end, x)
    }
}

#[allow(dead_code)]
#[inline(always)]
unsafe fn scalar_block_row<F: Fn(usize) -> f64>(
    value: F,
    cols: &[u32],
    begin: usize,
    end: usize,
    x: &[f64],
) -> (f64, f64, f64) {
    let (mut y0, mut y1, mut y2) = (0.0, 0.0, 0.0);
    for b in begin..end {
        let c = 3 * *cols.get_unchecked(b) as usize;
        let v = 9 * b;
        let x0 = *x.get_unchecked(c);
        let x1 = *x.get_unchecked(c + 1);
        let x2 = *x.get_unchecked(c + 2);
        y0 += value(v) * x0 + value(v + 1) * x1 + value(v + 2) * x2;
        y1 += value(v + 3) * x0 + value(v + 4) * x1 + value(v + 5) * x2;
        y2 += value(v + 6) * x0 + value(v + 7) * x1 + value(v + 8) * x2;
    }
    (y0, y1, y2)
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::*;

    /// Columns of rows 0 and 1 of a block, as f64x2 ([B00 B10], [B01 B11], [B02 B12]), and
    /// row 2 (B20, B21, B22).
    pub type Columns = ([v128; 3], [f64; 3]);

    /// [`Columns`] of a float64 block: each lane loaded on its own (no shuffles).
    #[inline(always)]
    pub unsafe fn load_f64(v: *const f64) -> Columns {
        let pair = |k: usize| {
            let low = v128_load64_zero(v.add(k) as *const u64);
            v128_load64_lane::<1>(low, v.add(k + 3) as *const u64)
        };
        ([pair(0), pair(1), pair(2)], [*v.add(6), *v.add(7), *v.add(8)])
    }

    /// [`Columns`] of a float32 block: row pairs promoted to float64, then regrouped.
    #[inline(always)]
    pub unsafe fn load_f32(v: *const f32) -> Columns {
        let pair = |k: usize| f64x2_promote_low_f32x4(v128_load64_zero(v.add(k) as *const u64));
        // [B00 B01] [B02 B10] [B11 B12]
        let (l0, l1, l2) = (pair(0), pair(2), pair(4));
        let columns = [
            i64x2_shuffle::<0, 3>(l0, l1),
            i64x2_shuffle::<1, 2>(l0, l2),
            i64x2_shuffle::<0, 3>(l1, l2),
        ];
        let row2 = [*v.add(6) as f64, *v.add(7) as f64, *v.add(8) as f64];
        (columns, row2)
    }

    /// Block row product with rows 0 and 1 of each block in the two lanes of one f64x2.
    #[inline(always)]
    pub unsafe fn block_row<T, F: Fn(usize) -> Columns>(
        load: F,
        _values: &[T],
        cols: &[u32],
        begin: usize,
        end: usize,
        x: &[f64],
    ) -> (f64, f64, f64) {
        let mut y01 = f64x2_splat(0.0);
        let mut y2 = 0.0;
        for b in begin..end {
            let xp = x.as_ptr().add(3 * *cols.get_unchecked(b) as usize);
            let (x0, x1, x2) = (*xp, *xp.add(1), *xp.add(2));
            let ([c0, c1, c2], [b20, b21, b22]) = load(9 * b);
            let t = f64x2_add(
                f64x2_mul(c0, f64x2_splat(x0)),
                f64x2_mul(c1, f64x2_splat(x1)),
            );
            y01 = f64x2_add(y01, f64x2_add(t, f64x2_mul(c2, f64x2_splat(x2))));
            y2 += b20 * x0 + b21 * x1 + b22 * x2;
        }
        (f64x2_extract_lane::<0>(y01), f64x2_extract_lane::<1>(y01), y2)
    }
}

/// Inverts the 3x3 block `m` (row-major) into `out` by cofactors, in the reference's order of
/// operations; returns the determinant. `out` is left untouched when the determinant is zero
/// or not finite (a singular block).
pub fn invert_block(m: &[f64], out: &mut [f64]) -> f64 {
    let (a, b, c, d, e, f, g, h, i) = (m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]);
    let c00 = e * i - f * h;
    let c01 = c * h - b * i;
    let c02 = b * f - c * e;
    let det = a * c00 + d * c01 + g * c02;
    if !(det.abs() > 0.0 && det.is_finite()) {
        return det;
    }

    let s = 1.0 / det;
    out[0] = c00 * s;
    out[1] = c01 * s;
    out[2] = c02 * s;
    out[3] = (f * g - d * i) * s;
    out[4] = (a * i - c * g) * s;
    out[5] = (c * d - a * f) * s;
    out[6] = (d * h - e * g) * s;
    out[7] = (b * g - a * h) * s;
    out[8] = (a * e - b * d) * s;
    det
}
