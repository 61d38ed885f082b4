"""A small hand-made dataset whose counts are worked out by hand in the tests."""

from __future__ import annotations

from datetime import date

from docketwatch.contract import CaseEvent, DecisionClass, EventType

from .factories import make_event

V = DecisionClass.VERDICT
OTHER_COURT = "27GV0001"  # Хабаровский ГВС, Хабаровский край


def hand_dataset() -> list[CaseEvent]:
    r, d = EventType.RECEIVED, EventType.DECIDED
    return [
        # A: 337, July, sentenced in September
        make_event("1-1/2024", observed="2024-07-10T09:00:00", receipt=date(2024, 7, 3),
                   event_type=r),
        make_event("1-1/2024", observed="2024-09-20T09:00:00", receipt=date(2024, 7, 3),
                   decision=date(2024, 9, 2), decision_class=V, event_type=d),
        # B: two defendants, 337 and 337+338; returned to the prosecutor in October
        make_event("1-2/2024", observed="2024-07-20T09:00:00", receipt=date(2024, 7, 15),
                   arts=[["337"], ["337", "338"]], event_type=r),
        make_event("1-2/2024", observed="2024-10-05T09:00:00", receipt=date(2024, 7, 15),
                   arts=[["337"], ["337", "338"]], decision=date(2024, 10, 1),
                   decision_class=DecisionClass.RETURNED_TO_PROSECUTOR, event_type=d),
        # C: 332 in another court, August, sentenced in September
        make_event("1-3/2024", court=OTHER_COURT, observed="2024-08-05T09:00:00",
                   receipt=date(2024, 8, 1), arts=[["332"]], event_type=r),
        make_event("1-3/2024", court=OTHER_COURT, observed="2024-09-12T09:00:00",
                   receipt=date(2024, 8, 1), arts=[["332"]], decision=date(2024, 9, 10),
                   decision_class=V, event_type=d),
        # D: one defendant charged under 337 and 105 (refusal and other)
        make_event("1-4/2024", observed="2024-07-25T09:00:00", receipt=date(2024, 7, 20),
                   arts=[["337", "105"]], event_type=r),
        # E: not a military crime
        make_event("1-5/2024", observed="2024-07-06T09:00:00", receipt=date(2024, 7, 5),
                   arts=[["205.1"]], event_type=r),
        # F: other chapter-33 article, June
        make_event("1-6/2024", observed="2024-07-01T09:00:00", receipt=date(2024, 6, 30),
                   arts=[["334"]], event_type=r),
        # G: no article parsed
        make_event("1-7/2024", observed="2024-07-02T09:00:00", receipt=date(2024, 7, 1),
                   arts=[], event_type=r),
        # H: no receipt date: counted in no month
        make_event("1-8/2024", observed="2024-07-03T09:00:00", receipt=None, event_type=r),
        # I: receipt date corrected later from 31 July to 1 August: a late event moves it
        make_event("1-9/2024", observed="2024-08-02T09:00:00", receipt=date(2024, 7, 31),
                   event_type=r),
        make_event("1-9/2024", observed="2024-08-10T09:00:00", receipt=date(2024, 8, 1),
                   event_type=EventType.RE_RECEIVED),
        # J: 338 in 2023, sentenced in December 2023
        make_event("1-10/2023", observed="2023-12-05T09:00:00", receipt=date(2023, 5, 10),
                   arts=[["338"]], decision=date(2023, 12, 1), decision_class=V, event_type=d),
        # K: 337 received before 24 Feb 2022
        make_event("1-11/2022", observed="2022-02-01T09:00:00", receipt=date(2022, 1, 15),
                   event_type=r),
    ]
