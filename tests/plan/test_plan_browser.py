"""The HTML plan in a real browser, and the Markdown plan's Mermaid in Mermaid's own parser.

Slow (a browser, an npm install), so they run only with `AKSNETLINT_BROWSER_TESTS=1`
(`.ci/run` sets it). Headless Chromium is Debian's `chromium`: installed with apt-get when it
is missing and we are root, else the test skips and says why. The screenshot test renders
the plan of `examples/`, checks that the page shows every VNet and the overlaps and logs no
console message, and writes the picture the README shows (`docs/plan-examples.png`) when
`AKSNETLINT_UPDATE_SCREENSHOT=1`. The Mermaid test installs the `mermaid` npm package (and
jsdom, which its parser needs under node) into a cache folder and parses every diagram.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

import pytest

from aksnetlint.lint import Options
from aksnetlint.plan import render, scan_plan
from conftest import REPO

pytestmark = pytest.mark.skipif(
    os.environ.get("AKSNETLINT_BROWSER_TESTS") != "1",
    reason="browser and Mermaid-parser tests are slow: set AKSNETLINT_BROWSER_TESTS=1 "
           "(.ci/run does)")

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]
PICTURE = REPO / "docs" / "plan-examples.png"
OVERLAP_RED = (0xC6, 0x28, 0x28)


def chromium() -> str:
    """The Chromium executable, installed with apt-get when missing (as root)."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip("chromium is not installed and cannot be installed here (not root, or "
                    "no apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], check=True, env=env,
                       capture_output=True, timeout=900)
    except (subprocess.SubprocessError, OSError) as exc:
        pytest.skip(f"chromium could not be installed with apt-get: {exc}")
    found = shutil.which("chromium")
    if found is None:
        pytest.skip("apt-get installed no chromium executable")
    return found


def run_chromium(url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    profile = tempfile.mkdtemp(prefix="aksnetlint-chromium-")
    try:
        return subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                               *extra, url], capture_output=True, text=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def console_messages(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of RGB(A) bytes of an 8-bit, non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, [], b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width, height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
    channels = 4 if colour == 6 else 3
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + predictor) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def count_colour(data: bytes, colour: tuple[int, int, int], tolerance: int = 24) -> int:
    width, height, rows = png_pixels(data)
    channels = len(rows[0]) // width
    found = 0
    for row in rows:
        for i in range(0, len(row), channels):
            if all(abs(row[i + c] - colour[c]) <= tolerance for c in range(3)):
                found += 1
    return found


@pytest.fixture(scope="module")
def plan_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    shutil.copytree(REPO / "examples", root / "examples")
    estate, result = scan_plan([root / "examples"], Options(root=root))
    assert not result.errors
    page = root / "plan.html"
    page.write_text(render(estate, "html"), encoding="utf-8")
    return page


def test_console_messages_are_seen(tmp_path: Path) -> None:
    """The check below means something: a page that logs is caught."""
    control = tmp_path / "control.html"
    control.write_text("<!DOCTYPE html><p>x</p><script>console.error('control-42');"
                       "missing();</script>")
    logged = console_messages(run_chromium(control.as_uri(), "--dump-dom").stderr)
    assert any("control-42" in line for line in logged)
    assert any("missing is not defined" in line for line in logged)


def test_plan_page_in_chromium(plan_page: Path, tmp_path: Path) -> None:
    dom = run_chromium(plan_page.as_uri(), "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert console_messages(dom.stderr) == []
    rendered = dom.stdout
    for name in ("vnet-hub-westeurope", "vnet-aks-dev", "vnet-aks-prod", "vnet-aks-tools",
                 "vnet-aks-analytics", "vnet-payments-prod", "vnet-aks-insights",
                 "aks-vnet-31415926", "vnet-reporting"):
        assert f"VNet {name}</text>" in rendered, name  # drawn in a topology
    assert rendered.count('class="bar overlap"') >= 8
    shot = tmp_path / "plan.png"
    result = run_chromium(plan_page.as_uri(), "--window-size=1400,1250",
                          f"--screenshot={shot}")
    assert result.returncode == 0 and shot.is_file(), result.stderr[-2000:]
    assert console_messages(result.stderr) == []
    data = shot.read_bytes()
    width, height, _rows = png_pixels(data)
    assert (width, height) == (1400, 1250)
    # the overlaps are on screen: red outlines of the hub, the clusters and the bars
    assert count_colour(data, OVERLAP_RED) > 2000
    if os.environ.get("AKSNETLINT_UPDATE_SCREENSHOT") == "1":
        PICTURE.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, PICTURE)
    assert PICTURE.is_file(), "docs/plan-examples.png: run with AKSNETLINT_UPDATE_SCREENSHOT=1"


def test_mermaid_parses_every_diagram(tmp_path: Path) -> None:
    """Mermaid's own parser (the npm package, under node with jsdom) accepts every diagram of
    the plan of examples/ and of the network rules' fixtures."""
    from test_plan import mermaid_blocks

    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed to run Mermaid's parser")
    cache = Path(os.environ.get("AKSNETLINT_NODE_CACHE",
                                Path(tempfile.gettempdir()) / "aksnetlint-mermaid"))
    if not (cache / "node_modules" / "mermaid").is_dir():
        cache.mkdir(parents=True, exist_ok=True)
        try:
            subprocess.run([npm, "install", "--prefix", str(cache), "--no-audit", "--no-fund",
                            "--loglevel=error", "mermaid@11", "jsdom@24"], check=True,
                           capture_output=True, timeout=600)
        except (subprocess.SubprocessError, OSError) as exc:
            pytest.skip(f"the mermaid npm package could not be installed: {exc}")
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    for rule in ("AKS205", "AKS209"):
        shutil.copytree(REPO / "tests" / "fixtures" / rule, tmp_path / "fixtures" / rule)
    diagrams = []
    for target in (tmp_path / "examples", tmp_path / "fixtures"):
        estate, _result = scan_plan([target], Options(root=tmp_path, jobs=1))
        diagrams += mermaid_blocks(render(estate, "markdown"))
    assert len(diagrams) > 20
    (tmp_path / "diagrams.json").write_text(json.dumps(diagrams))
    script = tmp_path / "parse.mjs"
    script.write_text(f"""
import {{ readFileSync }} from "node:fs";
import {{ createRequire }} from "node:module";
const require = createRequire({json.dumps(str(cache / "package.json"))});
const {{ JSDOM }} = require("jsdom");
const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window; globalThis.document = dom.window.document;
const mermaid = (await import({json.dumps((cache / "node_modules" / "mermaid" / "dist" /
                                            "mermaid.core.mjs").as_uri())})).default;
const diagrams = JSON.parse(readFileSync({json.dumps(str(tmp_path / "diagrams.json"))}));
let failed = 0;
for (const [i, text] of diagrams.entries()) {{
  try {{ await mermaid.parse(text); }}
  catch (e) {{ failed++; console.log(`diagram ${{i}}: ${{e.message}}`); }}
}}
try {{ await mermaid.parse("flowchart LR\\n  a[[[ --> "); failed++; }}
catch (e) {{ }}  // garbage is refused: the parser is really parsing
console.log(`parsed ${{diagrams.length}}, failed ${{failed}}`);
process.exit(failed ? 1 : 0);
""")
    result = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert f"parsed {len(diagrams)}, failed 0" in result.stdout
