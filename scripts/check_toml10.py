#!/usr/bin/env python3
"""Checks that the shipped TOML is TOML 1.0, which every TOML reader accepts.

The toml crate reads TOML 1.1 (inline tables spread over several lines, trailing commas in
them), but Python's tomllib and most other readers implement TOML 1.0 and reject it. This parses,
with tomllib (Python 3.11+):

- every examples/data/*.toml file;
- every ```toml block of README.md;
- every ```toml block of each Markdown file given as an argument (e.g. a copy of SCENARIO.md).

It prints one line per file or block and exits with status 1 if any fails to parse.

    python3 scripts/check_toml10.py [MORE.md ...]
"""

import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    sys.exit("check_toml10.py needs Python 3.11 or later (for tomllib)")

ROOT = Path(__file__).resolve().parent.parent
FENCE = "```toml\n"


def toml_blocks(markdown):
    """The ```toml blocks of a Markdown text, in order, with the line each starts on.

    Blocks are found as tests/scenario.rs finds them: from a line "```toml" to the next "```".
    """
    blocks = []
    start = markdown.find(FENCE)
    while start != -1:
        body_start = start + len(FENCE)
        end = markdown.find("```", body_start)
        if end == -1:
            raise ValueError("unterminated ```toml block")
        line = markdown.count("\n", 0, body_start) + 1
        blocks.append((line, markdown[body_start:end]))
        start = markdown.find(FENCE, end + 3)
    return blocks


def shown(path):
    """A path as given, or relative to the repository when it lies inside it."""
    try:
        return path.resolve().relative_to(ROOT)
    except ValueError:
        return path


def check(name, text):
    """Parses one TOML text; prints and returns whether it is valid TOML 1.0."""
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        print(f"FAIL {name}: {e}")
        return False
    print(f"ok   {name}")
    return True


def main(args):
    results = []
    for path in sorted((ROOT / "examples" / "data").glob("*.toml")):
        results.append(check(shown(path), path.read_text(encoding="utf-8")))
    markdown = [ROOT / "README.md"] + [Path(a) for a in args]
    for path in markdown:
        blocks = toml_blocks(path.read_text(encoding="utf-8"))
        if path.name == "README.md" and path.parent == ROOT and not blocks:
            print(f"FAIL {shown(path)}: no ```toml block (the README shows a scenario)")
            results.append(False)
        for line, text in blocks:
            # Lines in tomllib's messages count from the block's first line.
            results.append(check(f"{shown(path)}, ```toml block at line {line}", text))
    failed = results.count(False)
    print(f"{len(results) - failed} of {len(results)} parsed as TOML 1.0")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
