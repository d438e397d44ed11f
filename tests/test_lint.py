"""The code passes the project's linter and formatter (settings in pyproject.toml)."""

import subprocess
import sys

from django.conf import settings

PATHS = ["rasd", "config", "tests", "benchmarks"]


def ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, *PATHS], cwd=settings.BASE_DIR, capture_output=True, text=True
    )


def test_the_code_passes_the_linter():
    result = ruff("check", "--output-format", "concise")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_code_is_formatted():
    result = ruff("format", "--check")
    assert result.returncode == 0, result.stdout + result.stderr
