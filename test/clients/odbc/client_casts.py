"""rectify through ODBC, as Excel and WPS reach it: Debian's psqlODBC driver
("PostgreSQL Unicode", package odbc-postgresql) under unixODBC, driven by
Debian's python3-pyodbc.  Run by test/t/060_client_drivers.pl with the
system interpreter:  /usr/bin/python3 client_casts.py HOST PORT DB

psqlODBC sends bound parameters untyped, so the server infers each type
from where it is used; the driver shows the SQLSTATE and the message (with
its DETAIL) but not the hint.  ODBC has no way to receive NOTIFY: where a
libpq client would LISTEN rectify_escalation, an ODBC client polls
rectify.escalation_history() (and rectify.events) for rows after the last
event_id it saw.

One line per check, "PASS name" or "FAIL name: why"; exit 1 on a failure.
"""
import datetime
import decimal
import sys

import pyodbc

failures = 0


def check(name, ok, why=""):
    global failures
    if ok:
        print("PASS " + name)
    else:
        print("FAIL %s: %s" % (name, why))
        failures += 1


def attempt(name, body):
    try:
        body()
    except pyodbc.Error as e:
        check(name, False, repr(e.args))


def refused(name, cur, sql, params, state, value):
    """a statement refused with this SQLSTATE and a message quoting the value"""
    try:
        cur.execute(sql, *params)
        check(name, False, "accepted " + value)
    except pyodbc.Error as e:
        check(name, e.args[0] == state and ('"%s"' % value) in e.args[1], repr(e.args))


host, port, db = sys.argv[1:4]


def connect(user):
    return pyodbc.connect("DRIVER={PostgreSQL Unicode};SERVER=%s;PORT=%s;DATABASE=%s;UID=%s;PWD="
                          % (host, port, db, user), autocommit=True)


code, region, moved = "O-1", "130600", "130602"
deadline, extended = "2024年12月31日", "2025年6月30日"
assigned = datetime.date(2024, 6, 1)
year = 2022

# ---- the administrator ---------------------------------------------------
adm = connect("cd_adam").cursor()
# the officer's client polls: where it starts, the last escalation step it
# may see (before any item of this run exists)
off = connect("cd_olga").cursor()
off.execute("SELECT coalesce(max(event_id), 0) FROM rectify.escalation_history()")
seen_escalation = off.fetchone()[0]


def register_item():
    adm.execute("SELECT rectify.register_item(?, ?, ?, ?, ?, ?)",
                code, region, "露天煤场扬尘", deadline, assigned, "air")
    item_id = adm.fetchone()[0]
    check("register_item", item_id is not None and int(item_id) > 0, "returned %r" % item_id)


def assign_unit():
    adm.execute("SELECT rectify.assign_unit(rectify.item(?), ?, 'primary', ?)",
                code, "保定市生态环境局", assigned)
    adm.fetchall()
    check("assign_unit", True)


def update_region():
    adm.execute("UPDATE rectify.items SET region = ? WHERE code = ?", moved, code)
    check("update_region", adm.rowcount == 1, "%d rows" % adm.rowcount)


def extend_deadline():
    adm.execute("SELECT rectify.extend_deadline(rectify.item(?), ?, ?, ?, ?)",
                code, extended, "省督察办", "汛期停工", datetime.date(2024, 9, 1))
    due = adm.fetchone()[0]
    adm.execute("SELECT due_date FROM rectify.items WHERE code = ? AND deadline = ?", code, extended)
    row = adm.fetchone()
    check("extend_deadline", row is not None and due == row[0], "returned %r, stored %r" % (due, row))


def insert_emission():
    sql = "INSERT INTO rectify.base_emissions (region, year, amount) VALUES (?, ?, ?)"
    adm.execute(sql, region, year, "1.5万吨 SO2")
    adm.execute(sql, region, year, "氨氮 1.2吨")
    adm.execute("UPDATE rectify.base_emissions SET amount = ? WHERE region = ? AND year = ? AND pollutant = 'SO2'",
                "15500 t SO2", region, year)
    n = adm.rowcount
    adm.execute("SELECT count(*) FROM rectify.base_emissions WHERE region = ? AND year = ? AND amount IN (?, ?)",
                region, year, "15500 t SO2", "氨氮 1.2吨")
    both = adm.fetchone()[0]
    check("insert_emission", n == 1 and both == 2, "updated %d, found %r" % (n, both))


def find_by_region():
    adm.execute("SELECT code FROM rectify.items WHERE region <@ ? AND deadline > ? AND code = ?",
                region, deadline, code)
    row = adm.fetchone()
    check("find_by_region", row is not None and row[0] == code, "not found")


def bad_values():
    refused("bad_region", adm, "SELECT rectify.register_item(?, ?, ?, ?, ?)",
            ["O-9", "990600", "噪声", deadline, assigned], "22023", "990600")
    refused("bad_region_syntax", adm, "UPDATE rectify.items SET region = ? WHERE code = ?",
            ["1306x0", code], "22P02", "1306x0")
    refused("bad_deadline", adm, "SELECT rectify.extend_deadline(rectify.item(?), ?, 'x', 'y', ?)",
            [code, "2025年13月1日", datetime.date(2024, 9, 2)], "22007", "2025年13月1日")
    refused("bad_emission", adm, "INSERT INTO rectify.base_emissions (region, year, amount) VALUES (?, ?, ?)",
            [region, year + 10, "12.5 t XYZ"], "22P02", "12.5 t XYZ")


def escalate_item():
    adm.execute("SELECT rectify.escalate_item(rectify.item(?), ?, ?, ?)",
                code, "notice", "未按期报送进展", datetime.date(2024, 9, 3))
    level = adm.fetchone()[0]
    check("escalate_item", level == "notice", "returned %r" % level)


for name, body in (("register_item", register_item), ("assign_unit", assign_unit),
                   ("update_region", update_region), ("extend_deadline", extend_deadline),
                   ("insert_emission", insert_emission), ("find_by_region", find_by_region),
                   ("bad_values", bad_values), ("escalate_item", escalate_item)):
    attempt(name, body)

# ---- the officer ---------------------------------------------------------
progress = decimal.Decimal("0.4")
state = {}


def poll_start():
    # where a polling client starts: the last event it may see
    off.execute("SELECT coalesce(max(event_id), 0) FROM rectify.events")
    state["seen"] = off.fetchone()[0]


def report_progress():
    off.execute("SELECT rectify.report_progress(rectify.item(?), ?, ?)", code, progress, datetime.date(2024, 9, 2))
    r = off.fetchone()[0]
    check("report_progress", r is not None and decimal.Decimal(r) == progress, "returned %r" % r)


def poll_events():
    # instead of LISTEN: the events after the last one seen
    off.execute("SELECT e.event_id, i.code, e.kind, e.to_value FROM rectify.events e "
                "JOIN rectify.items i USING (item_id) WHERE e.event_id > ? ORDER BY e.event_id", state["seen"])
    rows = off.fetchall()
    check("poll_events", any(r[1] == code and r[2] == "progress" and decimal.Decimal(r[3]) == progress
                             for r in rows), "events %r" % rows)


def poll_escalations():
    # instead of LISTEN rectify_escalation: the steps after the last one seen
    off.execute("SELECT event_id, code, kind, to_level FROM rectify.escalation_history() "
                "WHERE event_id > ? ORDER BY event_id", seen_escalation)
    rows = off.fetchall()
    check("poll_escalations", [(r[1], r[2], r[3]) for r in rows] == [(code, "escalated_manually", "notice")],
          "steps %r" % rows)


def read_ledger():
    off.execute("SELECT region::text, deadline = ?, progress, extended FROM rectify.ledger(?) "
                "WHERE code = ? AND region <@ ?", extended, datetime.date(2024, 9, 2), code, region)
    row = off.fetchone()
    check("read_ledger", row is not None and row[0] == moved and row[1] in (True, 1, "1")
          and decimal.Decimal(row[2]) == progress and row[3] in (True, 1, "1"), "row %r" % (row,))


def own_table():
    off.execute("CREATE TEMP TABLE draft (code text, d rectify.deadline, r rectify.region, e rectify.emission)")
    off.execute("INSERT INTO draft VALUES (?, ?, ?, ?)", "D-1", "2024年底", "431100", "3.2万吨 COD")
    off.execute("UPDATE draft SET d = ?, r = ?, e = ? WHERE code = ?", "15个工作日", "431127", "氨氮 0.8吨", "D-1")
    off.execute("SELECT count(*) FROM draft WHERE d = ? AND r = ? AND e = ?", "15个工作日", "431127", "氨氮 0.8吨")
    n = off.fetchone()[0]
    check("own_table", n == 1, "found %r" % n)
    refused("bad_deadline_insert", off, "INSERT INTO draft VALUES (?, ?, ?, ?)",
            ["D-2", "2024年2月30日", "431100", "1 t COD"], "22007", "2024年2月30日")


def officer_no_rights():
    try:
        off.execute("UPDATE rectify.items SET region = ? WHERE code = ?", region, code)
        check("officer_no_rights", False, "an officer changed a region")
    except pyodbc.Error as e:
        check("officer_no_rights", e.args[0] == "42501", repr(e.args))


for name, body in (("poll_events", poll_start), ("report_progress", report_progress),
                   ("poll_events", poll_events), ("poll_escalations", poll_escalations),
                   ("read_ledger", read_ledger),
                   ("own_table", own_table), ("officer_no_rights", officer_no_rights)):
    attempt(name, body)

sys.exit(1 if failures else 0)
