package org.safemap.publish;

/**
 * How GeoServer reaches SafeMap's PostGIS: the address as GeoServer sees it (in docker compose the service name,
 * not SafeMap's own 127.0.0.1), the role it logs in as and the schema of the views it publishes. The password goes
 * into the datastore's connection parameters, which GeoServer stores encrypted; it is never printed.
 *
 * @param host     database host as GeoServer resolves it
 * @param port     database port
 * @param database database name
 * @param user     role GeoServer logs in as (ideally one granted only the geoserver schema; see docs/deploy.md)
 * @param password that role's password
 */
public record DatastoreParams(String host, int port, String database, String user, String password) {
    /** The schema of the stable views (db/migration/V9__geoserver_views.sql). */
    public static final String SCHEMA = "geoserver";

    /** host:port/database, safe to print. */
    public String description() {
        return host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return description() + " as " + user;
    }
}
