"""English: "5 Dec 2026", as the timeline's day headings say it ("Sat, 5 Dec 2026")."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "M Y"
# The timeline's own (photos/web/dates.py).
DAY_HEADING_FORMAT = "D, j M Y"
DAY_SPOKEN_FORMAT = "l j F Y"
DAY_SHORT_FORMAT = "j M"  # a day sharing a narrow row
# A photo's time: these words of its day, then the 24-hour clock ("14:15").
TAKEN_DAY_FORMAT = "l j F Y,"
MONTH_LABEL_FORMAT = "F Y"
TIME_FORMAT = "H:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
