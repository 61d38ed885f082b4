"""The README documents every setting the services read, with its real default."""

from __future__ import annotations

from docketwatch.settings import REPO_ROOT
from launcher.settings_doc import section


def test_readme_settings_table_is_current() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert section() in readme, "run: python -m launcher.settings_doc and paste into README"
