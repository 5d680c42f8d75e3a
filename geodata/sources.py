"""Where every source file comes from, and how the product obtains it.

Every public source the product reads is listed once, in :data:`SOURCES`:
its published file name, its publisher URL and, where the publisher keeps the
file fixed, its pinned SHA-256.

Files are obtained in this order:

1. ``LMI_GEODATA_DIR``: a folder where the source files already are. They are
   found by their published file names in it or any of its subfolders (tests and
   CI point it at ``../shared/geodata``). Pinned hashes are checked here too.
2. The download cache (``LMI_CACHE_DIR``, else the platform's user cache folder
   from :mod:`platformdirs`). Files there were checked when downloaded.
3. A download from the publisher with :mod:`pooch`, which moves the file into
   place only once complete and verified, so an interrupted download never
   leaves a half-written file where a complete one is expected. The bytes
   arrive in ``<cache>/sources/<file>.part`` (:class:`ResumableDownloader`):
   a download cut short resumes from there on the next start (an HTTP
   ``Range`` request guarded by ``If-Range``), or starts again from zero when
   the publisher cannot resume or the file changed; a resumed file that fails
   its hash is downloaded once more from the start. A lock file beside it
   keeps two processes from downloading the same file at once.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache, partial
from pathlib import Path

import filelock
import platformdirs
import pooch
import requests

__all__ = [
    "ENV_MIRROR",
    "SOURCES",
    "ResumableDownloader",
    "Source",
    "SourceError",
    "cache_dir",
    "download_url",
    "fetch",
    "geodata_override_dir",
    "missing_sources",
]

#: ``progress(bytes_done, bytes_total_or_None)`` during a download.
ByteProgress = Callable[[int, int | None], None]


class SourceError(RuntimeError):
    """A source file could not be found, downloaded or verified."""


@dataclass(frozen=True)
class Source:
    """One published source file.

    Attributes
    ----------
    key : str
        Short name used in code (``"unsd"``, ``"cde_districts"``...).
    filename : str
        The file name the publisher uses; also the name looked for in
        ``LMI_GEODATA_DIR``.
    url : str
        Publisher URL the product downloads from.
    sha256 : str or None
        Pinned SHA-256 of the published file, or ``None`` where the publisher
        updates the file in place (CDE), so no hash can be pinned.
    description : str
        What the file holds, for messages and the README.
    """

    key: str
    filename: str
    url: str
    sha256: str | None
    description: str


_CENSUS = "https://www2.census.gov/geo/tiger"

#: Every source file, keyed by :attr:`Source.key`. The one place that names URLs.
SOURCES: dict[str, Source] = {
    s.key: s
    for s in (
        Source(
            "unsd",
            "cb_2021_06_unsd_500k.zip",
            f"{_CENSUS}/GENZ2021/shp/cb_2021_06_unsd_500k.zip",
            "35d0fb7b9b7954d6bc4fdd568a29fff1d502ed382f811e687553df80211b95e4",
            "Census 2021 cartographic boundaries, California unified school districts",
        ),
        Source(
            "elsd",
            "cb_2021_06_elsd_500k.zip",
            f"{_CENSUS}/GENZ2021/shp/cb_2021_06_elsd_500k.zip",
            "676200b0267b115d948d65a5875964f008c30574e3223e56f7838f53fe27b05b",
            "Census 2021 cartographic boundaries, California elementary school "
            "districts",
        ),
        Source(
            "scsd",
            "cb_2021_06_scsd_500k.zip",
            f"{_CENSUS}/GENZ2021/shp/cb_2021_06_scsd_500k.zip",
            "83231bf049c77334e0570075dfb28a0a917ebabb3ff61df55613b6bb700b0a7c",
            "Census 2021 cartographic boundaries, California secondary (high "
            "school) districts",
        ),
        Source(
            "county",
            "cb_2020_us_county_5m.zip",
            f"{_CENSUS}/GENZ2020/shp/cb_2020_us_county_5m.zip",
            "187e7118304428e5450083beb375e67c2c516c58a01ce52db95aaf24f18df3ba",
            "Census 2020 cartographic boundaries, US counties 1:5,000,000",
        ),
        Source(
            "cde_districts",
            "DistrictAreas1819.csv",
            "https://services3.arcgis.com/fdvHcZVgB2QSRNkL/arcgis/rest/services/"
            "DistrictAreas1819/FeatureServer/0/query?where=1%3D1&outFields=*&f=csv",
            None,
            "CDE California School District Areas 2018-19, attribute table",
        ),
        Source(
            "cde_directory",
            "pubdistricts.txt",
            "https://www.cde.ca.gov/schooldirectory/report?rid=dl2&tp=txt",
            None,
            "CDE Public Districts directory (districts and COEs, lat/lon)",
        ),
    )
}


def geodata_override_dir() -> Path | None:
    """Folder named by ``LMI_GEODATA_DIR``, or ``None`` when it is unset.

    Raises
    ------
    SourceError
        If the variable is set but names no existing folder.
    """
    value = os.environ.get("LMI_GEODATA_DIR", "").strip()
    if not value:
        return None
    path = Path(value).expanduser().resolve()
    if not path.is_dir():
        raise SourceError(
            f"LMI_GEODATA_DIR is set to {value!r}, which is not a folder. "
            "Point it at a folder holding the published source files, or unset it "
            "to download them."
        )
    return path


def cache_dir() -> Path:
    """The download and derived-data cache folder (created if missing).

    ``LMI_CACHE_DIR`` when set, else ``platformdirs.user_cache_dir("lmi-dashboard")``.
    """
    value = os.environ.get("LMI_CACHE_DIR", "").strip()
    if value:
        path = Path(value).expanduser()
    else:
        path = Path(platformdirs.user_cache_dir("lmi-dashboard", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


@cache
def _find_in_override(root: Path, filename: str) -> Path | None:
    direct = root / filename
    if direct.is_file():
        return direct
    for found in sorted(root.rglob(filename)):
        if found.is_file():
            return found
    return None


def missing_sources() -> list[str]:
    """Keys of :data:`SOURCES` that are neither in ``LMI_GEODATA_DIR`` nor in
    the cache (what a first start downloads), in :data:`SOURCES` order."""
    root = geodata_override_dir()
    missing = []
    for key, source in SOURCES.items():
        if root is not None and _find_in_override(root, source.filename):
            continue
        if not (cache_dir() / "sources" / source.filename).is_file():
            missing.append(key)
    return missing


def fetch(
    key: str, *, download: bool = True, progress: ByteProgress | None = None
) -> Path:
    """Path of a source file on disk, obtaining it if needed.

    Parameters
    ----------
    key : str
        A key of :data:`SOURCES` (``"unsd"``, ``"elsd"``, ``"scsd"``, ``"county"``,
        ``"cde_districts"``, ``"cde_directory"``).
    download : bool, default True
        Download from the publisher when the file is neither in
        ``LMI_GEODATA_DIR`` nor in the cache. With ``False`` a missing file raises.
    progress : callable, optional
        ``progress(bytes_done, bytes_total)`` while downloading (``bytes_total``
        is None when the publisher does not say); not called otherwise.

    Returns
    -------
    pathlib.Path
        Local path of the verified file.

    Raises
    ------
    KeyError
        If ``key`` is not a known source.
    SourceError
        If the file is missing and cannot be downloaded, or its SHA-256 differs
        from the pinned one (the message names the file and both hashes).
    """
    source = SOURCES[key]
    root = geodata_override_dir()
    if root is not None:
        found = _find_in_override(root, source.filename)
        if found is not None:
            _verify(found, source)
            return found
    cached = cache_dir() / "sources" / source.filename
    if cached.is_file():
        return cached
    if not download:
        where = f"LMI_GEODATA_DIR ({root}) or " if root else ""
        raise SourceError(
            f"{source.filename} ({source.description}) is not in {where}the cache "
            f"({cached.parent}), and downloading is off."
        )
    return _download(source, cached, progress)


def _verify(path: Path, source: Source) -> None:
    if source.sha256 is None:
        return
    actual = pooch.file_hash(str(path), alg="sha256")
    if actual != source.sha256:
        raise SourceError(
            f"{path} does not match the published {source.filename}: SHA-256 is "
            f"{actual}, expected {source.sha256}. Replace it with the file from "
            f"{source.url}."
        )


class ResumableDownloader:
    """A :mod:`pooch` downloader that can resume an interrupted download.

    Pooch (1.8) downloads into a fresh temporary file each time and deletes it
    when the transfer fails, so a 100 MB county file cut at 90 MB starts again
    from zero; it has no resume (measured: a cut transfer leaves nothing). This
    downloader keeps the bytes in ``part`` across runs and asks for the rest
    with ``Range: bytes=<size>-`` and ``If-Range`` (the ETag or Last-Modified
    the publisher gave), so the publisher sends either the rest (206) or, if
    the file changed or it cannot resume, the whole file (200), which then
    replaces the partial bytes. Pooch still checks the hash and moves the file
    into place.

    Parameters
    ----------
    part : pathlib.Path
        Where the partial bytes live (``<file>.part``); a ``.json`` beside it
        holds the URL and validators.
    progress : callable, optional
        ``progress(bytes_done, bytes_total_or_None)`` after every chunk.
    timeout : float, default 60
        Seconds to wait for the publisher to connect or send more bytes.

    Attributes
    ----------
    resumed_from : int
        Bytes that were already there when the last call started (0: fresh).
    """

    CHUNK = 1 << 16

    def __init__(
        self, part: Path, progress: ByteProgress | None = None, timeout: float = 60
    ) -> None:
        self.part = Path(part)
        self.meta = self.part.with_name(self.part.name + ".json")
        self.progress = progress
        self.timeout = timeout
        self.resumed_from = 0

    def discard(self) -> None:
        """Forget the partial bytes (the next call starts from zero)."""
        self.part.unlink(missing_ok=True)
        self.meta.unlink(missing_ok=True)

    def _validators(self, url: str) -> dict:
        try:
            meta = json.loads(self.meta.read_text())
        except (OSError, ValueError):
            return {}
        return meta if meta.get("url") == url else {}

    def __call__(self, url: str, output_file: str, pooch_obj: object = None) -> None:
        """Download ``url`` (resuming ``part``) and move it to ``output_file``.

        Raises
        ------
        requests.RequestException
            The publisher is unreachable, answers with an error, or the transfer
            stops early (the bytes so far stay in ``part`` for the next call).
        """
        meta = self._validators(url)
        offset = self.part.stat().st_size if self.part.is_file() and meta else 0
        validator = meta.get("etag") or meta.get("last_modified")
        headers = {}
        if offset and validator:
            headers = {"Range": f"bytes={offset}-", "If-Range": validator}
        else:
            offset = 0
        with requests.get(url, headers=headers, stream=True, timeout=self.timeout) as r:
            if r.status_code == 416:  # nothing left to send: start again cleanly
                self.discard()
                return self(url, output_file, pooch_obj)
            r.raise_for_status()
            if r.status_code != 206:
                offset = 0  # the whole file: the partial bytes are replaced
            length = r.headers.get("Content-Length")
            total = offset + int(length) if length is not None else None
            self.resumed_from = offset
            self.meta.write_text(
                json.dumps(
                    {
                        "url": url,
                        "etag": r.headers.get("ETag"),
                        "last_modified": r.headers.get("Last-Modified"),
                    }
                )
            )
            done = offset
            with open(self.part, "ab" if offset else "wb") as out:
                if self.progress is not None:
                    self.progress(done, total)
                for chunk in r.iter_content(self.CHUNK):
                    out.write(chunk)
                    done += len(chunk)
                    if self.progress is not None:
                        self.progress(done, total)
            if total is not None and done < total:
                raise requests.ConnectionError(
                    f"the transfer stopped at {done:,} of {total:,} bytes"
                )
        os.replace(self.part, output_file)
        self.meta.unlink(missing_ok=True)


#: Environment variable naming a mirror: a base URL under which the published
#: files are found by their published names (a county office's copy, an
#: air-gapped server's); pinned hashes are checked as for the publishers.
ENV_MIRROR = "LMI_SOURCES_MIRROR"


def download_url(source: Source) -> str:
    """Where :func:`fetch` downloads ``source`` from: ``$LMI_SOURCES_MIRROR``
    + its published file name when the variable is set, else its publisher URL.

    Examples
    --------
    >>> import os
    >>> os.environ.pop("LMI_SOURCES_MIRROR", None) and None
    >>> download_url(SOURCES["scsd"]) == SOURCES["scsd"].url
    True
    """
    mirror = os.environ.get(ENV_MIRROR, "").strip()
    if mirror:
        return mirror.rstrip("/") + "/" + source.filename
    return source.url


def _download(
    source: Source, target: Path, progress: ByteProgress | None = None
) -> Path:
    source = replace(source, url=download_url(source))
    target.parent.mkdir(parents=True, exist_ok=True)
    known_hash = f"sha256:{source.sha256}" if source.sha256 else None
    part = target.with_name(target.name + ".part")
    downloader = ResumableDownloader(part, progress)
    # one process downloads a file at a time; the others wait and then find it
    with filelock.FileLock(str(target) + ".lock"):
        if target.is_file():
            return target
        retrieve = partial(
            pooch.retrieve,
            url=source.url,
            known_hash=known_hash,
            fname=source.filename,
            path=target.parent,
            downloader=downloader,
        )
        try:
            try:
                fetched = retrieve()
            except ValueError:
                if not downloader.resumed_from:
                    raise
                # resumed bytes that do not add up: once more from zero
                downloader.discard()
                fetched = retrieve()
        except ValueError as exc:  # pooch raises ValueError on a hash mismatch
            downloader.discard()
            raise SourceError(
                f"Downloaded {source.filename} from {source.url} but its SHA-256 "
                f"does not match the pinned value: {exc}"
            ) from exc
        except Exception as exc:  # network errors come in many types
            got = part.stat().st_size if part.is_file() else 0
            kept = (
                f" The {got:,} bytes received are kept in {part} and the next "
                "start resumes from there."
                if got
                else ""
            )
            raise SourceError(
                f"Could not download {source.filename} ({source.description}) "
                f"from {source.url}: {exc}.{kept} With no internet, set "
                "LMI_GEODATA_DIR to a folder holding the published files."
            ) from exc
    return Path(fetched)
