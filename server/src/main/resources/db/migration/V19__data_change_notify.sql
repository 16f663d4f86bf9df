-- Every SafeMap server over this database hears at once when what maps show changes (db/DataChanges LISTENs on
-- safemap_data): a load, a purge or a run changes load_batch or hotspot_run, exactly the tables the data version
-- (db/DataVersion) is read from. A notification goes out when its transaction commits, never before, and several in
-- one transaction arrive as one. Statement-level, so a bulk purge costs one notification, not one per row.
CREATE FUNCTION safemap_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('safemap_data', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

CREATE TRIGGER load_batch_data_changed AFTER INSERT OR UPDATE OR DELETE ON load_batch
    FOR EACH STATEMENT EXECUTE FUNCTION safemap_data_changed();

CREATE TRIGGER hotspot_run_data_changed AFTER INSERT OR UPDATE OR DELETE ON hotspot_run
    FOR EACH STATEMENT EXECUTE FUNCTION safemap_data_changed();
