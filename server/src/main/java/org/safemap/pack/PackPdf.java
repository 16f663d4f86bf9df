package org.safemap.pack;

import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * Renders the pack's XHTML to PDF with openhtmltopdf (CSS paged media on PDFBox): one template, two outputs. The
 * text is set in DejaVu Sans when the system has it (Debian's fonts-dejavu-core, which fontconfig needs), embedded
 * so any character of an area's name prints and the PDF's text can be searched and extracted; otherwise in
 * Helvetica, one of the PDF's built-in fonts.
 */
final class PackPdf {
    private static final File DEJAVU = new File("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    private static final File DEJAVU_BOLD = new File("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf");

    static {
        // openhtmltopdf logs every stage at INFO through java.util.logging; a pack is one line in SafeMap's log
        com.openhtmltopdf.util.XRLog.listRegisteredLoggers()
                .forEach(name -> com.openhtmltopdf.util.XRLog.setLevel(name, java.util.logging.Level.WARNING));
    }

    private PackPdf() {}

    static byte[] render(String xhtml) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        try {
            PdfRendererBuilder b = new PdfRendererBuilder();
            b.useFastMode();
            if (DEJAVU.canRead() && DEJAVU_BOLD.canRead()) {
                b.useFont(DEJAVU, "DejaVu Sans", 400, PdfRendererBuilder.FontStyle.NORMAL, true);
                b.useFont(DEJAVU_BOLD, "DejaVu Sans", 700, PdfRendererBuilder.FontStyle.NORMAL, true);
            }
            b.withHtmlContent(xhtml, null);
            b.toStream(out);
            b.run();
        } catch (IOException | RuntimeException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not lay the pack out as PDF", e);
        }
        return out.toByteArray();
    }
}
