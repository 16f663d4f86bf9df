package org.safemap.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.safemap.files.SourceFile;
import org.safemap.ingest.PoliceUkCsvAdapterTest.Collected;

/** The sample files docs/feeds.md shows read as the docs say, so the docs cannot drift from the code. */
class DocumentedSamplesTest {
    private static final Path SAMPLES = Path.of(System.getenv("SAFEMAP_HOME"), "docs", "samples");
    private static final FeedCatalog FEEDS = FeedCatalog.load(SAMPLES.resolve("feeds"));

    @ParameterizedTest
    @CsvSource({
        "police-uk-street.csv, police-uk, 5, 0",
        "istv-ae.csv, istv-ae, 5, 0",
        "ambulance.csv, ambulance, 6, 0",
        "fire-irs.csv, fire-irs, 5, 0",
        "council-asb.csv, council-asb, 4, 0",
        "merseytravel-incidents.geojson, merseytravel, 2, 0"
    })
    void eachSampleReadsThroughItsFeed(String file, String feed, int records, int rejections) throws IOException {
        FeedDefinition definition = FEEDS.get(feed);
        Collected c = new Collected();
        FeedAdapters.forFormat(definition.format()).read(SourceFile.of(SAMPLES.resolve(file)), definition, c, n -> {});
        assertThat(c.records).hasSize(records);
        assertThat(c.rejections).hasSize(rejections);
    }

    @Test
    void theSampleMappingsAddTwoPartnerFeedsToTheBuiltInFive() {
        assertThat(FEEDS.all())
                .extracting(FeedDefinition::name)
                .containsExactly("police-uk", "btp", "istv-ae", "ambulance", "fire-irs", "council-asb", "merseytravel");
    }
}
