-- A quarantined row that holds a NUL character (a zero byte), which no text column can store, is kept exactly here
-- as its UTF-8 bytes; raw_record then shows it with U+2400 (␀) in place of each NUL. NULL for every other row, whose
-- raw_record is exact.
ALTER TABLE quarantine ADD COLUMN raw_bytes bytea;
