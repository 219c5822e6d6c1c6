# Prints, for each DICOM file given, the decoded text values (SH LO ST LT PN UC UT) as pydicom reads them:
# one JSON object per line, {"file": ..., "values": {"ggggeeee" or "ggggeeee[i].ggggeeee": [str, ...]}}.
# Used by packages/core/test/charset.test.ts to cross-check our character set decoding.
import json
import sys
import warnings

import pydicom
from pydicom.multival import MultiValue

warnings.simplefilter("ignore")
TEXT = {"SH", "LO", "ST", "LT", "PN", "UC", "UT"}


def walk(ds, out, prefix):
    for el in ds:
        key = prefix + "%08x" % int(el.tag)
        if el.VR == "SQ":
            for i, item in enumerate(el.value):
                walk(item, out, "%s[%d]." % (key, i))
        elif el.VR in TEXT:
            v = el.value
            values = list(v) if isinstance(v, MultiValue) else [v]
            out[key] = ["" if x is None else str(x) for x in values]


for path in sys.argv[1:]:
    ds = pydicom.dcmread(path)
    out = {}
    walk(ds, out, "")
    print(json.dumps({"file": path, "values": out}))
