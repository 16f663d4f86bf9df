package org.safemap.areas;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** What geography is loaded: boundaries, lookups, denominators, deprivation, and how incidents are assigned. */
public final class AreaInventory {
    private static final String SQL = """
            SELECT 'boundaries', a.level || ' ' || a.vintage, count(*)::text || ' areas, from ' || max(b.source_name)
                || ', loaded ' || to_char(max(b.loaded_at), 'YYYY-MM-DD HH24:MI')
            FROM area a JOIN load_batch b ON b.id = a.batch_id GROUP BY a.level, a.vintage
            UNION ALL
            SELECT 'hierarchy', level || ' ' || vintage || ' -> ' || parent_level || ' ' || parent_vintage,
                   count(*)::text || ' links'
            FROM area_parent GROUP BY level, vintage, parent_level, parent_vintage
            UNION ALL
            SELECT 'lsoa changes', '2011 -> 2021', count(*)::text || ' links (' || string_agg(DISTINCT change, '') || ')'
            FROM lsoa_change HAVING count(*) > 0
            UNION ALL
            SELECT 'population', level || ' ' || vintage || ', mid-' || year,
                   count(*)::text || ' areas, ' || to_char(sum(population), 'FM999,999,999') || ' residents'
            FROM area_population GROUP BY level, vintage, year
            UNION ALL
            SELECT 'deprivation', 'IMD ' || edition || ' on lsoa ' || vintage, count(*)::text || ' LSOAs'
            FROM lsoa_deprivation GROUP BY edition, vintage
            UNION ALL
            SELECT 'incidents', area_match, count(*)::text FROM incident GROUP BY area_match
            ORDER BY 1, 2""";

    /** One line of the inventory. */
    public record Line(String kind, String what, String detail) {}

    private final DataSource dataSource;

    public AreaInventory(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public List<Line> lines() throws SQLException {
        List<Line> lines = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(SQL);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                lines.add(new Line(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        }
        return lines;
    }
}
