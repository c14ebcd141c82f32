/**
 * Eigenvalues of a symmetric 3x3 tensor in closed form (the trigonometric solution of the
 * characteristic cubic), used for principal strains.
 */

/**
 * Writes the eigenvalues of the symmetric tensor [xx, yy, zz, xy, yz, zx] (tensor components)
 * into out[offset..offset+2] in descending order (eps1 >= eps2 >= eps3).
 */
export function symmetricEigenvalues(
  out: Float64Array,
  offset: number,
  xx: number,
  yy: number,
  zz: number,
  xy: number,
  yz: number,
  zx: number,
): void {
  const offDiagonal = xy * xy + yz * yz + zx * zx;
  const mean = (xx + yy + zz) / 3;
  const dx = xx - mean;
  const dy = yy - mean;
  const dz = zz - mean;
  const p = Math.sqrt((dx * dx + dy * dy + dz * dz + 2 * offDiagonal) / 6);
  if (p === 0) {
    out[offset] = out[offset + 1] = out[offset + 2] = mean;
    return;
  }

  // B = (A - mean I) / p has eigenvalues 2 cos(phi + 2 pi k / 3) with cos(3 phi) = det(B) / 2.
  const bx = dx / p;
  const by = dy / p;
  const bz = dz / p;
  const bxy = xy / p;
  const byz = yz / p;
  const bzx = zx / p;
  const det =
    bx * (by * bz - byz * byz) - bxy * (bxy * bz - byz * bzx) + bzx * (bxy * byz - by * bzx);
  const half = Math.min(1, Math.max(-1, det / 2));
  const phi = Math.acos(half) / 3;

  const largest = mean + 2 * p * Math.cos(phi);
  const smallest = mean + 2 * p * Math.cos(phi + (2 * Math.PI) / 3);
  out[offset] = largest;
  out[offset + 1] = 3 * mean - largest - smallest;
  out[offset + 2] = smallest;
}
