-- Where each batch's records lie, so that a read of a box plans over the batches that can hold a record in it, not
-- over every batch of its period (IncidentPartitions.meeting): partition pruning by batch_id happens before a
-- partition is opened, while a batch's own index must be opened, at planning, to find it holds nothing in the box.
-- extent: the bounding box of the batch's records (EPSG:27700), null for a batch of no records; records are never
-- moved, so it is set once, by IncidentPartitions.place for new batches and here for existing ones.
-- linked: some record of the batch is linked to another feed's as one event (Linker sets it), so a read of a box
-- that counts an event once must read such batches' linked records wherever they lie.
ALTER TABLE load_batch ADD COLUMN extent geometry(Geometry, 27700), ADD COLUMN linked boolean NOT NULL DEFAULT false;

UPDATE load_batch b SET extent = e.extent, linked = e.linked
FROM (SELECT batch_id, ST_SetSRID(ST_Extent(geom)::geometry, 27700) AS extent, bool_or(event_id IS NOT NULL) AS linked
      FROM incident GROUP BY batch_id) e
WHERE e.batch_id = b.id;
