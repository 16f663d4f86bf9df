package org.safemap.pack;

import com.openhtmltopdf.extend.ReplacedElement;
import com.openhtmltopdf.extend.ReplacedElementFactory;
import com.openhtmltopdf.extend.UserAgentCallback;
import com.openhtmltopdf.layout.LayoutContext;
import com.openhtmltopdf.layout.SharedContext;
import com.openhtmltopdf.pdfboxout.PdfBoxImage;
import com.openhtmltopdf.pdfboxout.PdfBoxImageElement;
import com.openhtmltopdf.pdfboxout.PdfBoxRenderer;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import com.openhtmltopdf.render.BlockBox;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSInteger;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.graphics.color.PDIndexed;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.w3c.dom.Element;

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

    private static final String SCHEME = "safemap-picture:";

    /** The {@code src} by which the markup refers to a picture that {@link #render(String, List)} is given. */
    static String src(MapPicture picture) {
        return SCHEME + picture.name();
    }

    static byte[] render(String xhtml) {
        return render(xhtml, List.of());
    }

    /**
     * The PDF of {@code xhtml}. An {@code img} whose {@code src} is a picture's {@link #src} shows that picture's
     * indexed pixels ({@link MapPicture#indexed}: the very pixels of the HTML's PNG) as one Flate-compressed
     * {@code /Indexed} image, without the round trip a PNG data URI costs (PNG row filters and compression, then
     * openhtmltopdf reading the PNG again for PDFBox).
     */
    static byte[] render(String xhtml, List<MapPicture> pictures) {
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
            try (PdfBoxRenderer renderer = b.buildPdfRenderer()) {
                SharedContext shared = renderer.getSharedContext();
                shared.setReplacedElementFactory(
                        new Pictures(shared.getReplacedElementFactory(), pictures, renderer.getPdfDocument()));
                renderer.createPDF();
            }
        } catch (IOException | RuntimeException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not lay the pack out as PDF", e);
        }
        return out.toByteArray();
    }

    /**
     * openhtmltopdf's replaced elements, except that an {@code img} naming one of the pictures is that picture: an
     * image of its size in pixels (so it is laid out exactly as its PNG would be), drawn from an image XObject made
     * once per picture however often the layout asks.
     */
    private static final class Pictures implements ReplacedElementFactory {
        private final ReplacedElementFactory base;
        private final Map<String, MapPicture> bySrc = new HashMap<>();
        private final Map<String, PDImageXObject> made = new HashMap<>();
        private final PDDocument document;

        Pictures(ReplacedElementFactory base, List<MapPicture> pictures, PDDocument document) {
            this.base = base;
            this.document = document;
            pictures.forEach(p -> bySrc.put(src(p), p));
        }

        @Override
        public ReplacedElement createReplacedElement(
                LayoutContext c, BlockBox box, UserAgentCallback uac, int cssWidth, int cssHeight) {
            Element e = box.getElement();
            MapPicture picture = e != null && e.getNodeName().equals("img") ? bySrc.get(e.getAttribute("src")) : null;
            if (picture == null) {
                return base.createReplacedElement(c, box, uac, cssWidth, cssHeight);
            }
            PDImageXObject xobject = made.computeIfAbsent(picture.name(), name -> indexed(document, picture.indexed()));
            // as openhtmltopdf's own user agent sizes an image it loaded: its pixels at the output's dots per pixel
            float dots = c.getSharedContext().getDotsPerPixel();
            PdfBoxImage image =
                    new PdfBoxImage(null, picture.name(), picture.width() * dots, picture.height() * dots, xobject);
            return new PdfBoxImageElement(
                    e, image, c.getSharedContext(), box.getStyle().isImageRenderingInterpolate());
        }

        @Override
        public boolean isReplacedElement(Element e) {
            return base.isReplacedElement(e);
        }
    }

    /** PNG's compression level as {@link org.safemap.map.ImageEncoder} writes it: fast, a few per cent larger. */
    private static final int DEFLATE_LEVEL = 4;

    /**
     * An 8-bit indexed image as a PDF image: {@code /Indexed /DeviceRGB} with the image's palette, one byte per pixel,
     * Flate-compressed. The palette's alpha is dropped: the pictures are opaque.
     */
    static PDImageXObject indexed(PDDocument document, BufferedImage indexed) {
        IndexColorModel model = (IndexColorModel) indexed.getColorModel();
        int size = model.getMapSize();
        byte[] lookup = new byte[3 * size];
        for (int k = 0; k < size; k++) {
            lookup[3 * k] = (byte) model.getRed(k);
            lookup[3 * k + 1] = (byte) model.getGreen(k);
            lookup[3 * k + 2] = (byte) model.getBlue(k);
        }
        COSArray space = new COSArray();
        space.add(COSName.INDEXED);
        space.add(COSName.DEVICERGB);
        space.add(COSInteger.get(size - 1));
        space.add(new COSString(lookup));
        byte[] pixels = ((DataBufferByte) indexed.getRaster().getDataBuffer()).getData();
        ByteArrayOutputStream packed = new ByteArrayOutputStream(pixels.length / 4);
        Deflater deflater = new Deflater(DEFLATE_LEVEL);
        try (DeflaterOutputStream z = new DeflaterOutputStream(packed, deflater, 1 << 16)) {
            z.write(pixels);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deflater.end();
        }
        try {
            return new PDImageXObject(
                    document,
                    new ByteArrayInputStream(packed.toByteArray()),
                    COSName.FLATE_DECODE,
                    indexed.getWidth(),
                    indexed.getHeight(),
                    8,
                    new PDIndexed(space));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
