"""Korean: "2023년 10월 6일", and "2023년 10월 6일 (금)" over a day of the timeline."""

DATE_FORMAT = "Y년 n월 j일"
DATETIME_FORMAT = "Y년 n월 j일 H:i"
SHORT_DATE_FORMAT = "Y. n. j."
SHORT_DATETIME_FORMAT = "Y. n. j. H:i"
MONTH_DAY_FORMAT = "n월 j일"
YEAR_MONTH_FORMAT = "Y년 n월"
# The timeline's own (photos/web/dates.py).
DAY_HEADING_FORMAT = "Y년 n월 j일 (D)"
DAY_SPOKEN_FORMAT = "Y년 n월 j일 l"
DAY_SHORT_FORMAT = "n월 j일"
# A photo's time: these words of its day, then the 24-hour clock ("14:15").
TAKEN_DAY_FORMAT = "Y년 n월 j일 l"
MONTH_LABEL_FORMAT = "Y년 n월"
# "D" as Koreans abbreviate a weekday: one syllable (Django's catalogue has "금요일").
WEEKDAY_ABBREVIATIONS = ("월", "화", "수", "목", "금", "토", "일")
TIME_FORMAT = "H:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
