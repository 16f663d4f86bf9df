package org.safemap.map;

/** OGC ServiceExceptionReport documents, in the form of each WMS version (1.3.0 schema, 1.1.1 DTD). */
public final class ExceptionReport {
    private ExceptionReport() {}

    public static String xml(OgcException e, WmsVersion version) {
        Xml x = new Xml().declaration();
        if (version == WmsVersion.V1_1_1) {
            x.raw("<!DOCTYPE ServiceExceptionReport SYSTEM "
                    + "\"http://schemas.opengis.net/wms/1.1.1/exception_1_1_1.dtd\">\n");
            x.start("ServiceExceptionReport").attr("version", "1.1.1");
            x.start("ServiceException")
                    .attr("code", e.code())
                    .text(e.getMessage())
                    .end();
        } else {
            x.start("ServiceExceptionReport")
                    .attr("version", "1.3.0")
                    .attr("xmlns", "http://www.opengis.net/ogc")
                    .attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
                    .attr(
                            "xsi:schemaLocation",
                            "http://www.opengis.net/ogc "
                                    + "http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd");
            x.start("ServiceException")
                    .attr("code", e.code())
                    .attr("locator", e.locator())
                    .text(e.getMessage())
                    .end();
        }
        return x.toString();
    }
}
