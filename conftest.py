"""Test-run environment, set before any project module is imported.

Lives at the repository root so that it applies to the doctests collected from
``loaders`` and ``geodata`` as well as to ``tests/``.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SHARED_GEODATA = (ROOT.parent / "shared" / "geodata").resolve()

# Tests read the real published files (no internet here): LMI_GEODATA_DIR when
# set (CI and make set it), else ../shared/geodata beside the checkout.
os.environ.setdefault("LMI_GEODATA_DIR", str(SHARED_GEODATA))
# Derived layers are cached under a fingerprint of the source files and written
# atomically, so parallel workers and later runs can share one cache folder.
os.environ.setdefault(
    "LMI_CACHE_DIR", str(Path(os.environ.get("TMPDIR", "/tmp")) / "lmi-test-cache")
)
os.environ.setdefault("MPLBACKEND", "Agg")
