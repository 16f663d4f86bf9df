package org.safemap.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.pack.Pack;
import org.safemap.pack.PackFormat;
import org.safemap.pack.PackRequest;
import org.safemap.pack.PackService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code safemap pack}: a tasking pack for an area and a period, written as PDF or HTML. */
@Command(
        name = "pack",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "A tasking pack for a Community Safety Partnership meeting: headline counts against the "
                    + "previous period and a year earlier, a density map with the top hot spots numbered, a map and row "
                    + "per hot spot (count, rate, change, Gi*, emerging class, deprivation), emerging and persistent "
                    + "hot spots, repeat locations, and a footnote naming every source. The runs it makes are stored "
                    + "and cited.",
            "",
            "Example: safemap pack --area E08000012 --period 2022-07 --out pack.pdf",
            "         safemap pack --area E05000886 --period 2022-05..2022-07 --category violence --out pack.html"
        })
final class PackCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @Mixin
    ActingAs actingAs = new ActingAs();

    @Option(
            names = "--area",
            required = true,
            paramLabel = "CODE",
            description = "ONS code of a district, MSOA, ward or LSOA, e.g. E08000012 (Liverpool).")
    String area;

    @Option(
            names = "--period",
            required = true,
            paramLabel = "PERIOD",
            description = "A month (2022-07), a range of months (2022-05..2022-07) or days (2022-07-01..2022-07-14).")
    String period;

    @Option(
            names = "--top",
            defaultValue = "10",
            paramLabel = "N",
            description = "Hot spots to list, 1 to " + PackRequest.MAX_TOP + ". Default: ${DEFAULT-VALUE}.")
    int top;

    @Option(
            names = "--category",
            split = ",",
            paramLabel = "CODE",
            description = "Taxonomy codes or groups (violence, acquisitive, asb ...). Default: all.")
    List<String> categories;

    @Option(names = "--feed", split = ",", paramLabel = "FEED", description = "Feeds. Default: all.")
    List<String> feeds;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "FILE",
            description = "Where to write the pack; its extension (.pdf, .html) chooses the format.")
    Path out;

    @Option(names = "--format", paramLabel = "pdf|html", description = "Overrides the extension.")
    String format;

    @Override
    public Integer call() {
        PackFormat f = format != null ? PackFormat.parse(format) : fromExtension(out);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("area", area);
        p.put("period", period);
        p.put("top", String.valueOf(top));
        if (categories != null) {
            p.put("categories", String.join(",", categories));
        }
        if (feeds != null) {
            p.put("feeds", String.join(",", feeds));
        }
        PackRequest request = PackRequest.parse(p);
        Terminal t = cli.terminal();
        long start = System.nanoTime();
        PackService.File file =
                cli.services().packs().make(request, f, actingAs.principal(), message -> t.line("  " + message));
        cli.audit(
                actingAs.principal(),
                "pack",
                "safemap pack " + out.getFileName(),
                Pack.SourceNote.feeds(file.pack().sources()),
                file.pack().hotspots().size());
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(out, file.body());
        } catch (IOException e) {
            throw new SafemapException(ErrorCode.WRITE_FAILED, "could not write " + out + ": " + e.getMessage(), e);
        }
        Pack pack = file.pack();
        t.line(String.format(
                Locale.UK,
                "wrote %s (%s, %,d KB) in %.1f s: %s, %s, %d hot spots; runs %s",
                out,
                f.extension(),
                file.body().length / 1024,
                (System.nanoTime() - start) / 1e9,
                pack.area().name(),
                pack.request().period().label(),
                pack.hotspots().size(),
                String.join(
                        ", ",
                        pack.runs().stream().map(r -> String.valueOf(r.id())).toList())));
        pack.notes().forEach(n -> t.line("note: " + n));
        return Cli.OK;
    }

    private static PackFormat fromExtension(Path out) {
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "--out " + out + " has no extension; name it .pdf or .html, " + "or give --format");
        }
        return PackFormat.parse(name.substring(dot + 1));
    }
}
