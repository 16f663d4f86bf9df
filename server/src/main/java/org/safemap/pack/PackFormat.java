package org.safemap.pack;

import java.util.Locale;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/** The files a pack comes as. */
public enum PackFormat {
    PDF("application/pdf", "pdf"),
    HTML("text/html; charset=UTF-8", "html"),
    /** An editable copy (Word, LibreOffice) for the analyst's commentary: {@link PackDocx}. */
    DOCX("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx");

    private final String mime;
    private final String extension;

    PackFormat(String mime, String extension) {
        this.mime = mime;
        this.extension = extension;
    }

    public String mime() {
        return mime;
    }

    public String extension() {
        return extension;
    }

    public static PackFormat parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "pdf" -> PDF;
            case "html", "htm" -> HTML;
            case "docx" -> DOCX;
            default ->
                throw new SafemapException(
                        ErrorCode.BAD_REQUEST, "format '" + text + "' is not offered; use pdf, html or docx");
        };
    }
}
