"""Entry point: ``python -m services.fetcher`` (configured by DW_* environment variables)."""

from __future__ import annotations

import asyncio
import logging
import sys

from services.fetcher.service import run
from services.fetcher.settings import FetcherSettings


def main() -> int:
    settings = FetcherSettings()
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    report = asyncio.run(run(settings, force="--force" in sys.argv))
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
