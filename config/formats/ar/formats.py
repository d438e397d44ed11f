# Django's Arabic formats give dates but no date-and-time formats, so times fall back to the English order
# ("نوفمبر 29, 2026"). These follow the Arabic date formats Django does give (day, month, year).
DATETIME_FORMAT = "j F، Y، H:i"
SHORT_DATETIME_FORMAT = "d\u200f/m\u200f/Y H:i"
TIME_FORMAT = "H:i"
