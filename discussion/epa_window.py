"""The one-month EPA window: every component is taken within a month of the period's start."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(start: date, months: int = 1) -> date:
    """The same day `months` later; a day the later month lacks becomes its last day.

    31 January + 1 month = 28 (or 29) February; 15 March + 1 month = 15 April.
    """
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def check_window(text: str, today: date) -> tuple[date | None, str]:
    """Parse the EPA window start; (start, "") when today falls in [start, start + 1 month]."""
    value = text.strip()
    if not value:
        return None, "the EPA window start date is empty (YYYY-MM-DD)"
    try:
        start = date.fromisoformat(value)
    except ValueError:
        return None, f"{value!r} is not a date: write it as YYYY-MM-DD, e.g. {today.isoformat()}"
    end = add_months(start)
    if today < start:
        return None, (
            f"the window starts on {start.isoformat()}, after today ({today.isoformat()}): "
            "the discussion cannot come before the EPA period"
        )
    if today > end:
        return None, (
            f"the window ended on {end.isoformat()} (one month after {start.isoformat()}): "
            f"today ({today.isoformat()}) is outside it"
        )
    return start, ""
