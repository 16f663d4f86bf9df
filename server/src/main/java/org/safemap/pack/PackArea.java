package org.safemap.pack;

import java.util.List;
import org.locationtech.jts.geom.Geometry;

/**
 * The area a tasking pack is about, and the wider area its hot spots are judged in.
 *
 * @param level        lad, msoa, ward, lsoa, custom:SET or drawn
 * @param lsoas        the LSOAs that make up the area (nested by the ONS lookup for an MSOA or district; for a ward,
 *                     those whose point on surface lies in it, the best fit)
 * @param contextName  the district the area lies in (Gi* and emerging hot spots are computed over its LSOAs, so a
 *                     small area's hot spots are judged against the district, not against their few neighbours)
 * @param contextLsoas the district's LSOAs; the area's own when no district is loaded
 * @param outline      the area's boundary, EPSG:27700
 * @param residents    residents of the area's LSOAs (latest estimate), -1 when unknown
 */
public record PackArea(
        String level,
        String code,
        String name,
        int lsoaVintage,
        List<String> lsoas,
        String contextCode,
        String contextName,
        List<String> contextLsoas,
        Geometry outline,
        long residents) {
    public PackArea {
        lsoas = List.copyOf(lsoas);
        contextLsoas = List.copyOf(contextLsoas);
    }

    /**
     * "Electoral ward E05000886"; a drawn area, which has no code, "Drawn area (the N LSOAs with their centre in
     * it)", so the reader knows what was counted.
     */
    public String kindAndCode() {
        String kind = levelTitle();
        kind = Character.toUpperCase(kind.charAt(0)) + kind.substring(1);
        if (level.equals("drawn") || level.startsWith("custom:")) {
            return kind + (level.equals("drawn") ? "" : " " + code)
                    + ", counted by the LSOAs with their centre (point on surface) in it, or those it overlaps when it "
                    + "holds no LSOA's centre";
        }
        return kind + " " + code;
    }

    /** How the level is written for people. */
    public String levelTitle() {
        return switch (level) {
            case "lad" -> "local authority district";
            case "msoa" -> "MSOA";
            case "lsoa" -> "LSOA";
            case "ward" -> "electoral ward";
            case "drawn" -> "drawn area";
            default ->
                level.startsWith("custom:") ? "custom area (" + level.substring("custom:".length()) + ")" : level;
        };
    }
}
