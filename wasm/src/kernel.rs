//! The kernel's storage and the phases of one PCG iteration over a block of rows.
//!
//! A kernel owns block rows `row_begin .. row_begin + local_rows` of a matrix with `global_rows`
//! block rows (one node = 3 degrees of freedom). Everything is laid out once, at creation: the
//! block CSR rows (column indices are global), the float64 values (and an optional float32 copy
//! streamed by the iteration), the inverted diagonal blocks (block-Jacobi), and the vectors.
//! Local vectors hold `3 * local_rows` entries; the search direction `p` holds the whole
//! `3 * global_rows` so that a row block can read its neighbours' entries.

use crate::blocks::{block_row_f32, block_row_f64, invert_block};

/// Index of each reduction result in [`Kernel::scalars`].
pub mod slot {
    /// Local part of p . q (after the product phase).
    pub const PQ: usize = 0;
    /// Local part of r . r.
    pub const RR: usize = 1;
    /// Local part of r . z (z = block-Jacobi applied to r).
    pub const RZ: usize = 2;
    /// Local part of b . b (after prepare).
    pub const BB: usize = 3;
    /// Block row (global) where prepare failed, or the determinant found there.
    pub const FAULT_ROW: usize = 4;
    /// Determinant of the faulty diagonal block.
    pub const FAULT_VALUE: usize = 5;
    /// Number of slots.
    pub const COUNT: usize = 8;
}

/// Why [`Kernel::prepare`] refused a matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrepareError {
    /// A column index is not below `global_rows`, or a row's offsets run backwards.
    BadStructure = 1,
    /// A block row has no diagonal block.
    MissingDiagonal = 2,
    /// A diagonal block is singular (zero or non-finite determinant).
    SingularDiagonal = 3,
}

/// Storage and state of one row block (the whole matrix when `row_begin = 0`).
pub struct Kernel {
    /// Block rows of the whole matrix.
    pub global_rows: usize,
    /// First block row owned here.
    pub row_begin: usize,
    /// Block rows owned here.
    pub local_rows: usize,
    /// Local block CSR offsets, `local_rows + 1` entries starting at 0.
    pub row_offsets: Vec<u32>,
    /// Global column block index of each block.
    pub col_indices: Vec<u32>,
    /// 9 float64 values per block, row-major.
    pub values: Vec<f64>,
    /// Float32 copy of `values`, empty unless the matrix is streamed in float32.
    pub values_f32: Vec<f32>,
    /// Inverse of each local diagonal block, 9 per block row.
    pub jacobi: Vec<f64>,
    /// Right-hand side b (local).
    pub rhs: Vec<f64>,
    /// Solution x (local).
    pub x: Vec<f64>,
    /// Residual r (local).
    pub r: Vec<f64>,
    /// Preconditioned residual z (local).
    pub z: Vec<f64>,
    /// Product q = A p (local).
    pub q: Vec<f64>,
    /// Search direction p (global length; local rows at `3 * row_begin`).
    pub p: Vec<f64>,
    /// Reduction results, see [`slot`].
    pub scalars: [f64; slot::COUNT],
    /// PCG iterations done since the last start.
    pub iteration: u32,
    /// r . z of the current residual (whole matrix; used by the in-kernel loop).
    pub rz: f64,
    /// Smallest relative recurrence residual so far (in-kernel loop, stall detection).
    pub best: f64,
    /// Iteration at which `best` was reached.
    pub best_at: u32,
}

fn zeroed<T: Copy + Default>(len: usize) -> Option<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).ok()?;
    v.resize(len, T::default());
    Some(v)
}

impl Kernel {
    /// Allocates a kernel; `None` when the memory cannot be had.
    pub fn new(
        global_rows: usize,
        row_begin: usize,
        local_rows: usize,
        local_blocks: usize,
        matrix_f32: bool,
    ) -> Option<Kernel> {
        let n = 3 * local_rows;
        Some(Kernel {
            global_rows,
            row_begin,
            local_rows,
            row_offsets: zeroed(local_rows + 1)?,
            col_indices: zeroed(local_blocks)?,
            values: zeroed(9 * local_blocks)?,
            values_f32: zeroed(if matrix_f32 { 9 * local_blocks } else { 0 })?,
            jacobi: zeroed(9 * local_rows)?,
            rhs: zeroed(n)?,
            x: zeroed(n)?,
            r: zeroed(n)?,
            z: zeroed(n)?,
            q: zeroed(n)?,
            p: zeroed(3 * global_rows)?,
            scalars: [0.0; slot::COUNT],
            iteration: 0,
            rz: 0.0,
            best: 1.0,
            best_at: 0,
        })
    }

    /// Checks the structure the caller copied in, inverts the diagonal blocks, fills the float32
    /// copy and stores the local b . b. On failure, `scalars[FAULT_ROW]` names the block row.
    pub fn prepare(&mut self) -> Result<(), PrepareError> {
        let blocks = self.col_indices.len();
        if self.row_offsets[0] != 0 || self.row_offsets[self.local_rows] as usize != blocks {
            return Err(PrepareError::BadStructure);
        }
        if self.row_offsets.windows(2).any(|w| w[0] > w[1])
            || self.col_indices.iter().any(|&c| c as usize >= self.global_rows)
        {
            return Err(PrepareError::BadStructure);
        }

        for row in 0..self.local_rows {
            let global = (self.row_begin + row) as u32;
            self.scalars[slot::FAULT_ROW] = global as f64;
            let range = self.row_offsets[row] as usize..self.row_offsets[row + 1] as usize;
            let found = range.clone().find(|&b| self.col_indices[b] == global);
            let b = found.ok_or(PrepareError::MissingDiagonal)?;
            let det = invert_block(
                &self.values[9 * b..9 * b + 9],
                &mut self.jacobi[9 * row..9 * row + 9],
            );
            if !(det.abs() > 0.0 && det.is_finite()) {
                self.scalars[slot::FAULT_VALUE] = det;
                return Err(PrepareError::SingularDiagonal);
            }
        }

        if !self.values_f32.is_empty() {
            for (out, v) in self.values_f32.iter_mut().zip(self.values.iter()) {
                *out = *v as f32;
            }
        }
        self.scalars[slot::BB] = self.rhs.iter().map(|v| v * v).sum();
        Ok(())
    }

    /// q = A p over the local rows (float32 values when present); returns the local p . q.
    pub fn matvec(&mut self) -> f64 {
        let offset = 3 * self.row_begin;
        let mut pq = 0.0;
        for row in 0..self.local_rows {
            let begin = self.row_offsets[row] as usize;
            let end = self.row_offsets[row + 1] as usize;
            // Safety: prepare() checked every column index against global_rows.
            let (y0, y1, y2) = unsafe {
                if self.values_f32.is_empty() {
                    block_row_f64(&self.values, &self.col_indices, begin, end, &self.p)
                } else {
                    block_row_f32(&self.values_f32, &self.col_indices, begin, end, &self.p)
                }
            };
            let i = 3 * row;
            self.q[i] = y0;
            self.q[i + 1] = y1;
            self.q[i + 2] = y2;
            // Sequential sums, entry by entry, as the reference's dot products.
            pq += self.p[offset + i] * y0;
            pq += self.p[offset + i + 1] * y1;
            pq += self.p[offset + i + 2] * y2;
        }
        self.scalars[slot::PQ] = pq;
        pq
    }

    /// z = M^-1 r for local block row `row`; adds the row's r . r and r . z to `rr` and `rz`
    /// entry by entry (the order of the reference's sequential dot products).
    #[inline(always)]
    fn precondition_row(&mut self, row: usize, rr: &mut f64, rz: &mut f64) {
        let i = 3 * row;
        let m = &self.jacobi[9 * row..9 * row + 9];
        let (r0, r1, r2) = (self.r[i], self.r[i + 1], self.r[i + 2]);
        let z0 = m[0] * r0 + m[1] * r1 + m[2] * r2;
        let z1 = m[3] * r0 + m[4] * r1 + m[5] * r2;
        let z2 = m[6] * r0 + m[7] * r1 + m[8] * r2;
        self.z[i] = z0;
        self.z[i + 1] = z1;
        self.z[i + 2] = z2;
        *rr += r0 * r0;
        *rr += r1 * r1;
        *rr += r2 * r2;
        *rz += r0 * z0;
        *rz += r1 * z1;
        *rz += r2 * z2;
    }

    fn store_dots(&mut self, rr: f64, rz: f64) {
        self.scalars[slot::RR] = rr;
        self.scalars[slot::RZ] = rz;
    }

    /// Starts from x = 0: r = b, z = M^-1 r, p = z (local rows); stores local r.r and r.z.
    pub fn start(&mut self) {
        let (mut rr, mut rz) = (0.0, 0.0);
        for row in 0..self.local_rows {
            let i = 3 * row;
            for k in 0..3 {
                self.x[i + k] = 0.0;
                self.r[i + k] = self.rhs[i + k];
            }
            self.precondition_row(row, &mut rr, &mut rz);
        }
        self.direction(0.0);
        self.store_dots(rr, rz);
    }

    /// x += alpha p, r -= alpha q, z = M^-1 r (local rows, one pass); stores local r.r, r.z.
    pub fn update(&mut self, alpha: f64) {
        let offset = 3 * self.row_begin;
        let (mut rr, mut rz) = (0.0, 0.0);
        for row in 0..self.local_rows {
            let i = 3 * row;
            for k in 0..3 {
                self.x[i + k] += alpha * self.p[offset + i + k];
                self.r[i + k] -= alpha * self.q[i + k];
            }
            self.precondition_row(row, &mut rr, &mut rz);
        }
        self.store_dots(rr, rz);
    }

    /// p = z + beta p over the local rows.
    pub fn direction(&mut self, beta: f64) {
        let offset = 3 * self.row_begin;
        let local = &mut self.p[offset..offset + 3 * self.local_rows];
        if beta == 0.0 {
            local.copy_from_slice(&self.z);
            return;
        }
        for (p, z) in local.iter_mut().zip(self.z.iter()) {
            *p = z + beta * *p;
        }
    }

    /// Copies the local x into the local rows of p (before a true-residual product).
    pub fn load_x(&mut self) {
        let offset = 3 * self.row_begin;
        let n = 3 * self.local_rows;
        self.p[offset..offset + n].copy_from_slice(&self.x);
    }

    /// r = b - A p in float64 (p holding the whole x), z = M^-1 r; stores local r.r and r.z.
    pub fn residual(&mut self) {
        let (mut rr, mut rz) = (0.0, 0.0);
        for row in 0..self.local_rows {
            let begin = self.row_offsets[row] as usize;
            let end = self.row_offsets[row + 1] as usize;
            // Safety: prepare() checked every column index against global_rows.
            let (y0, y1, y2) =
                unsafe { block_row_f64(&self.values, &self.col_indices, begin, end, &self.p) };
            let i = 3 * row;
            self.r[i] = self.rhs[i] - y0;
            self.r[i + 1] = self.rhs[i + 1] - y1;
            self.r[i + 2] = self.rhs[i + 2] - y2;
            self.precondition_row(row, &mut rr, &mut rz);
        }
        self.store_dots(rr, rz);
    }
}
