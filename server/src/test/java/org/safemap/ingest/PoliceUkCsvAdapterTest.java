package org.safemap.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.safemap.testing.SourceFiles.POLICE_UK_HEADER;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.safemap.files.InputFormatException;
import org.safemap.files.SourceFile;
import org.safemap.geocode.GeocodeMethod;
import org.safemap.testing.SourceFiles;

class PoliceUkCsvAdapterTest {
    private final PoliceUkCsvAdapter adapter = new PoliceUkCsvAdapter();
    private static final FeedDefinition FEED = FeedCatalog.builtIn().get("police-uk");

    /** Collects what an adapter emits. */
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

    private Collected read(SourceFile file) throws IOException {
        Collected c = new Collected();
        adapter.read(file, FEED, c, n -> {});
        return c;
    }

    @Test
    void readsARealMonthWithoutRejections() throws IOException {
        Collected c = read(SourceFile.resource("demo/2022-01-liverpool-street.csv.gz"));
        assertThat(c.rejections).isEmpty();
        assertThat(c.records).hasSize(6378);
        assertThat(c.records).allSatisfy(r -> {
            assertThat(r.eventFrom()).isEqualTo(Instant.parse("2022-01-01T00:00:00Z"));
            assertThat(r.eventTo()).isEqualTo(Instant.parse("2022-02-01T00:00:00Z"));
            assertThat(r.location().srid()).isEqualTo(4326);
            assertThat(r.location().coordinateMethod()).isEqualTo(GeocodeMethod.SNAPPED_MAP_POINT);
            assertThat(r.statedLsoaCode()).matches("E01\\d{6}");
        });
        // ASB rows have no Crime ID; crime rows keep their 64-hex Crime ID.
        assertThat(c.records)
                .filteredOn(r -> r.sourceCategory().equals("Anti-social behaviour"))
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.sourceRef()).isNull());
        assertThat(c.records)
                .filteredOn(r -> !r.sourceCategory().equals("Anti-social behaviour"))
                .allSatisfy(r -> assertThat(r.sourceRef()).matches("[0-9a-f]{64}"));
    }

    @Test
    void usesBritishSummerTimeForMonthBoundaries() throws IOException {
        Collected c = read(SourceFiles.text(
                "2022-07.csv",
                POLICE_UK_HEADER
                        + "abc,2022-07,Merseyside Police,Merseyside Police,-2.98,53.40,On or near Bold Street,E01033755,"
                        + "Liverpool 060A,Shoplifting,Under investigation,\n"));
        assertThat(c.records.get(0).eventFrom()).isEqualTo(Instant.parse("2022-06-30T23:00:00Z"));
        assertThat(c.records.get(0).eventTo()).isEqualTo(Instant.parse("2022-07-31T23:00:00Z"));
        assertThat(c.records.get(0).attributes())
                .containsEntry("last_outcome", "Under investigation")
                .doesNotContainKey("reported_by")
                .doesNotContainKey("context");
    }

    @Test
    void quarantinesBadRowsWithLineAndField() throws IOException {
        String good = "a,2022-01,M,M,-2.98,53.40,On or near X,E01006512,Liverpool 031A,Burglary,,\n";
        Collected c = read(SourceFiles.text(
                "bad.csv",
                POLICE_UK_HEADER
                        + good // line 2
                        + "b,2022-13,M,M,-2.98,53.40,On or near X,E01006512,L,Burglary,,\n" // line 3: month 13
                        + "c,2022-01,M,M,,,No location,,,Burglary,,\n" // line 4: no location
                        + "d,2022-01,M,M,53.40,-2.98,On or near X,E01006512,L,Burglary,,\n" // line 5: swapped
                        + "f,2022-01,M,M,-2.98,53.40\n" // line 6: short row
                        + "g,2022-01,M,M,abc,53.40,On or near X,E01006512,L,Burglary,,\n" // line 7: not a number
                        + "h,2022-01,M,M,-2.98,53.40,On or near X,X01,L,Burglary,,\n" // line 8: bad LSOA
                        + "i,2022-01,M,M,151.2,-33.9,On or near X,E01006512,L,Burglary,,\n" // line 9: Sydney
                        + good)); // line 10
        assertThat(c.records).extracting(IncidentRecord::lineNo).containsExactly(2, 10);
        assertThat(c.rejections).extracting(Rejection::lineNo).containsExactly(3, 4, 5, 6, 7, 8, 9);
        assertThat(c.rejections)
                .extracting(Rejection::field)
                .containsExactly("Month", "Longitude", "Longitude", null, "Longitude", "LSOA code", "Longitude");
        assertThat(c.rejections.get(2).reason()).contains("look swapped");
        assertThat(c.rejections.get(3).reason()).isEqualTo("expected 12 fields as in the header, found 6");
        assertThat(c.rejections.get(6).reason()).contains("outside Great Britain");
        assertThat(c.rejections.get(4).rawRecord())
                .isEqualTo("g,2022-01,M,M,abc,53.40,On or near X,E01006512,L,Burglary,,");
    }

    @Test
    void refusesAFileMissingAColumnNamingFileLineAndField() {
        String header = POLICE_UK_HEADER.replace("Crime type,", "");
        assertThatThrownBy(() -> read(SourceFiles.text("2022-01-x-street.csv", header)))
                .isInstanceOf(InputFormatException.class)
                .hasMessageStartingWith("2022-01-x-street.csv line 1, field 'Crime type': missing column");
    }

    @Test
    void refusesAnUndeclaredColumnSoNothingFromTheFileIsKept() {
        String header = POLICE_UK_HEADER.replace("Context", "Context,Victim name");
        assertThatThrownBy(() -> read(SourceFiles.text("x.csv", header)))
                .isInstanceOf(InputFormatException.class)
                .hasMessageStartingWith(
                        "x.csv line 1, field 'Victim name': this column is not among the fields the feed "
                                + "declares, so the file is refused and nothing from it is kept");
    }

    @Test
    void quarantinesAnUnclosedQuoteAndReadsOnFromTheNextLine() throws IOException {
        String good = "a,2022-01,M,M,-2.98,53.40,On or near X,E01006512,L,Burglary,,\n";
        Collected c = read(SourceFiles.text(
                "broken.csv",
                POLICE_UK_HEADER + good + "b,2022-01,M,M,-2.98,53.40,\"On or near \"X\" Street,E01006512,L,Burglary,,\n"
                        + good));
        assertThat(c.records).extracting(IncidentRecord::lineNo).containsExactly(2, 4);
        assertThat(c.rejections).extracting(Rejection::lineNo).containsExactly(3);
    }

    @Test
    void namesAWrongDelimiter() {
        assertThatThrownBy(() -> read(SourceFiles.text("semi.csv", POLICE_UK_HEADER.replace(',', ';'))))
                .hasMessage(
                        "semi.csv line 1: the header is one column; the file seems to be separated by ';' rather than ','");
    }

    @Test
    void readsGzipAndPlainAlikeAndStripsByteOrderMark() throws IOException {
        String row = "a,2022-01,M,M,-2.98,53.40,On or near X,E01006512,L,Burglary,,\n";
        SourceFile plain = SourceFiles.text("x.csv", "\uFEFF" + POLICE_UK_HEADER + row);
        SourceFile gz = SourceFiles.gzip("x.csv.gz", "\uFEFF" + POLICE_UK_HEADER + row);
        assertThat(read(plain).records).hasSize(1);
        assertThat(read(gz).records).hasSize(1);
        assertThat(plain.sha256()).isEqualTo(gz.sha256());
    }
}
