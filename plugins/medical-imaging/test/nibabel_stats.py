"""Reference values for the NIfTI tests: nibabel's scaled voxels of the first volume of each file
given (JSON on stdout: dims, min, max, mean). Run with Debian's /usr/bin/python3 (python3-nibabel)."""
import json
import sys

import nibabel as nib
import numpy as np

out = {}
for path in sys.argv[1:]:
    img = nib.load(path)
    data = np.asanyarray(img.dataobj).astype('float64')
    while data.ndim > 3:
        data = data[..., 0]
    shape = list(data.shape) + [1] * (3 - data.ndim)
    out[path] = {'dims': shape, 'min': float(data.min()), 'max': float(data.max()), 'mean': float(data.mean()),
                 'version': 2 if isinstance(img, nib.Nifti2Image) else 1}
json.dump(out, sys.stdout)
