// rectify through pgjdbc, as JDBC tools (Metabase, DBeaver, Kettle) use it:
// every string is bound with setString(), which pgjdbc sends typed
// character varying (its default stringtype=varchar).  Run by
// test/t/060_client_drivers.pl:
//   java -cp /usr/share/java/postgresql.jar ClientCasts.java HOST PORT DB
// One line per check, "PASS name" or "FAIL name: why"; exit 1 on a failure.
import java.math.BigDecimal;
import java.sql.*;
import java.time.LocalDate;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

public class ClientCasts {
	static int failures = 0;

	static void check(String name, boolean ok, String why) {
		if (ok)
			System.out.println("PASS " + name);
		else {
			System.out.println("FAIL " + name + ": " + why);
			failures++;
		}
	}

	interface Body { void run() throws SQLException; }

	// run a check; an unexpected SQLException fails it
	static void attempt(String name, Body body) {
		try {
			body.run();
		} catch (SQLException e) {
			check(name, false, e.getSQLState() + " " + e.getMessage());
		}
	}

	// a statement that must be refused with this SQLSTATE, a message quoting
	// the value and a hint
	static void refused(String name, PreparedStatement ps, String state, String value) {
		try {
			ps.execute();
			check(name, false, "accepted " + value);
		} catch (PSQLException e) {
			ServerErrorMessage m = e.getServerErrorMessage();
			check(name, state.equals(e.getSQLState()) && m != null
					&& m.getMessage().contains("\"" + value + "\"") && m.getHint() != null,
				e.getSQLState() + " " + e.getMessage());
		} catch (SQLException e) {
			check(name, false, e.getSQLState() + " " + e.getMessage());
		}
	}

	// binds the values to the statement's parameters 1, 2, ... as an
	// application would, each with the setter of its Java type (which decides
	// the type pgjdbc sends): a String with setString(), an Integer with
	// setInt(), a BigDecimal with setBigDecimal(), anything else (a
	// LocalDate) with setObject()
	static void bind(PreparedStatement ps, Object... values) throws SQLException {
		for (int i = 0; i < values.length; i++) {
			Object v = values[i];
			if (v instanceof String s)
				ps.setString(i + 1, s);
			else if (v instanceof Integer n)
				ps.setInt(i + 1, n);
			else if (v instanceof BigDecimal d)
				ps.setBigDecimal(i + 1, d);
			else
				ps.setObject(i + 1, v);
		}
	}

	static String one(PreparedStatement ps) throws SQLException {
		try (ResultSet rs = ps.executeQuery()) {
			return rs.next() ? rs.getString(1) : null;
		}
	}

	public static void main(String[] args) throws Exception {
		String url = "jdbc:postgresql://" + args[0] + ":" + args[1] + "/" + args[2];
		String code = "J-1", region = "130600", moved = "130602";
		String deadline = "2024年12月31日", extended = "2025年6月30日";
		LocalDate assigned = LocalDate.of(2024, 6, 1);
		int year = 2021;

		// ---- the administrator ------------------------------------------
		try (Connection c = DriverManager.getConnection(url, "cd_adam", "")) {
			attempt("register_item", () -> {
				PreparedStatement ps = c.prepareStatement("SELECT rectify.register_item(?, ?, ?, ?, ?, ?)");
				bind(ps, code, region, "露天煤场扬尘", deadline, assigned, "air");
				String id = one(ps);
				check("register_item", id != null && Long.parseLong(id) > 0, "returned " + id);
			});
			attempt("assign_unit", () -> {
				PreparedStatement ps = c.prepareStatement("SELECT rectify.assign_unit(rectify.item(?), ?, 'primary', ?)");
				bind(ps, code, "保定市生态环境局", assigned);
				ps.executeQuery().close();
				check("assign_unit", true, "");
			});
			attempt("update_region", () -> {
				PreparedStatement ps = c.prepareStatement("UPDATE rectify.items SET region = ? WHERE code = ?");
				bind(ps, moved, code);
				check("update_region", ps.executeUpdate() == 1, "no row updated");
			});
			attempt("extend_deadline", () -> {
				PreparedStatement ps = c.prepareStatement(
					"SELECT rectify.extend_deadline(rectify.item(?), ?, ?, ?, ?)");
				bind(ps, code, extended, "省督察办", "汛期停工", LocalDate.of(2024, 9, 1));
				String due = one(ps);
				PreparedStatement q = c.prepareStatement(
					"SELECT due_date::text FROM rectify.items WHERE code = ? AND deadline = ?");
				bind(q, code, extended);
				String stored = one(q);
				check("extend_deadline", due != null && due.equals(stored), "returned " + due + ", stored " + stored);
			});
			attempt("insert_emission", () -> {
				PreparedStatement ps = c.prepareStatement(
					"INSERT INTO rectify.base_emissions (region, year, amount) VALUES (?, ?, ?)");
				bind(ps, region, year, "1.5万吨 SO2");
				ps.executeUpdate();
				ps.setString(3, "氨氮 1.2吨");
				ps.executeUpdate();
				PreparedStatement up = c.prepareStatement(
					"UPDATE rectify.base_emissions SET amount = ? WHERE region = ? AND year = ? AND pollutant = 'SO2'");
				bind(up, "15500 t SO2", region, year);
				int n = up.executeUpdate();
				PreparedStatement q = c.prepareStatement(
					"SELECT count(*) FROM rectify.base_emissions WHERE region = ? AND year = ? AND amount IN (?, ?)");
				bind(q, region, year, "15500 t SO2", "氨氮 1.2吨");
				String both = one(q);
				check("insert_emission", n == 1 && "2".equals(both), "updated " + n + ", found " + both);
			});
			attempt("find_by_region", () -> {
				PreparedStatement ps = c.prepareStatement(
					"SELECT code FROM rectify.items WHERE region <@ ? AND deadline > ? AND code = ?");
				bind(ps, region, deadline, code);
				check("find_by_region", code.equals(one(ps)), "not found");
			});
			attempt("bad_values", () -> {
				PreparedStatement reg = c.prepareStatement("SELECT rectify.register_item(?, ?, ?, ?, ?)");
				bind(reg, "J-9", "990600", "噪声", deadline, assigned);
				refused("bad_region", reg, "22023", "990600");
				PreparedStatement up = c.prepareStatement("UPDATE rectify.items SET region = ? WHERE code = ?");
				bind(up, "1306x0", code);
				refused("bad_region_syntax", up, "22P02", "1306x0");
				PreparedStatement ext = c.prepareStatement(
					"SELECT rectify.extend_deadline(rectify.item(?), ?, 'x', 'y', ?)");
				bind(ext, code, "2025年13月1日", LocalDate.of(2024, 9, 2));
				refused("bad_deadline", ext, "22007", "2025年13月1日");
				PreparedStatement em = c.prepareStatement(
					"INSERT INTO rectify.base_emissions (region, year, amount) VALUES (?, ?, ?)");
				bind(em, region, year + 10, "12.5 t XYZ");
				refused("bad_emission", em, "22P02", "12.5 t XYZ");
			});
		}

		// ---- the officer -------------------------------------------------
		try (Connection c = DriverManager.getConnection(url, "cd_olga", "")) {
			BigDecimal progress = new BigDecimal("0.4");
			attempt("report_progress", () -> {
				PreparedStatement ps = c.prepareStatement("SELECT rectify.report_progress(rectify.item(?), ?, ?)");
				bind(ps, code, progress, LocalDate.of(2024, 9, 2));
				String r = one(ps);
				check("report_progress", r != null && new BigDecimal(r).compareTo(progress) == 0, "returned " + r);
			});
			attempt("read_ledger", () -> {
				PreparedStatement ps = c.prepareStatement(
					"SELECT region::text, deadline = ?, progress, extended FROM rectify.ledger(?) " +
					"WHERE code = ? AND region <@ ?");
				bind(ps, extended, LocalDate.of(2024, 9, 2), code, region);
				try (ResultSet rs = ps.executeQuery()) {
					boolean found = rs.next();
					check("read_ledger", found && moved.equals(rs.getString(1)) && rs.getBoolean(2)
							&& rs.getBigDecimal(3).compareTo(progress) == 0 && rs.getBoolean(4),
						found ? rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) : "no row");
				}
			});
			attempt("own_table", () -> {
				c.createStatement().execute(
					"CREATE TEMP TABLE draft (code text, d rectify.deadline, r rectify.region, e rectify.emission)");
				PreparedStatement ins = c.prepareStatement("INSERT INTO draft VALUES (?, ?, ?, ?)");
				bind(ins, "D-1", "2024年底", "431100", "3.2万吨 COD");
				ins.executeUpdate();
				PreparedStatement up = c.prepareStatement("UPDATE draft SET d = ?, r = ?, e = ? WHERE code = ?");
				bind(up, "15个工作日", "431127", "氨氮 0.8吨", "D-1");
				up.executeUpdate();
				PreparedStatement q = c.prepareStatement("SELECT count(*) FROM draft WHERE d = ? AND r = ? AND e = ?");
				bind(q, "15个工作日", "431127", "氨氮 0.8吨");
				check("own_table", "1".equals(one(q)), "row not found");
				bind(ins, "D-2", "2024年2月30日");
				refused("bad_deadline_insert", ins, "22007", "2024年2月30日");
			});
			attempt("officer_no_rights", () -> {
				PreparedStatement up = c.prepareStatement("UPDATE rectify.items SET region = ? WHERE code = ?");
				bind(up, region, code);
				try {
					up.executeUpdate();
					check("officer_no_rights", false, "an officer changed a region");
				} catch (SQLException e) {
					check("officer_no_rights", "42501".equals(e.getSQLState()), e.getSQLState() + " " + e.getMessage());
				}
			});
		}
		System.exit(failures == 0 ? 0 : 1);
	}
}
