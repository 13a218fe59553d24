"""Every benchmark script, run once on a tiny size: CI's proof that each still imports and measures.

A bench script is only run by hand, so a refactoring can break it unseen (bench/journal_pdf.py
once stopped at an import moved by a split). Each script with a `__main__` declares the
arguments of its tiny run in a module-level `SMOKE_ARGS` list; this runner reads it without
importing the script (the scripts set Django up on import), runs each in its own process and
fails if one is missing its `SMOKE_ARGS`, exits non-zero or runs past its time limit.

    .venv/bin/python bench/smoke.py [script ...]
"""

import ast
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
TIME_LIMIT = 300  # seconds per script; a tiny run takes a few seconds to a minute


def smoke_args(script: Path) -> list[str] | None:
    """The script's SMOKE_ARGS literal, or None when it declares none."""
    for node in ast.parse(script.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "SMOKE_ARGS" for t in node.targets):
            return ast.literal_eval(node.value)
    return None


def runnable_scripts() -> list[Path]:
    return sorted(
        path
        for path in BENCH.glob("*.py")
        if path.name != Path(__file__).name and 'if __name__ == "__main__":' in path.read_text()
    )


def run(script: Path, args: list[str]) -> tuple[bool, str]:
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, str(script), *args],
            cwd=BENCH.parent,
            env={**os.environ, "PYTHONPATH": str(BENCH.parent)},
            capture_output=True,
            text=True,
            timeout=TIME_LIMIT,
        )
    except subprocess.TimeoutExpired:
        return False, f"still running after {TIME_LIMIT} s"
    elapsed = time.monotonic() - started
    if done.returncode:
        return False, f"exit {done.returncode} after {elapsed:.0f} s\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return True, f"{elapsed:.0f} s"


def main() -> int:
    wanted = set(sys.argv[1:])
    scripts = [s for s in runnable_scripts() if not wanted or s.name in wanted]
    failures = 0
    for script in scripts:
        args = smoke_args(script)
        if args is None:
            ok, said = False, "declares no SMOKE_ARGS (the arguments of its tiny run)"
        else:
            ok, said = run(script, args)
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} bench/{script.name} {' '.join(args or [])}: {said}", flush=True)
    print(f"{len(scripts) - failures} passed, {failures} failed")
    return 1 if failures or not scripts else 0


if __name__ == "__main__":
    sys.exit(main())
