"""Reference values for the plugin's tests: pydicom's decoded stored-pixel statistics of each file
given on the command line (JSON on stdout). Run with Debian's /usr/bin/python3 (python3-pydicom,
python3-gdcm, python3-pil). Colour JPEGs are converted to RGB, as the plugin does."""
import json
import sys
import warnings

import pydicom

warnings.simplefilter('ignore')
out = {}
for path in sys.argv[1:]:
    try:
        ds = pydicom.dcmread(path)
        arr = ds.pixel_array
        ts = str(ds.file_meta.TransferSyntaxUID)
        out[path] = {
            'transferSyntax': ts,
            'shape': list(arr.shape),
            'min': float(arr.min()),
            'max': float(arr.max()),
            'mean': round(float(arr.astype('float64').mean()), 4),
            'photometric': str(ds.get('PhotometricInterpretation', '')),
        }
    except Exception as e:  # noqa: BLE001 - any failure is a reference "cannot decode"
        out[path] = {'error': f'{type(e).__name__}: {e}'[:200]}
json.dump(out, sys.stdout)
