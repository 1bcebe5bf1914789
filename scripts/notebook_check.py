#!/usr/bin/env python3
"""Runs the python code blocks of examples/notebook.md and of README.md's notebook section
against outputs made fresh by the assess example: the default scenario (out/) and a variant
without the cyber insurance control (variant/), in a temporary directory. matplotlib uses the
Agg backend; the PNGs the blocks save are checked to exist and to be non-empty.

usage: python3 scripts/notebook_check.py     (needs pandas and matplotlib; honours CARGO_TARGET_DIR)
Exit status: 0 every block ran, 1 a block failed, 2 a tool is missing or failed.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRIALS = "5000"  # the figures do not matter here, only that the code runs on real files


def fail(message, status=1):
    print(f"notebook_check: {message}", file=sys.stderr)
    sys.exit(status)


def python_blocks(text):
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def readme_section(text):
    start = text.index("### 4. In a notebook")
    rest = text[text.index("\n", start) + 1:]  # after the heading line
    end = re.search(r"^#{1,3} ", rest, flags=re.M)
    return rest[: end.start()] if end else rest


def assess(args, json_out):
    cmd = ["cargo", "run", "--quiet", "--release", "--example", "assess", "--", *args, "--json"]
    with open(json_out, "w") as out:
        if subprocess.run(cmd, cwd=ROOT, stdout=out).returncode != 0:
            fail(f"assess failed: {' '.join(args)}", 2)


def main():
    try:
        import matplotlib  # noqa: F401
        import pandas  # noqa: F401
    except ImportError as e:
        fail(f"{e}: install pandas and matplotlib (Debian: python3-pandas python3-matplotlib)", 2)
    os.environ["MPLBACKEND"] = "Agg"
    work = Path(tempfile.mkdtemp(prefix="csfquant-notebook-"))
    (work / "out").mkdir()
    (work / "variant").mkdir()
    assess(["--trials", TRIALS, "--csv", str(work / "out"), "--svg", str(work / "out")],
           work / "out" / "report.json")
    scenario = tomllib.loads((ROOT / "examples/data/default.toml").read_text())
    scenario["controls"] = [c for c in scenario["controls"] if c["id"] != "cyber_insurance"]
    variant = work / "no_insurance.json"
    variant.write_text(json.dumps(scenario))
    assess([str(variant), "--trials", TRIALS, "--csv", str(work / "variant")],
           work / "variant" / "report.json")

    sources = [
        ("examples/notebook.md", python_blocks((ROOT / "examples/notebook.md").read_text())),
        ("README.md, In a notebook", python_blocks(readme_section((ROOT / "README.md").read_text()))),
    ]
    os.chdir(work)
    for name, blocks in sources:
        if not blocks:
            fail(f"{name}: no python block found")
        namespace = {"__name__": "__notebook__"}
        for k, code in enumerate(blocks, 1):
            before = set(work.glob("*.png"))
            try:
                exec(compile(code, f"{name} block {k}", "exec"), namespace)
            except Exception as e:  # report which block, then fail
                import traceback
                traceback.print_exc()
                fail(f"{name}, block {k} failed: {e!r}")
            for png in set(work.glob("*.png")) - before:
                if png.stat().st_size < 1000:
                    fail(f"{name}, block {k}: {png.name} is nearly empty")
        print(f"notebook_check: {name}: {len(blocks)} blocks ran")
    pngs = sorted(p.name for p in work.glob("*.png"))
    print(f"notebook_check: ok; PNGs in {work}: {', '.join(pngs)}")


if __name__ == "__main__":
    main()
