package org.safemap.map;

/**
 * Who runs the map services and where each layer's metadata is, as settings give them: capabilities carry the
 * contact as ContactInformation and each layer's metadata address as MetadataURL.
 *
 * @param organisation the partnership or organisation answering for the service
 * @param person       a named contact, or blank
 * @param email        a contact address, or blank
 * @param metadataUrl  each layer's metadata address, {@code {layer}} standing for its name and {@code {base}} for
 *                     the server's address (blank: the layer's entry in the server's own layer list)
 */
public record ServiceInfo(String organisation, String person, String email, String metadataUrl) {
    public static final ServiceInfo DEFAULT = new ServiceInfo("SafeMap partnership", "", "", "");

    public ServiceInfo {
        organisation = organisation == null || organisation.isBlank() ? DEFAULT_ORGANISATION : organisation.trim();
        person = person == null ? "" : person.trim();
        email = email == null ? "" : email.trim();
        metadataUrl = metadataUrl == null ? "" : metadataUrl.trim();
    }

    private static final String DEFAULT_ORGANISATION = "SafeMap partnership";

    /** The metadata address of {@code layer}, for a service at {@code serviceUrl} (the WMS's own address). */
    String metadataUrl(String layer, String serviceUrl) {
        String base = serviceUrl.replaceAll("/(wms|wmts)$", "");
        String template = metadataUrl.isEmpty() ? "{base}/api/layers#{layer}" : metadataUrl;
        return template.replace("{base}", base).replace("{layer}", layer);
    }

    /** The metadata's format, from its address. */
    String metadataFormat(String url) {
        return url.contains("/api/") || url.endsWith(".json") ? "application/json" : "text/html";
    }
}
