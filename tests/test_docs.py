"""The README cannot drift from the code: every project command and import format is documented."""

from pathlib import Path

from django.conf import settings

from rasd.imports.models import ImportSource

ROOT = Path(settings.BASE_DIR)
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_starts_with_the_two_commands():
    first_block = README.split("```sh", 1)[1].split("```", 1)[0]
    assert "make run" in first_block and "make test" in first_block


def test_every_management_command_of_the_project_is_in_the_readme():
    commands = [p.stem for p in ROOT.glob("rasd/*/management/commands/*.py") if not p.stem.startswith("_")]
    assert commands
    assert [c for c in commands if f"manage.py {c}" not in README] == []


def test_every_import_format_is_in_the_readme():
    assert [s for s in ImportSource.values if f"| `{s}` |" not in README] == []
