"""The HCL grammar is never loaded from a pickle, and its cache is trusted only when private.

A planted pickle payload (made here) sits at every place an older aksnetlint, python-hcl2 or
Lark looked for a compiled grammar; scanning Terraform must never execute it, with or without
`--no-cache`.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from aksnetlint.user_cache import PrivateStore

POSIX = hasattr(os, "geteuid")


class _Payload:
    """Unpickling this creates `marker`: proof that a cache file was executed."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def _plant(path: Path, marker: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Lark's cache format: a hash line, then pickles (read before the hash is compared)
    path.write_bytes(b"0" * 64 + b"\n" + pickle.dumps(_Payload(marker)) * 2)


_SCAN = r"""
import pickle, sys
calls = []
def refuse(*args, **kwargs):
    calls.append(args)
    raise RuntimeError("pickle used")
pickle.load = pickle.loads = refuse
class NoUnpickler:
    def __init__(self, *args, **kwargs):
        refuse()
pickle.Unpickler = NoUnpickler
import hcl2.parser
hcl2.parser.PARSER_FILE = sys.argv[1]   # where python-hcl2 looks by default (a writable site)
from aksnetlint.cli import main
print("exit", main(["scan", *sys.argv[2:]]))
print("pickle calls", len(calls))
"""


@pytest.mark.parametrize("no_cache", [False, True])
def test_planted_pickles_are_never_executed(tmp_path: Path, no_cache: bool) -> None:
    import hcl2

    marker = tmp_path / "EXECUTED"
    cache = Path(os.environ["AKSNETLINT_CACHE_DIR"])  # the session's (warm) cache folder
    temp = tmp_path / "tmp"
    version = getattr(hcl2, "__version__", "x")
    tag = f"py{sys.version_info[0]}{sys.version_info[1]}"
    planted = [
        cache / f"hcl2-{version}-{tag}.lark",                      # aksnetlint 0.1.0
        temp / "aksnetlint-cache" / f"hcl2-{version}-{tag}.lark",  # its shared-temp fallback
        tmp_path / "site-packages" / "hcl2" / ".lark_cache.bin",  # python-hcl2's default
    ]
    # Lark's own `cache=True` file names under the temporary folder
    planted += [temp / f".lark_cache_{user}_{'0' * 64}_{sys.version_info[0]}_"
                       f"{sys.version_info[1]}.tmp" for user in ("root", "user", "unknown")]
    for path in planted:
        _plant(path, marker)
    module = tmp_path / "module"
    module.mkdir()
    (module / "main.tf").write_text('variable "x" {\n  default = "10.0.0.0/16"\n}\n',
                                    encoding="utf-8")
    env = dict(os.environ, TMPDIR=str(temp), TEMP=str(temp), TMP=str(temp))
    args = [sys.executable, "-c", _SCAN, str(planted[2]), str(module)]
    if no_cache:
        args.append("--no-cache")
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert "exit 0" in result.stdout, result.stdout + result.stderr
    assert "pickle calls 0" in result.stdout, result.stdout + result.stderr
    assert not marker.exists()
    for path in planted:  # left alone: neither read nor replaced
        assert path.read_bytes().startswith(b"0" * 64)


def test_store_round_trip_and_tampering(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKSNETLINT_CACHE_DIR", str(tmp_path / "cache"))
    store = PrivateStore("grammar")
    assert store.available
    assert store.write("doc.tables", {"a": [1, 2]})
    assert store.read("doc.tables") == {"a": [1, 2]}
    folder = tmp_path / "cache" / "grammar"
    if POSIX:
        assert folder.stat().st_mode & 0o777 == 0o700
        assert (folder / "doc.tables").stat().st_mode & 0o777 == 0o600
    path = folder / "doc.tables"
    digest, _, payload = path.read_bytes().partition(b"\n")
    path.write_bytes(digest + b"\n" + payload.replace(b"1", b"7"))
    assert store.read("doc.tables") is None  # edited: not trusted
    path.write_bytes(b"garbage")
    assert store.read("doc.tables") is None
    assert store.read("missing.tables") is None
    store.close()


@pytest.mark.skipif(not POSIX, reason="file ownership and modes are POSIX")
def test_store_refuses_folders_and_files_others_can_write(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKSNETLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    store = PrivateStore("grammar")
    assert store.write("doc.tables", {"a": 1})
    store.close()
    folder = tmp_path / "cache" / "grammar"
    path = folder / "doc.tables"

    path.chmod(0o666)  # a file others can write
    store = PrivateStore("grammar")
    assert store.read("doc.tables") is None
    store.close()
    path.chmod(0o600)

    link = folder / "link.tables"
    link.symlink_to(path)  # a link is never followed
    store = PrivateStore("grammar")
    assert store.read("doc.tables") == {"a": 1}
    assert store.read("link.tables") is None
    store.close()

    folder.chmod(0o777)  # a folder others can enter and write: the cache folder is not used
    store = PrivateStore("grammar")
    assert store.read("doc.tables") is None
    # the per-user fallback under the temporary folder is private and used instead
    assert store.write("doc.tables", {"b": 2})
    assert store.read("doc.tables") == {"b": 2}
    store.close()
    fallback = tmp_path / "tmp" / f"aksnetlint-{os.geteuid()}" / "grammar"
    assert fallback.stat().st_mode & 0o777 == 0o700
    folder.chmod(0o700)

    # a folder replaced by a link to someone else's folder is not used either
    other = tmp_path / "other"
    other.mkdir(mode=0o700)
    folder.rename(tmp_path / "moved")
    folder.symlink_to(other)
    fallback.chmod(0o777)
    store = PrivateStore("grammar")
    assert not store.available
    assert not store.write("doc.tables", {"c": 3})
    store.close()
    fallback.chmod(0o700)


_REBUILD = r"""
from aksnetlint.parsers.terraform import parse_terraform
print(sorted(parse_terraform('a = [1, 2]\n', 'x.tf').body.attributes))
"""


def test_a_damaged_grammar_cache_is_rebuilt(tmp_path: Path) -> None:
    env = dict(os.environ, AKSNETLINT_CACHE_DIR=str(tmp_path / "cache"))
    first = subprocess.run([sys.executable, "-c", _REBUILD], env=env, capture_output=True,
                           text=True, timeout=300)
    assert first.stdout.strip() == "['a']", first.stderr
    tables = sorted((tmp_path / "cache" / "grammar").glob("*.tables"))
    assert len(tables) == 1
    tables[0].write_bytes(b"not a grammar")
    second = subprocess.run([sys.executable, "-c", _REBUILD], env=env, capture_output=True,
                            text=True, timeout=300)
    assert second.stdout.strip() == "['a']", second.stderr
    assert tables[0].read_bytes() != b"not a grammar"
