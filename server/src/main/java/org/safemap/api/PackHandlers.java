package org.safemap.api;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.safemap.db.Work;
import org.safemap.pack.Pack;
import org.safemap.pack.PackFormat;
import org.safemap.pack.PackRequest;
import org.safemap.pack.PackService;
import org.safemap.time.PeriodLimit;

/** {@code GET /api/packs}: a tasking pack for an area and a period, as a PDF or a self-contained HTML page. */
final class PackHandlers {
    private final PackService packs;
    private final Access access;
    private final PeriodLimit periods;

    PackHandlers(PackService packs, Access access, PeriodLimit periods) {
        this.packs = packs;
        this.access = access;
        this.periods = periods;
    }

    /** {@code ?area=E08000012&period=2022-07&top=10&categories=&feeds=&format=pdf|html} (format: pdf by default). */
    void get(Context ctx) {
        Map<String, String> params = new LinkedHashMap<>();
        ctx.queryParamMap().forEach((k, v) -> params.put(k, String.join(",", v)));
        PackFormat format = PackFormat.parse(params.getOrDefault("format", "pdf"));
        PackService.File file = packs.make(
                PackRequest.parse(params, periods), format, Principals.of(ctx), message -> Work.checkpoint());
        access.audit(
                ctx,
                "pack",
                Pack.SourceNote.feeds(file.pack().sources()),
                file.pack().hotspots().size());
        ctx.contentType(format.mime())
                .header("Content-Disposition", "inline; filename=\"" + file.filename() + "\"")
                .header("Cache-Control", "no-store")
                .result(file.body());
    }
}
