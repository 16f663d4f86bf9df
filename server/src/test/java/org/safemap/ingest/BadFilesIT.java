package org.safemap.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.safemap.testing.SourceFiles.POLICE_UK_HEADER;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safemap.App;
import org.safemap.db.Database;
import org.safemap.files.InputFormatException;
import org.safemap.sharing.Principal;
import org.safemap.sharing.Role;
import org.safemap.testing.CliRun;
import org.safemap.testing.Http;
import org.safemap.testing.SourceFiles;
import org.safemap.testing.Sql;
import org.safemap.testing.TestDatabase;
import org.safemap.testing.TestPrincipals;
import org.safemap.testing.TestSettings;

/**
 * Files that are not what they claim, through the real loader, {@code safemap ingest} and the upload API: each gets
 * one short message naming the file and saying what it is, never a stack trace, and leaves nothing behind.
 */
class BadFilesIT {
    private static final FeedDefinition POLICE_UK = FeedCatalog.builtIn().get("police-uk");
    private static final String GOOD_ROW = "a1,2022-05,Merseyside Police,Merseyside Police,-2.98,53.40,On or near "
            + "Bold Street,E01006512,Liverpool 060A,Burglary,,\n";

    @AutoClose
    private static Database db;

    private static App app;
    private static byte[] realMonth;

    @TempDir
    static Path dir;

    @BeforeAll
    static void setUp() throws IOException {
        db = TestDatabase.fresh("bad_files");
        try (InputStream in =
                BadFilesIT.class.getClassLoader().getResourceAsStream("demo/2022-05-liverpool-street.csv.gz")) {
            realMonth = in.readAllBytes();
        }
        // An administrator of the police partner may load police-uk under any rule for who loads a feed.
        app = App.start(
                TestSettings.defaults(),
                db,
                TestPrincipals.fixed(
                        new Principal("test-admin", Role.ADMIN, "police", "strategic-assessment", "test")));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    /** Each bad file and the one message it must get (after the file's name). */
    private static Map<String, byte[]> badFiles() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("logo.csv", bytes(0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'));
        files.put("crimes.xlsx.csv", bytes('P', 'K', 3, 4, 20, 0, 6, 0, 8, 0));
        byte[] random = new byte[65_536];
        new Random(16).nextBytes(random);
        random[0] = 'x'; // no accidental magic number
        files.put("random.csv", random);
        files.put("cut.csv.gz", Arrays.copyOf(realMonth, realMonth.length / 2));
        byte[] flipped = realMonth.clone();
        for (int i = realMonth.length / 3; i < realMonth.length / 3 + 64; i++) {
            flipped[i] ^= (byte) 0x5A;
        }
        files.put("damaged.csv.gz", flipped);
        ByteArrayOutputStream utf16 = new ByteArrayOutputStream();
        utf16.writeBytes(bytes(0xFF, 0xFE));
        utf16.writeBytes((POLICE_UK_HEADER + GOOD_ROW).getBytes(StandardCharsets.UTF_16LE));
        files.put("excel-unicode.csv", utf16.toByteArray());
        files.put("utf16-no-bom.csv", (POLICE_UK_HEADER + GOOD_ROW).getBytes(StandardCharsets.UTF_16BE));
        files.put("empty.csv", new byte[0]);
        files.put("twice.csv.gz", gzip(gzip((POLICE_UK_HEADER + GOOD_ROW).getBytes(StandardCharsets.UTF_8))));
        return files;
    }

    private static final Map<String, String> MESSAGES = Map.of(
            "logo.csv",
            "logo.csv: this is a PNG image",
            "crimes.xlsx.csv",
            "crimes.xlsx.csv: this is a ZIP archive (an Excel .xlsx workbook is one); export the "
                    + "sheet as 'CSV UTF-8'",
            "random.csv",
            "random.csv: this is binary data, not CSV or GeoJSON text (is it the right file?)",
            "cut.csv.gz",
            "cut.csv.gz: the gzip-compressed data is cut short (Unexpected end of ZLIB input stream); "
                    + "send the whole file again",
            "excel-unicode.csv",
            "excel-unicode.csv: this is UTF-16 text; save it as UTF-8 (in Excel: 'CSV UTF-8 " + "(Comma delimited)')",
            "utf16-no-bom.csv",
            "utf16-no-bom.csv: this is UTF-16 text; save it as UTF-8 (in Excel: 'CSV UTF-8 " + "(Comma delimited)')",
            "empty.csv",
            "empty.csv line 1: the file is empty; expected a header row",
            "twice.csv.gz",
            "twice.csv.gz: this is gzip-compressed twice; decompress it once");

    @Test
    void theLoaderRefusesEachWithOneShortMessageAndKeepsNothing() {
        IncidentLoader loader = new IncidentLoader(db.dataSource());
        long batches = Sql.count(db, "SELECT count(*) FROM load_batch");
        badFiles().forEach((name, content) -> {
            var refused = assertThatThrownBy(() -> loader.load(SourceFiles.bytes(name, content), POLICE_UK, null))
                    .as(name)
                    .isInstanceOf(InputFormatException.class);
            if (name.equals("damaged.csv.gz")) {
                refused.message()
                        .startsWith("damaged.csv.gz: the gzip-compressed data is corrupt (")
                        .endsWith("); send the whole file again");
            } else {
                refused.hasMessage(MESSAGES.get(name));
            }
        });
        assertThat(Sql.count(db, "SELECT count(*) FROM load_batch")).isEqualTo(batches);
        assertThat(Sql.count(
                        db,
                        "SELECT count(*) FROM pg_tables WHERE schemaname = 'batches' AND tablename NOT IN "
                                + "(SELECT 'incident_' || id FROM load_batch)"))
                .isZero();
    }

    @Test
    void ingestPrintsOneLinePerBadFileAndNoStackTrace() throws IOException {
        Map<String, byte[]> files = badFiles();
        String[] args = new String[files.size() + 4];
        args[0] = "ingest";
        args[1] = "--feed";
        args[2] = "police-uk";
        int i = 3;
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path file = dir.resolve(f.getKey());
            Files.write(file, f.getValue());
            args[i++] = file.toString();
        }
        Path headerOnly = dir.resolve("header-only.csv");
        Files.writeString(headerOnly, POLICE_UK_HEADER);
        args[i] = headerOnly.toString();

        CliRun.Result r = CliRun.run(Map.of("SAFEMAP_DB_URL", CliRun.url(db.target())), args);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("unexpected error");
        String[] lines = r.out().strip().split("\n");
        assertThat(lines).hasSize(files.size() + 1);
        for (String name : files.keySet()) {
            assertThat(lines)
                    .as(name)
                    .anySatisfy(line -> assertThat(line).startsWith(name + ": refused, nothing loaded: " + name));
        }
        assertThat(r.out()).contains("logo.csv: refused, nothing loaded: " + MESSAGES.get("logo.csv") + "\n");
        // A header with no rows is a month with nothing to report: an empty batch, said plainly.
        assertThat(lines[lines.length - 1])
                .startsWith("header-only.csv: batch ")
                .contains("0 rows read, 0 loaded, 0 quarantined")
                .endsWith("; the file holds a header and no rows");
    }

    @Test
    void theUploadApiRefusesEachWithTheJsonErrorShapeWhileTheGoodFileLoads() {
        Map<String, byte[]> files = new LinkedHashMap<>(badFiles());
        files.put("good.csv", (POLICE_UK_HEADER + GOOD_ROW.replace("a1,", "up1,")).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r =
                Http.postFiles("http://127.0.0.1:" + app.port() + "/api/feeds/police-uk/uploads", "file", files);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        JsonNode uploads = Http.json(r).path("uploads");
        assertThat(uploads.size()).isEqualTo(files.size());
        for (JsonNode upload : uploads) {
            String name = upload.path("file").asText();
            if (name.equals("good.csv")) {
                assertThat(upload.path("status").asText()).isEqualTo("loaded");
                assertThat(upload.path("batch").path("accepted").asInt()).isEqualTo(1);
                continue;
            }
            assertThat(upload.path("status").asText()).as(name).isEqualTo("refused");
            assertThat(upload.path("error").path("error").asText()).as(name).isEqualTo("bad_input");
            String message = upload.path("error").path("message").asText();
            assertThat(message).as(name).startsWith(name).doesNotContain("\n").doesNotContain("Exception");
            if (MESSAGES.containsKey(name)) {
                assertThat(message).isEqualTo(MESSAGES.get(name));
            }
        }
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] gzip(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
