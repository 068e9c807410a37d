"""Copy the front-end packages installed from the npm registry (frontend/node_modules) into
dianpu/static/vendor/, where Django's static files find them. Run by `make install`."""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "frontend" / "node_modules"
VENDOR = ROOT / "dianpu" / "static" / "vendor"
ASSETS = {
    "htmx.org/dist/htmx.min.js": "htmx.min.js",
    "echarts/dist/echarts.min.js": "echarts.min.js",
}


def main() -> int:
    VENDOR.mkdir(parents=True, exist_ok=True)
    for source, target in ASSETS.items():
        path = MODULES / source
        if not path.exists():
            print(f"missing {path}: run `npm ci --prefix frontend` first", file=sys.stderr)
            return 1
        shutil.copyfile(path, VENDOR / target)
    print(f"front-end assets copied to {VENDOR.relative_to(ROOT)}: {', '.join(ASSETS.values())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
