package org.safemap.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.safemap.db.Database;
import org.safemap.geocode.GazetteerLoader;
import org.safemap.sharing.ProtocolCatalog;
import org.safemap.sharing.Pseudonymiser;
import org.safemap.testing.SourceFiles;
import org.safemap.testing.Sql;
import org.safemap.testing.TestDatabase;

/**
 * Linkage across feeds: an assault seen by the ambulance service and by A&E within the distance and time of the
 * rule is one event; further apart in space or time, or of another kind, it is not.
 */
class LinkerIT {
    private static final FeedCatalog FEEDS = FeedCatalog.builtIn();
    private static final String AMBULANCE = String.join(",", AmbulanceCsvAdapter.COLUMNS) + "\n";
    private static final String ISTV = String.join(",", IstvAeCsvAdapter.COLUMNS) + "\n";
    private static final String FIRE = "IncidentNumber,DateOfCall,TimeOfCall,IncidentGroup,StopCodeDescription,"
            + "PropertyCategory,PropertyType,Easting_m,Northing_m,Motive\n";

    @AutoClose
    private Database db;

    @BeforeEach
    void setUp() {
        db = TestDatabase.fresh("linker");
        new GazetteerLoader(db.dataSource()).load(SourceFiles.text("venues.csv", """
                name,kind,locality,x,y,precision_m
                The Grapes,venue,Central,334560,390420,25
                Bold Street,street,Central,335020,390010,150
                """), n -> {});
    }

    /** Ambulance references are linkage fields, stored as keyed hashes: the test holds the key to look them up. */
    private static final Pseudonymiser PSEUDONYMS = new Pseudonymiser("linker-test-key-0123456789".getBytes());

    private IncidentLoader loader(int metres, int minutes) {
        return new IncidentLoader(
                db.dataSource(), new IncidentLoader.LinkRule(metres, minutes), ProtocolCatalog.builtIn(), PSEUDONYMS);
    }

    private static String ref(String reference) {
        return PSEUDONYMS.pseudonym(reference);
    }

    private Map<String, Long> eventsByRef(String feed) {
        return Sql.rows(
                        db,
                        "SELECT coalesce(source_ref, location_text), coalesce(event_id, 0) FROM incident WHERE feed = ?",
                        feed)
                .stream()
                .collect(Collectors.toMap(r -> (String) r.get(0), r -> (Long) r.get(1)));
    }

    @Test
    void anAssaultSeenByAmbulanceAndAandEIsOneEvent() {
        IncidentLoader loader = loader(250, 120);
        loader.load(
                SourceFiles.text(
                        "amb.csv",
                        AMBULANCE
                                + "A-near,2022-03-05 23:41,4,04D01,334600,390400,,,,Y\n" // 45 m from The Grapes
                                + "A-far,2022-03-05 23:45,4,04D01,336600,392400,,,,Y\n" // 2.8 km away
                                + "A-late,2022-03-06 04:30,4,04D01,334560,390420,,,,Y\n"), // 5 h after the assault
                FEEDS.get("ambulance"),
                null);
        IncidentLoader.Result ae = loader.load(
                SourceFiles.text(
                        "ae.csv",
                        ISTV
                                + "REM,06/03/2022,00:40,05/03/2022,23:50,outside The Grapes,Licensed premises,Glass or bottle,\n"),
                FEEDS.get("istv-ae"),
                null);

        Map<String, Long> ambulance = eventsByRef("ambulance");
        long aeEvent = (Long) Sql.value(db, "SELECT event_id FROM incident WHERE feed = 'istv-ae'");
        long nearId = (Long) Sql.value(db, "SELECT id FROM incident WHERE source_ref = ?", ref("A-near"));
        assertThat(aeEvent).isEqualTo(nearId); // the smaller id names the event
        assertThat(ambulance)
                .containsEntry(ref("A-near"), nearId)
                .containsEntry(ref("A-far"), 0L)
                .containsEntry(ref("A-late"), 0L);
        assertThat(ae.summaryJson()).contains("\"linked\":2");
        // Counting events once: three ambulance calls and one attendance are three events.
        assertThat(Sql.count(db, "SELECT count(DISTINCT coalesce(event_id, id)) FROM incident"))
                .isEqualTo(3);
    }

    @Test
    void theRuleIsConfigurableAndOnlyViolenceLinks() {
        IncidentLoader strict = loader(10, 5);
        strict.load(
                SourceFiles.text("amb.csv", AMBULANCE + "A1,2022-03-05 23:41,4,04D01,334600,390400,,,,Y\n"),
                FEEDS.get("ambulance"),
                null);
        strict.load(
                SourceFiles.text(
                        "fire.csv",
                        FIRE
                                + "F1,05 Mar 2022,23:42:00,Fire,Secondary Fire,Outdoor,Loose refuse,334600,390400,Deliberate\n"),
                FEEDS.get("fire-irs"),
                null);
        // Same place and minute, but a fire is not an assault.
        assertThat(Sql.count(db, "SELECT count(*) FROM incident WHERE event_id IS NOT NULL"))
                .isZero();
        // A&E records the venue (25 m precision) 45 m away and 9 minutes later: beyond a 10 m / 5 min rule ...
        strict.load(
                SourceFiles.text(
                        "ae.csv",
                        ISTV + "REM,06/03/2022,00:40,05/03/2022,23:50,The Grapes,Licensed premises,Body part,\n"),
                FEEDS.get("istv-ae"),
                null);
        assertThat(Sql.count(db, "SELECT count(*) FROM incident WHERE event_id IS NOT NULL"))
                .isZero();
        // ... but within the default rule.
        loader(250, 120)
                .load(
                        SourceFiles.text(
                                "ae2.csv",
                                ISTV
                                        + "REM,06/03/2022,00:41,05/03/2022,23:50,The Grapes,Licensed premises,Body part,\n"),
                        FEEDS.get("istv-ae"),
                        null);
        assertThat(Sql.count(db, "SELECT count(*) FROM incident WHERE event_id IS NOT NULL"))
                .isEqualTo(2);
    }

    @Test
    void anEventHoldsOneRecordPerFeedTakingTheNearestAndCoarseRecordsStayApart() {
        IncidentLoader loader = loader(400, 120);
        // Two A&E attendances about 600 m apart: two events.
        loader.load(
                SourceFiles.text(
                        "ae.csv",
                        ISTV
                                + "REM,06/03/2022,00:40,05/03/2022,23:50,The Grapes,Licensed premises,Body part,\n"
                                + "REM,06/03/2022,00:45,05/03/2022,23:52,Bold Street,Public place,Body part,\n"),
                FEEDS.get("istv-ae"),
                null);
        // One ambulance call about 300 m from each, at the second's time: it joins the second only, and never
        // makes the two attendances one event.
        loader.load(
                SourceFiles.text("amb.csv", AMBULANCE + "A1,2022-03-05 23:52,4,04D01,334790,390215,,,,Y\n"),
                FEEDS.get("ambulance"),
                null);
        assertThat(Sql.rows(db, "SELECT location_text FROM incident WHERE event_id IS NOT NULL AND feed = 'istv-ae'"))
                .containsExactly(List.of("Bold Street"));
        assertThat(Sql.count(db, "SELECT count(DISTINCT coalesce(event_id, id)) FROM incident"))
                .isEqualTo(2);

        // A call placed only by its postcode district cannot say which event it was: it links to none.
        Sql.execute(
                db,
                "INSERT INTO load_batch (kind, feed, source_name, source_sha256, rows_read, rows_loaded, "
                        + "rows_quarantined) VALUES ('postcodes', 'postcodes', 'p.csv', repeat('a', 64), 0, 0, 0)");
        Sql.execute(
                db,
                "INSERT INTO postcode (postcode, display, x, y, quality, district, batch_id) "
                        + "SELECT 'L10AA', 'L1 0AA', 334790, 390215, 60, 'L1', max(id) FROM load_batch");
        IncidentLoader.Result coarse = loader.load(
                SourceFiles.text("amb2.csv", AMBULANCE + "A2,2022-03-05 23:50,4,04D01,,,,,L1 0AA,Y\n"),
                FEEDS.get("ambulance"),
                null);
        assertThat(coarse.rowsLoaded()).isEqualTo(1);
        assertThat(Sql.value(db, "SELECT event_id FROM incident WHERE source_ref = ?", ref("A2")))
                .isNull();
    }
}
