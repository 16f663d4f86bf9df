package org.safemap.publish;

/**
 * One GeoServer resource to create or update: GET the item first, then POST to the collection when it is absent or
 * PUT to the item when it is there, so publishing twice updates and never duplicates.
 *
 * @param kind           what it is, for messages: workspace, datastore, style, featuretype, layer, layergroup
 * @param name           its name
 * @param itemPath       the item's path under /rest, without a format suffix
 * @param collectionPath where a new one is POSTed, or null when GeoServer creates it itself (a layer comes with its
 *                       feature type)
 * @param createQuery    query string of the POST (a style's name), or empty
 * @param updateQuery    query string of the PUT (recalculate a feature type's bounds), or empty
 * @param updatable      false when an existing one is left as it is (a workspace has nothing to update)
 * @param contentType    the body's media type
 * @param body           the body, sent as it is
 * @param summary        what the body says, for the dry run and messages; never a secret
 */
public record Upsert(
        String kind,
        String name,
        String itemPath,
        String collectionPath,
        String createQuery,
        String updateQuery,
        boolean updatable,
        String contentType,
        byte[] body,
        String summary) {}
