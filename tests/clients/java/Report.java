// The ClickHouse JDBC driver: one query (a prepared statement, its ? bound in order), its
// rows as tab-separated text with a header line (NULL for nulls).
//   java -cp '.cache/clients/jdbc/*' tests/clients/java/Report.java JDBC_URL QUERY [VALUE ...]
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.List;

public class Report {
    public static void main(String[] args) throws Exception {
        try (Connection conn = DriverManager.getConnection(args[0]);
             PreparedStatement st = conn.prepareStatement(args[1])) {
            for (int i = 2; i < args.length; i++) {
                st.setString(i - 1, args[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                List<String> names = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    names.add(meta.getColumnLabel(i));
                }
                System.out.println(String.join("\t", names));
                while (rs.next()) {
                    List<String> cells = new ArrayList<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        Object value = rs.getObject(i);
                        cells.add(value == null ? "NULL" : value.toString());
                    }
                    System.out.println(String.join("\t", cells));
                }
            }
        }
    }
}
