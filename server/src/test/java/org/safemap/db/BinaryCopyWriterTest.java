package org.safemap.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** PostgreSQL's binary COPY format as its manual gives it, byte for byte. */
class BinaryCopyWriterTest {
    @Test
    void writesHeaderRowsOfLengthPrefixedValuesAndTrailer() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (BinaryCopyWriter out = BinaryCopyWriter.to(sink, 3)) {
            out.int4(7).value(null).value("é");
            out.endRow();
        }
        ByteBuffer b = ByteBuffer.wrap(sink.toByteArray());
        byte[] signature = new byte[11];
        b.get(signature);
        assertThat(signature).isEqualTo(new byte[] {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0});
        assertThat(b.getInt()).as("flags").isZero();
        assertThat(b.getInt()).as("header extension").isZero();
        assertThat(b.getShort()).as("values in the row").isEqualTo((short) 3);
        assertThat(b.getInt()).isEqualTo(4);
        assertThat(b.getInt()).isEqualTo(7);
        assertThat(b.getInt()).as("NULL").isEqualTo(-1);
        assertThat(b.getInt()).isEqualTo(2);
        assertThat(new byte[] {b.get(), b.get()}).isEqualTo("é".getBytes(StandardCharsets.UTF_8));
        assertThat(b.getShort()).as("trailer").isEqualTo((short) -1);
        assertThat(b.hasRemaining()).isFalse();
    }

    @Test
    void encodesTextAsJavasUtf8EncoderDoesIncludingUnpairedSurrogates() throws Exception {
        String[] texts = {
            "", "plain", "é ß — 漢字 €", "😀 \uD83C\uDFF4", "half \uD800 pair", "\uDC00 low first", "end \uD83D"
        };
        for (String text : texts) {
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            try (BinaryCopyWriter out = BinaryCopyWriter.to(sink, 1)) {
                out.value(text);
                out.endRow();
            }
            byte[] all = sink.toByteArray();
            byte[] value = Arrays.copyOfRange(all, 19 + 2 + 4, all.length - 2);
            assertThat(value).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
            assertThat(ByteBuffer.wrap(all, 21, 4).getInt()).isEqualTo(value.length);
        }
    }

    @Test
    void roundsNanosecondsAsTheBackendRoundsATextFraction() {
        long epoch2000 = Instant.parse("2000-01-01T00:00:00Z").getEpochSecond();
        assertThat(BinaryCopyWriter.pgMicros(Instant.parse("2000-01-01T00:00:00Z")))
                .isZero();
        assertThat(BinaryCopyWriter.pgMicros(Instant.parse("1999-12-31T23:59:59Z")))
                .isEqualTo(-1_000_000);
        assertThat(BinaryCopyWriter.pgMicros(Instant.ofEpochSecond(epoch2000, 123_456_789)))
                .isEqualTo(123_457);
        assertThat(BinaryCopyWriter.pgMicros(Instant.ofEpochSecond(epoch2000, 999_999_999)))
                .isEqualTo(1_000_000);
        assertThat(BinaryCopyWriter.pgMicros(Instant.ofEpochSecond(epoch2000, 1_000)))
                .isEqualTo(1);
        // halves are the backend's to round (as a double, half to even): BinaryCopyWriterIT compares with it
    }

    @Test
    void refusesARowOfTheWrongWidth() {
        BinaryCopyWriter out = BinaryCopyWriter.to(new ByteArrayOutputStream(), 2);
        out.int4(1);
        assertThatThrownBy(out::endRow).isInstanceOf(IllegalStateException.class);
    }
}
