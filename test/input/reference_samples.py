"""Independent reference figures for the bundled samples, for test/input/realSamples.test.ts.

Parses NIfTI-1 headers by hand (struct + gzip), builds the voxel-to-world affine from the sform
or, failing that, the qform quaternion, and measures with numpy: world bounding box of the
selected voxels' centres, their volume in mm3 (count * |det|), and a mean density.
Prints one JSON object on stdout. Usage: python3 reference_samples.py DATA_DIR
"""
import gzip
import json
import struct
import sys

import numpy as np

DTYPES = {2: 'u1', 4: 'i2', 8: 'i4', 16: 'f4', 64: 'f8', 256: 'i1', 512: 'u2', 768: 'u4'}


def read_nifti(path):
    raw = gzip.open(path).read() if path.endswith('.gz') else open(path, 'rb').read()
    endian = '<' if struct.unpack('<i', raw[:4])[0] == 348 else '>'
    dim = struct.unpack(endian + '8h', raw[40:56])
    datatype = struct.unpack(endian + 'h', raw[70:72])[0]
    pixdim = struct.unpack(endian + '8f', raw[76:108])
    vox_offset = int(struct.unpack(endian + 'f', raw[108:112])[0])
    slope, inter = struct.unpack(endian + '2f', raw[112:120])
    qform_code, sform_code = struct.unpack(endian + '2h', raw[252:256])
    b, c, d, qx, qy, qz = struct.unpack(endian + '6f', raw[256:280])
    srow = struct.unpack(endian + '12f', raw[280:328])

    shape = dim[1:4]
    count = shape[0] * shape[1] * shape[2]
    data = np.frombuffer(raw, dtype=endian + DTYPES[datatype], count=count, offset=vox_offset)
    data = data.astype(np.float64).reshape(shape, order='F')
    if slope != 0 and not np.isnan(slope):
        data = data * slope + inter

    affine = np.eye(4)
    if sform_code > 0:
        affine[:3, :] = np.array(srow, dtype=np.float64).reshape(3, 4)
    elif qform_code > 0:
        a = np.sqrt(max(0.0, 1.0 - (b * b + c * c + d * d)))
        rot = np.array([
            [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
            [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
            [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - b * b - c * c],
        ])
        qfac = -1.0 if pixdim[0] < 0 else 1.0
        affine[:3, :3] = rot @ np.diag([pixdim[1], pixdim[2], qfac * pixdim[3]])
        affine[:3, 3] = [qx, qy, qz]
    else:
        affine[:3, :3] = np.diag(pixdim[1:4])
    return data, affine


def orientation(affine):
    letters = [('R', 'L'), ('A', 'P'), ('S', 'I')]
    code = ''
    for col in range(3):
        row = int(np.argmax(np.abs(affine[:3, col])))
        code += letters[row][0 if affine[row, col] >= 0 else 1]
    return code


def measure(selected, affine):
    ijk = np.argwhere(selected).astype(np.float64)
    world = ijk @ affine[:3, :3].T + affine[:3, 3]
    return {
        'voxels': int(len(ijk)),
        'volumeMm3': float(len(ijk) * abs(np.linalg.det(affine[:3, :3]))),
        'worldMinMm': world.min(axis=0).tolist(),
        'worldMaxMm': world.max(axis=0).tolist(),
    }


def main(data_dir):
    ts_labels, ts_affine = read_nifti(f'{data_dir}/totalseg-lumbar/labels.nii.gz')
    _, ts_ct_affine = read_nifti(f'{data_dir}/totalseg-lumbar/ct.nii.gz')
    vs_labels, vs_affine = read_nifti(f'{data_dir}/verse004-L2/labels.nii.gz')
    vs_density, _ = read_nifti(f'{data_dir}/verse004-L2/density.nii.gz')

    result = {
        'totalsegL3': measure(ts_labels == 29, ts_affine),
        'totalsegOrientation': orientation(ts_ct_affine),
        'verseL2': measure((vs_labels >= 1) & (vs_labels <= 4), vs_affine),
        'verseOrientation': orientation(vs_affine),
        'verseLabel1MeanDensity': float(vs_density[vs_labels == 1].mean()),
    }
    print(json.dumps(result))


if __name__ == '__main__':
    main(sys.argv[1])
