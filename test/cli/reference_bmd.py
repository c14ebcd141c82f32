"""Mean of an image over the voxels of one label, NIfTI-1 headers parsed by hand (no nibabel).

usage: python3 reference_bmd.py IMAGE LABELS LABEL  -> prints the mean and the voxel count
"""
import gzip
import struct
import sys

import numpy as np

DTYPES = {2: 'u1', 4: 'i2', 8: 'i4', 16: 'f4', 64: 'f8', 256: 'i1', 512: 'u2', 768: 'u4'}


def read_nifti(path):
    raw = gzip.open(path).read() if path.endswith('.gz') else open(path, 'rb').read()
    endian = '<' if struct.unpack('<i', raw[:4])[0] == 348 else '>'
    dims = struct.unpack(endian + '8h', raw[40:56])
    datatype = struct.unpack(endian + 'h', raw[70:72])[0]
    offset = int(struct.unpack(endian + 'f', raw[108:112])[0])
    slope, inter = struct.unpack(endian + '2f', raw[112:120])
    count = dims[1] * dims[2] * dims[3]
    data = np.frombuffer(raw, dtype=endian + DTYPES[datatype], count=count, offset=offset)
    data = data.astype(np.float64)
    if slope not in (0.0,) and np.isfinite(slope):
        data = data * slope + inter
    return data


image = read_nifti(sys.argv[1])
labels = read_nifti(sys.argv[2])
selected = image[np.rint(labels) == int(sys.argv[3])]
print(f'{selected.mean():.10f} {selected.size}')
