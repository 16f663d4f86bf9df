package org.safemap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/api.md's error table lists exactly the {@link ErrorCode}s, each with its status, and nothing else. */
class ErrorCodeDocsTest {
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z_]+)` \\| (\\d{3}) \\| (.+) \\|$");

    /** code -> status, from the table whose header is {@code | `error` | status | when |}. */
    static Map<String, Integer> documented(String markdown) {
        Map<String, Integer> rows = new LinkedHashMap<>();
        boolean inTable = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("| `error` | status |")) {
                inTable = true;
                continue;
            }
            if (!inTable || line.startsWith("|---")) {
                continue;
            }
            if (!line.startsWith("|")) {
                break;
            }
            Matcher m = ROW.matcher(line);
            assertThat(m.matches())
                    .as("a row of one code, its status and its meaning: " + line)
                    .isTrue();
            assertThat(rows.put(m.group(1), Integer.parseInt(m.group(2))))
                    .as("listed once: " + m.group(1))
                    .isNull();
        }
        return rows;
    }

    @Test
    void apiDocsListExactlyTheErrorCodesWithTheirStatus() throws IOException {
        Map<String, Integer> docs = documented(Files.readString(Path.of("..", "docs", "api.md")));
        Map<String, Integer> codes = new LinkedHashMap<>();
        for (ErrorCode c : ErrorCode.values()) {
            codes.put(c.wire(), c.status());
        }
        assertThat(docs.keySet()).as("documented but not in ErrorCode").isSubsetOf(codes.keySet());
        assertThat(codes.keySet()).as("in ErrorCode but not documented").isSubsetOf(docs.keySet());
        assertThat(docs).isEqualTo(codes);
    }

    @Test
    void readsTheTableAndNoticesAMissingOrExtraCode() {
        String table = """
                text before
                | `error` | status | when |
                |---|---|---|
                | `bad_request` | 400 | a parameter is wrong |
                | `internal_error` | 500 | a defect |

                | `other_table` | 200 | not read |
                """;
        assertThat(documented(table)).containsExactly(Map.entry("bad_request", 400), Map.entry("internal_error", 500));
    }

    @Test
    void onlyCallerAndTemporaryCodesAreShownToClientsAndDefectsAre500() {
        for (ErrorCode c : ErrorCode.values()) {
            switch (c.fault()) {
                case CALLER ->
                    assertThat(c.status()).as(c.wire()).isBetween(400, 505).isNotEqualTo(500);
                case TEMPORARY -> assertThat(c.status()).as(c.wire()).isEqualTo(503);
                case SETUP, DEFECT -> assertThat(c.status()).as(c.wire()).isEqualTo(500);
            }
            assertThat(c.shownToClient()).as(c.wire()).isEqualTo(c.status() != 500);
            assertThat(ErrorCode.ofWire(c.wire())).isSameAs(c);
        }
    }
}
