// The ClickHouse JDBC driver (com.clickhouse:clickhouse-jdbc) against a ClickHouse HTTP
// interface, with its default settings (its client-v2 asks for compress=1 responses).
//   java -cp '.cache/clients/jdbc/*' tests/clients/java/Query.java JDBC_URL [USER PASSWORD]
// Prints one line per check: NAME<TAB>value, or NAME<TAB>ERROR<TAB>code<TAB>message.
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

public class Query {
    interface Check {
        String run(Connection conn) throws SQLException;
    }

    static String rows(ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        List<String> rows = new ArrayList<>();
        while (rs.next()) {
            List<String> cells = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                Object value = rs.getObject(i);
                cells.add(value == null ? "NULL" : value.toString());
            }
            rows.add(String.join("|", cells));
        }
        return String.join(";", rows);
    }

    static void check(Connection conn, String name, Check check) {
        try {
            System.out.println(name + "\t" + check.run(conn));
        } catch (SQLException e) {
            String message = String.valueOf(e.getMessage()).replace('\n', ' ').replace('\t', ' ');
            System.out.println(name + "\tERROR\t" + e.getErrorCode() + "\t" + message);
        }
    }

    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        if (args.length >= 3) {
            props.setProperty("user", args[1]);
            props.setProperty("password", args[2]);
        }
        try (Connection conn = DriverManager.getConnection(args[0], props)) {
            check(conn, "valid", c -> String.valueOf(c.isValid(5)));
            check(conn, "rows", c -> {
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery(
                         "SELECT case_id, court, opened, note FROM cases ORDER BY case_id")) {
                    return rows(rs);
                }
            });
            check(conn, "by_court", c -> {
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery(
                         "SELECT court, cases, defendants FROM cases_by_court ORDER BY court")) {
                    return rows(rs);
                }
            });
            check(conn, "prepared", c -> {
                try (PreparedStatement ps = c.prepareStatement(
                         "SELECT case_id FROM cases WHERE court = ? AND defendants >= ? ORDER BY case_id")) {
                    ps.setString(1, "Tver Garrison");
                    ps.setInt(2, 1);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rows(rs);
                    }
                }
            });
            check(conn, "big", c -> {  // about 2.3 MB: several compressed blocks
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery(
                         "SELECT number, repeat(toString(number % 10), 70) FROM numbers(30000)")) {
                    long count = 0;
                    long sum = 0;
                    long chars = 0;
                    while (rs.next()) {
                        count++;
                        sum += rs.getLong(1);
                        chars += rs.getString(2).length();
                    }
                    return count + "|" + sum + "|" + chars;
                }
            });
            check(conn, "insert", c -> {
                try (Statement st = c.createStatement()) {
                    return String.valueOf(st.executeUpdate(
                        "INSERT INTO cases (case_id, court, article, opened, defendants) VALUES (9, 'X', '1', '2024-01-01', 1)"));
                }
            });
            check(conn, "metadata", c -> c.getMetaData().getDatabaseProductName());
        }
    }
}
