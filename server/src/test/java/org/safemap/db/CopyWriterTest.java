package org.safemap.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** COPY text format as PostgreSQL's documentation gives it: tab-separated, \N for NULL, four characters escaped. */
class CopyWriterTest {
    @Test
    void textFormatEscapesBackslashTabAndLineBreaksAnywhereInAValue() throws Exception {
        StringWriter sink = new StringWriter();
        try (CopyWriter out = CopyWriter.textTo(sink)) {
            out.value("plain, with \"quotes\" and é")
                    .value((String) null)
                    .value("a\\b\tc\nd\re")
                    .value("");
            out.endRow();
            out.value("\\start").value("end\n").value(42L);
            out.endRow();
        }
        assertThat(sink.toString())
                .isEqualTo("plain, with \"quotes\" and é\t\\N\ta\\\\b\\tc\\nd\\re\t\n" + "\\\\start\tend\\n\t42\n");
    }
}
