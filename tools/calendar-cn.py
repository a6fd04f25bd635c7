#!/usr/bin/env python3
"""Generate the default `cn` working-day calendar for rectify.

Reads the State Council holiday arrangements (国务院办公厅关于…部分节假日安排的
通知) as published per year in the holiday-cn JSON files
(https://github.com/NateScarlet/holiday-cn, MIT; one file per year:
{"year", "papers", "days": [{"name", "date", "isOffDay"}]}) and rewrites
the data section of src/sql/24_calendar.sql between the markers

    -- BEGIN cn calendar data (tools/calendar-cn.py)
    -- END cn calendar data

with two statements: one VALUES row per year for rectify.calendar_loads
(the notices' addresses and the number of days), and one VALUES row per
holiday of a year for rectify.calendar_days (its days off and its make-up
working days, 调休).  Only the facts are kept: date, day off or working day,
the holiday's name (normalised: “五一” → 劳动节, “十一” → 国庆节) and the
notice's address.  Years with no days (not yet published) are skipped.

Usage: tools/calendar-cn.py DIR [SQLFILE]     (DIR holds 2007.json ...)
       tools/calendar-cn.py --check DIR [SQLFILE]   exit 1 if out of date
"""
import datetime
import json
import pathlib
import re
import sys

BEGIN = "-- BEGIN cn calendar data (tools/calendar-cn.py)\n"
END = "-- END cn calendar data\n"
NAMES = {"“五一”": "劳动节", "“五一”国际劳动节": "劳动节", "“十一”": "国庆节"}


def quote(s):
    return "'" + s.replace("'", "''") + "'"


def generate(src):
    years, holidays = [], []
    for path in sorted(src.glob("[0-9][0-9][0-9][0-9].json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        year, days = int(data["year"]), data["days"]
        if not days:
            continue
        papers = ", ".join(quote(p) for p in data.get("papers", []))
        years.append(f"  ({year}, ARRAY[{papers}]::text[], {len(days)})")
        # the holidays in the order of their first day; each one's days off
        # and working days in date order
        by_name = {}
        for d in sorted(days, key=lambda d: d["date"]):
            day = datetime.date.fromisoformat(d["date"])
            assert day.year in (year, year - 1), d
            name = NAMES.get(d["name"], d["name"])
            by_name.setdefault(name, ([], []))[0 if d["isOffDay"] else 1].append(str(day))
        for name, (off, work) in by_name.items():
            holidays.append(f"  ({year}, {quote(name)}, '{{{','.join(off)}}}', '{{{','.join(work)}}}')")
    return ("-- One row a year: the notices and how many days they list.  In year\n"
            "-- order, so that the loads' versions follow the years.\n"
            "INSERT INTO rectify.calendar_loads (calendar, year, source, days, loaded_at, loaded_by, seeded)\n"
            "SELECT 'cn', y.year, y.source, y.days, NULL, NULL, true\n"
            "  FROM (VALUES\n" + ",\n".join(years) + "\n"
            "  ) AS y(year, source, days)\n"
            " ORDER BY y.year;\n"
            "-- One row a holiday of a year: its days off and its make-up working\n"
            "-- days (调休).\n"
            "INSERT INTO rectify.calendar_days (version, day, is_off, name)\n"
            "SELECT l.version, d.day, d.is_off, h.name\n"
            "  FROM (VALUES\n" + ",\n".join(holidays) + "\n"
            "  ) AS h(year, name, off_days, work_days)\n"
            "  JOIN rectify.calendar_loads l ON l.calendar = 'cn' AND l.year = h.year\n"
            "  CROSS JOIN LATERAL (SELECT o, true FROM unnest(h.off_days::date[]) AS o\n"
            "                      UNION ALL\n"
            "                      SELECT w, false FROM unnest(h.work_days::date[]) AS w) AS d(day, is_off)\n"
            " ORDER BY l.version, d.day;\n")


def main(argv):
    check = argv[:1] == ["--check"]
    if check:
        argv = argv[1:]
    if not argv or argv[0].startswith("-"):
        sys.exit(__doc__)
    src = pathlib.Path(argv[0])
    if not any(src.glob("*.json")):
        sys.exit(f"{src}: no holiday JSON files (2007.json ...) there")
    sql = pathlib.Path(argv[1] if len(argv) > 1 else
                       pathlib.Path(__file__).resolve().parent.parent / "src/sql/24_calendar.sql")
    text = sql.read_text(encoding="utf-8")
    m = re.search(re.escape(BEGIN) + r"(.*?)" + re.escape(END), text, re.S)
    if not m:
        sys.exit(f"{sql}: markers not found")
    new = text[:m.start(1)] + generate(src) + text[m.end(1):]
    if check:
        sys.exit(0 if new == text else f"{sql}: cn calendar data out of date")
    if new != text:
        sql.write_text(new, encoding="utf-8")
        print(f"{sql}: updated")


if __name__ == "__main__":
    main(sys.argv[1:])
