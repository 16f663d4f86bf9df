package org.safemap.ingest;

/**
 * A row refused by validation; it goes to quarantine with its reason and its content.
 *
 * @param lineNo    line in the source file (header = 1)
 * @param field     the offending field, or null when the row as a whole is wrong
 * @param reason    one sentence a data custodian can act on
 * @param rawRecord the row's content
 */
public record Rejection(int lineNo, String field, String reason, String rawRecord) {}
