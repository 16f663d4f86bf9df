package org.safemap.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped migrations as the launcher's jar holds them: listed from a jar as from a folder. */
class ShippedMigrationsTest {
    private static final String V1 = "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n";

    private static Path jar(Path dir, boolean folderEntries) throws IOException {
        Path jar = dir.resolve(folderEntries ? "with-folders.jar" : "without-folders.jar");
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file)) {
            if (folderEntries) {
                out.putNextEntry(new JarEntry("db/"));
                out.putNextEntry(new JarEntry("db/migration/"));
            }
            String[][] files = {
                {"db/migration/V1__first.sql", V1},
                {"db/migration/V2_1__second.sql", "SELECT 1;\n"},
                {"db/migration/V10__tenth.sql", "SELECT 10;\n"},
                {"db/migration/R__views.sql", "SELECT 2;\n"},
                {"db/migration/notes.txt", "not a migration"},
            };
            for (String[] f : files) {
                out.putNextEntry(new JarEntry(f[0]));
                out.write(f[1].getBytes(StandardCharsets.UTF_8));
            }
        }
        return jar;
    }

    @Test
    void listsTheMigrationsInAJarAsInAFolder(@TempDir Path dir) throws IOException {
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {jar(dir, true).toUri().toURL()}, null)) {
            ShippedMigrations shipped = ShippedMigrations.on(loader);
            assertThat(shipped.size()).isEqualTo(4);
            assertThat(shipped.latestVersion()).isEqualTo("10"); // by number, not as text ("2.1" < "10")
        }
    }

    @Test
    void aJarWithoutFolderEntriesListsNoneSoEveryCommandMigrates(@TempDir Path dir) throws IOException {
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {jar(dir, false).toUri().toURL()}, null)) {
            ShippedMigrations shipped = ShippedMigrations.on(loader);
            assertThat(shipped.size()).isZero();
            assertThat(shipped.latestVersion()).isNull();
        }
    }

    @Test
    void checksumReadsLinesSoLineEndingsAndAByteOrderMarkDoNotCount() throws IOException {
        int unix = checksum(V1);
        assertThat(checksum(V1.replace("\n", "\r\n"))).isEqualTo(unix);
        assertThat(checksum("\uFEFF" + V1)).isEqualTo(unix);
        assertThat(checksum(V1.replace("b (id", "c (id"))).isNotEqualTo(unix);
    }

    private static int checksum(String text) throws IOException {
        return ShippedMigrations.checksum(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }
}
