package org.safemap.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.safemap.testing.SourceFiles.POLICE_UK_HEADER;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.safemap.testing.SourceFiles;

class PoliceUkCsvAdapterTest {
    private final PoliceUkCsvAdapter adapter = new PoliceUkCsvAdapter();

    /** Collects what the adapter emits. */
    static final class Collected implements RowSink {
        final List<IncidentRecord> records = new ArrayList<>();
        final List<Rejection> rejections = new ArrayList<>();

        @Override
        public void accept(IncidentRecord record) {
            records.add(record);
        }

        @Override
        public void reject(Rejection rejection) {
            rejections.add(rejection);
        }
    }

    private Collected read(SourceFile file, String feed) throws IOException {
        Collected c = new Collected();
        adapter.read(file, feed, c, n -> { });
        return c;
    }

    @Test
    void readsARealMonthWithoutRejections() throws IOException {
        Collected c = read(SourceFile.resource("demo/2022-01-liverpool-street.csv.gz"), "police");
        assertThat(c.rejections).isEmpty();
        assertThat(c.records).hasSize(6378);
        assertThat(c.records).allSatisfy(r -> {
            assertThat(r.eventFrom()).isEqualTo(Instant.parse("2022-01-01T00:00:00Z"));
            assertThat(r.eventTo()).isEqualTo(Instant.parse("2022-02-01T00:00:00Z"));
            assertThat(r.srid()).isEqualTo(4326);
            assertThat(r.geocodeMethod()).isEqualTo("snapped-map-point");
            assertThat(r.statedLsoaCode()).matches("E01\\d{6}");
        });
        // ASB rows have no Crime ID and belong to the asb feed; crime rows keep their 64-hex Crime ID.
        assertThat(c.records).filteredOn(r -> r.feed().equals("asb"))
                .isNotEmpty()
                .allSatisfy(r -> {
                    assertThat(r.sourceRef()).isNull();
                    assertThat(r.category()).isEqualTo("anti-social-behaviour");
                });
        assertThat(c.records).filteredOn(r -> r.feed().equals("police"))
                .allSatisfy(r -> assertThat(r.sourceRef()).matches("[0-9a-f]{64}"));
    }

    @Test
    void usesBritishSummerTimeForMonthBoundaries() throws IOException {
        Collected c = read(SourceFiles.text("2022-07.csv", POLICE_UK_HEADER
                + "abc,2022-07,Merseyside Police,Merseyside Police,-2.98,53.40,On or near Bold Street,E01033755,"
                + "Liverpool 060A,Shoplifting,Under investigation,\n"), "police");
        assertThat(c.records.get(0).eventFrom()).isEqualTo(Instant.parse("2022-06-30T23:00:00Z"));
        assertThat(c.records.get(0).eventTo()).isEqualTo(Instant.parse("2022-07-31T23:00:00Z"));
        assertThat(c.records.get(0).attributes())
                .containsEntry("last_outcome", "Under investigation")
                .containsEntry("lsoa_name", "Liverpool 060A")
                .doesNotContainKey("context");
    }

    @Test
    void transportFeedKeepsAsbRowsInTransport() throws IOException {
        Collected c = read(SourceFiles.text("btp.csv", POLICE_UK_HEADER
                + ",2022-07,British Transport Police,British Transport Police,-2.98,53.40,On or near Lime Street,"
                + "E01033758,Liverpool 061A,Anti-social behaviour,,\n"), "transport");
        assertThat(c.records.get(0).feed()).isEqualTo("transport");
    }

    @Test
    void quarantinesBadRowsWithLineAndField() throws IOException {
        String good = "a,2022-01,M,M,-2.98,53.40,On or near X,E01006512,Liverpool 031A,Burglary,,\n";
        Collected c = read(SourceFiles.text("bad.csv", POLICE_UK_HEADER
                + good                                                                       // line 2
                + "b,2022-13,M,M,-2.98,53.40,On or near X,E01006512,L,Burglary,,\n"         // line 3: month 13
                + "c,2022-01,M,M,,,No location,,,Burglary,,\n"                              // line 4: no location
                + "d,2022-01,M,M,53.40,-2.98,On or near X,E01006512,L,Burglary,,\n"         // line 5: swapped
                + "e,2022-01,M,M,-2.98,53.40,On or near X,E01006512,L,Joyriding,,\n"        // line 6: unknown type
                + "f,2022-01,M,M,-2.98,53.40\n"                                              // line 7: short row
                + "g,2022-01,M,M,abc,53.40,On or near X,E01006512,L,Burglary,,\n"           // line 8: not a number
                + "h,2022-01,M,M,-2.98,53.40,On or near X,X01,L,Burglary,,\n"              // line 9: bad LSOA
                + "i,2022-01,M,M,151.2,-33.9,On or near X,E01006512,L,Burglary,,\n"         // line 10: Sydney
                + good), "police");                                                          // line 11
        assertThat(c.records).extracting(IncidentRecord::lineNo).containsExactly(2, 11);
        assertThat(c.rejections).extracting(Rejection::lineNo).containsExactly(3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(c.rejections).extracting(Rejection::field)
                .containsExactly("Month", "Longitude", "Longitude", "Crime type", null, "Longitude", "LSOA code", "Longitude");
        assertThat(c.rejections.get(2).reason()).contains("look swapped");
        assertThat(c.rejections.get(3).reason()).isEqualTo("unknown police.uk crime type 'Joyriding'");
        assertThat(c.rejections.get(4).reason()).isEqualTo("expected 12 fields, found 6");
        assertThat(c.rejections.get(7).reason()).contains("outside Great Britain");
        assertThat(c.rejections.get(5).rawRecord()).isEqualTo("g,2022-01,M,M,abc,53.40,On or near X,E01006512,L,Burglary,,");
    }

    @Test
    void refusesAFileMissingAColumnNamingFileLineAndField() {
        String header = POLICE_UK_HEADER.replace("Crime type,", "");
        assertThatThrownBy(() -> read(SourceFiles.text("2022-01-x-street.csv", header), "police"))
                .isInstanceOf(InputFormatException.class)
                .hasMessageStartingWith("2022-01-x-street.csv line 1, field 'Crime type': missing column");
    }

    @Test
    void refusesAnUnexpectedColumn() {
        String header = POLICE_UK_HEADER.replace("Context", "Context,Victim name");
        assertThatThrownBy(() -> read(SourceFiles.text("x.csv", header), "police"))
                .isInstanceOf(InputFormatException.class)
                .hasMessageStartingWith("x.csv line 1, field 'Victim name': unexpected column");
    }

    @Test
    void refusesMalformedCsvNamingTheLine() {
        String body = POLICE_UK_HEADER + "a,2022-01,M,M,-2.98,53.40,\"On or near \"X\" Street,E01006512,L,Burglary,,\n";
        assertThatThrownBy(() -> read(SourceFiles.text("broken.csv", body), "police"))
                .isInstanceOf(InputFormatException.class)
                .hasMessageStartingWith("broken.csv line 2: not valid CSV");
    }

    @Test
    void readsGzipAndPlainAlikeAndStripsByteOrderMark() throws IOException {
        String row = "a,2022-01,M,M,-2.98,53.40,On or near X,E01006512,L,Burglary,,\n";
        SourceFile plain = SourceFiles.text("x.csv", "\uFEFF" + POLICE_UK_HEADER + row);
        SourceFile gz = SourceFiles.gzip("x.csv.gz", "\uFEFF" + POLICE_UK_HEADER + row);
        assertThat(read(plain, "police").records).hasSize(1);
        assertThat(read(gz, "police").records).hasSize(1);
        assertThat(plain.sha256()).isEqualTo(gz.sha256());
    }
}
