-- The map services' update sequence (WMS/WMTS UpdateSequence): a number that only ever increases, moved each time
-- the token of what the maps show (data version and protocols) changes. The token itself can go down when batches
-- are purged, so clients could not tell an old document from a new one by it; this number they can.
CREATE TABLE service_sequence (
    id     boolean PRIMARY KEY DEFAULT true CHECK (id),
    token  text   NOT NULL,
    value  bigint NOT NULL
);
INSERT INTO service_sequence (token, value) VALUES ('', 1);
