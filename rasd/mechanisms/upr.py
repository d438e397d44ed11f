"""Facts of the Universal Periodic Review calendar, shared by every source that names a UPR session."""

# Year of each session of the UPR Working Group (OHCHR session calendar). Session 36 was postponed from May to
# November 2020. A later session gets no year until it is added here.
SESSION_YEARS = {
    **dict.fromkeys(range(1, 4), 2008),
    **dict.fromkeys(range(4, 7), 2009),
    **dict.fromkeys(range(7, 10), 2010),
    **dict.fromkeys(range(10, 13), 2011),
    **dict.fromkeys(range(13, 15), 2012),
    **dict.fromkeys(range(15, 18), 2013),
    **dict.fromkeys(range(18, 21), 2014),
    **dict.fromkeys(range(21, 24), 2015),
    **dict.fromkeys(range(24, 27), 2016),
    **dict.fromkeys(range(27, 29), 2017),
    **dict.fromkeys(range(29, 32), 2018),
    **dict.fromkeys(range(32, 35), 2019),
    **dict.fromkeys(range(35, 37), 2020),
    **dict.fromkeys(range(37, 40), 2021),
    **dict.fromkeys(range(40, 42), 2022),
    **dict.fromkeys(range(42, 45), 2023),
    **dict.fromkeys(range(45, 48), 2024),
    **dict.fromkeys(range(48, 50), 2025),
}


def session_cycle(session: int) -> int:
    """The UPR cycle of a Working Group session: 12 sessions in the first cycle, 14 in each one since."""
    return 1 if session <= 12 else 2 + (session - 13) // 14
