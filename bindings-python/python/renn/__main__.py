"""``python -m renn``: the ``renn`` command line installed with this package.

The wheel ships the native ``renn`` binary as a script (``<name>.data/scripts/renn``),
which pip installs next to ``python`` (``bin/`` or ``Scripts\\``); this finds it and runs
it with the same arguments, so ``python -m renn run-stage 2`` is ``renn run-stage 2``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig


def find_renn_bin() -> str:
    """The path of the ``renn`` binary this package installed."""
    exe = "renn" + (sysconfig.get_config_var("EXE") or "")
    dirs = [sysconfig.get_path("scripts")]
    # pip install --user puts scripts in the user scheme's (get_preferred_scheme: 3.10+).
    if sys.version_info >= (3, 10):
        user_scheme = sysconfig.get_preferred_scheme("user")
    else:
        user_scheme = f"{os.name}_user"
    dirs.append(sysconfig.get_path("scripts", scheme=user_scheme))
    # pip install --target DIR puts scripts in DIR/bin, beside the package.
    dirs.append(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bin"))
    for d in dirs:
        path = os.path.join(d, exe)
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(
        f"the renn command line is not installed with this package (looked in {', '.join(dirs)}); "
        "a wheel from PyPI has it, a build from source (pip install ./bindings-python) does not"
    )


def main() -> None:
    try:
        renn = find_renn_bin()
    except FileNotFoundError as e:
        print(f"renn: {e}", file=sys.stderr)
        sys.exit(1)
    if sys.platform == "win32":
        sys.exit(subprocess.run([renn, *sys.argv[1:]]).returncode)
    os.execv(renn, [renn, *sys.argv[1:]])


if __name__ == "__main__":
    main()
