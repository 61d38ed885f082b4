"""Entry point: ``python -m services.dashboard`` (configured by DW_* environment variables)."""

from __future__ import annotations

import asyncio
import logging

from services.dashboard.app import serve
from services.dashboard.settings import DashboardSettings


def main() -> None:
    settings = DashboardSettings()
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
