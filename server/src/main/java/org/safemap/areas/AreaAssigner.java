package org.safemap.areas;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.db.CopyRows;
import org.safemap.db.Database;
import org.safemap.db.JsonText;

/**
 * The one function that gives a point its areas, used by ingest for new records and by
 * {@link IncidentAreaUpdater} for stored ones: the LSOA and ward of the newest loaded vintages, the MSOA and
 * district as the LSOA's parents (so the levels always nest) or, without a lookup, from their own boundaries, and
 * the area of every custom set.
 */
public final class AreaAssigner {
    private static final String NEWEST_VINTAGES = "SELECT level, max(vintage) FROM area GROUP BY level ORDER BY level";
    private static final String GEOMETRIES =
            "SELECT code, ST_AsBinary(geom) FROM area WHERE level = ? AND vintage = ? ORDER BY code";
    private static final String PARENTS =
            "SELECT code, parent_level, parent_code FROM area_parent WHERE level = 'lsoa' AND vintage = ?";

    /**
     * Where one point falls.
     *
     * @param lsoa    LSOA code, or null when outside every LSOA (then {@link #inside()} is false)
     * @param msoa    MSOA code, or null
     * @param lad     district code, or null
     * @param ward    ward code, or null
     * @param custom  custom level ("custom:beats") to code, for the sets the point is in
     */
    public record Assignment(String lsoa, String msoa, String lad, String ward, Map<String, String> custom) {
        public boolean inside() {
            return lsoa != null;
        }
    }

    private final AreaIndex lsoa;
    private final AreaIndex msoa;
    private final AreaIndex lad;
    private final AreaIndex ward;
    private final List<AreaIndex> custom;
    private final Map<String, String[]> lsoaParents;

    private AreaAssigner(
            AreaIndex lsoa,
            AreaIndex msoa,
            AreaIndex lad,
            AreaIndex ward,
            List<AreaIndex> custom,
            Map<String, String[]> lsoaParents) {
        this.lsoa = lsoa;
        this.msoa = msoa;
        this.lad = lad;
        this.ward = ward;
        this.custom = custom;
        this.lsoaParents = lsoaParents;
    }

    /** An assigner over given LSOAs only (parents from the map: LSOA code to {MSOA, LAD}), for tests and tools. */
    static AreaAssigner ofLsoas(AreaIndex lsoa, Map<String, String[]> lsoaParents) {
        return new AreaAssigner(lsoa, null, null, null, List.of(), lsoaParents);
    }

    /** Reads the newest vintage of every loaded level and the LSOA hierarchy. */
    public static AreaAssigner load(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            Map<String, Integer> newest = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(NEWEST_VINTAGES);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    newest.put(rs.getString(1), rs.getInt(2));
                }
            }
            AreaIndex lsoa = index(c, newest, "lsoa");
            Map<String, String[]> parents = new HashMap<>();
            if (lsoa != null) {
                try (PreparedStatement ps = c.prepareStatement(PARENTS)) {
                    ps.setInt(1, lsoa.vintage());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            String[] p = parents.computeIfAbsent(rs.getString(1), k -> new String[2]);
                            p["msoa".equals(rs.getString(2)) ? 0 : 1] = rs.getString(3);
                        }
                    }
                }
            }
            // Parents come from the lookup when it covers the LSOAs; boundaries are the fallback.
            boolean lookup = !parents.isEmpty();
            List<AreaIndex> custom = new ArrayList<>();
            for (String level : newest.keySet()) {
                if (level.startsWith("custom:")) {
                    custom.add(index(c, newest, level));
                }
            }
            return new AreaAssigner(
                    lsoa,
                    lookup ? null : index(c, newest, "msoa"),
                    lookup ? null : index(c, newest, "lad"),
                    index(c, newest, "ward"),
                    List.copyOf(custom),
                    parents);
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.DATABASE_UNAVAILABLE, "cannot read boundaries: " + e.getMessage(), e);
        }
    }

    private static AreaIndex index(Connection c, Map<String, Integer> newest, String level) throws SQLException {
        Integer vintage = newest.get(level);
        if (vintage == null) {
            return null;
        }
        List<String> codes = new ArrayList<>();
        List<Geometry> geometries = new ArrayList<>();
        WKBReader wkb = new WKBReader();
        try (PreparedStatement ps = Database.binaryResults(c.prepareStatement(GEOMETRIES))) {
            ps.setString(1, level);
            ps.setInt(2, vintage);
            ps.setFetchSize(2000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    codes.add(rs.getString(1));
                    geometries.add(wkb.read(rs.getBytes(2)));
                }
            }
        } catch (ParseException e) {
            throw new IllegalStateException("PostGIS returned unreadable WKB for " + level, e);
        }
        return new AreaIndex(AreaLevel.parse(level), vintage, codes, geometries);
    }

    /** Areas of a point in EPSG:27700. Not thread-safe; see {@link #copyForThread}. */
    public Assignment assign(double x, double y) {
        String l = lsoa == null ? null : lsoa.locate(x, y);
        String m;
        String d;
        if (msoa == null && lad == null && l != null) {
            String[] p = lsoaParents.get(l);
            m = p == null ? null : p[0];
            d = p == null ? null : p[1];
        } else {
            m = msoa == null ? null : msoa.locate(x, y);
            d = lad == null ? null : lad.locate(x, y);
        }
        String w = ward == null ? null : ward.locate(x, y);
        Map<String, String> c = Map.of();
        if (!custom.isEmpty()) {
            c = new LinkedHashMap<>();
            for (AreaIndex index : custom) {
                String code = index.locate(x, y);
                if (code != null) {
                    c.put(index.level().name(), code);
                }
            }
        }
        return new Assignment(l, m, d, w, c);
    }

    /**
     * Areas of many points, by position in the arrays. Points are visited in Morton (Z-order) sequence, so
     * consecutive lookups touch nearby polygons, which keeps them in the CPU cache: several times faster than
     * input order for scattered points (docs/performance.md). At most 2^21 points per call.
     */
    public Assignment[] assignAll(double[] xs, double[] ys, int n) {
        if (n > MAX_BATCH) {
            throw new IllegalArgumentException("at most " + MAX_BATCH + " points per call");
        }
        long[] order = new long[n];
        for (int i = 0; i < n; i++) {
            order[i] = morton(xs[i], ys[i]) << 21 | i;
        }
        java.util.Arrays.sort(order);
        Assignment[] out = new Assignment[n];
        for (long key : order) {
            int i = (int) (key & (MAX_BATCH - 1));
            out[i] = assign(xs[i], ys[i]);
        }
        return out;
    }

    private static final int MAX_BATCH = 1 << 21;

    /** Interleaved bits of a 21-bit grid position over British National Grid's extent (cells under a metre). */
    private static long morton(double x, double y) {
        long gx = clamp((long) ((x + 100_000) / 1_000_000 * (1 << 21)));
        long gy = clamp((long) ((y + 100_000) / 1_500_000 * (1 << 21)));
        return spread(gx) | spread(gy) << 1;
    }

    private static long clamp(long v) {
        return Math.max(0, Math.min((1 << 21) - 1, v));
    }

    /** Spreads 21 bits so that a zero sits between each (the classic magic-number bit interleave). */
    static long spread(long v) {
        long x = v & 0x1fffffL;
        x = (x | x << 16) & 0x0000ffff0000ffffL;
        x = (x | x << 8) & 0x00ff00ff00ff00ffL;
        x = (x | x << 4) & 0x0f0f0f0f0f0f0f0fL;
        x = (x | x << 2) & 0x3333333333333333L;
        x = (x | x << 1) & 0x5555555555555555L;
        return x;
    }

    /** Another handle sharing the indexes, with its own query buffers. */
    public AreaAssigner copyForThread() {
        return new AreaAssigner(
                copy(lsoa),
                copy(msoa),
                copy(lad),
                copy(ward),
                custom.stream().map(AreaIndex::copyForThread).toList(),
                lsoaParents);
    }

    private static AreaIndex copy(AreaIndex index) {
        return index == null ? null : index.copyForThread();
    }

    /**
     * Writes an assignment as the eight staging columns lsoa_vintage, lsoa_code, msoa_code, lad_code, ward_vintage,
     * ward_code, custom_areas (JSON) and area_match, as ingest and re-assignment both store them.
     */
    public void write(Assignment a, CopyRows out) throws IOException {
        out.int2(a.inside() ? Integer.valueOf(lsoa.vintage()) : null)
                .value(a.lsoa())
                .value(a.msoa())
                .value(a.lad())
                .int2(a.ward() == null ? null : ward.vintage())
                .value(a.ward())
                .jsonb(JsonText.object(a.custom()))
                .value(lsoa == null ? "pending" : a.inside() ? "inside" : "outside");
    }

    /** Vintage of the LSOAs assigned, if any are loaded. */
    public Optional<Integer> lsoaVintage() {
        return Optional.ofNullable(lsoa).map(AreaIndex::vintage);
    }

    public Optional<Integer> wardVintage() {
        return Optional.ofNullable(ward).map(AreaIndex::vintage);
    }

    /** Whether any boundaries at all were loaded; without them every point stays pending. */
    public boolean hasAreas() {
        return lsoa != null || ward != null || !custom.isEmpty();
    }
}
