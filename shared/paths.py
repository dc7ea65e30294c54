"""Where the project's own data files live, found relative to the source tree."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = PROJECT_ROOT / "config"
EXAMPLES_DIR = PROJECT_ROOT / "examples"
