package org.safemap.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/**
 * What a load counts as it writes, and which the filing of its batch trusts instead of reading the batch again: the
 * UK month a record starts in (as PostgreSQL's {@code AT TIME ZONE 'Europe/London'} gives it), whether the batch is one
 * piece (one month, all ending short or all late, as IncidentPartitions splits them) and its span at stored precision.
 */
class IncidentCountsTallyTest {
    @Test
    void takesTheUkMonthNotTheUtcOne() {
        IncidentCounts.Tally t = new IncidentCounts.Tally();
        // 23:30 UTC on 31 March 2022 is 00:30 on 1 April in London (summer time)
        t.count(
                Instant.parse("2022-03-31T23:30:00Z"),
                Instant.parse("2022-04-01T00:30:00Z"),
                "E01000001",
                "theft",
                "f");
        assertThat(t.months()).containsExactly(LocalDate.of(2022, 4, 1));
        assertThat(t.onlyMonth()).isEqualTo(LocalDate.of(2022, 4, 1));
        assertThat(t.late()).isFalse();
    }

    @Test
    void isOnePieceOnlyForOneMonthWhoseRecordsAllEndShortOrAllLate() {
        IncidentCounts.Tally shortOnes = new IncidentCounts.Tally();
        shortOnes.count(Instant.parse("2022-01-01T00:00:00Z"), Instant.parse("2022-02-01T00:00:00Z"), null, "a", "f");
        shortOnes.count(Instant.parse("2022-01-01T00:00:00Z"), Instant.parse("2022-02-01T00:00:00Z"), "E1", "a", "f");
        assertThat(shortOnes.onlyMonth()).isEqualTo(LocalDate.of(2022, 1, 1));
        assertThat(shortOnes.late()).isFalse();

        // ending exactly two months after the month's start is late, as event_to >= start + 2 months says
        IncidentCounts.Tally mixed = new IncidentCounts.Tally();
        mixed.count(Instant.parse("2022-01-05T10:00:00Z"), Instant.parse("2022-01-05T11:00:00Z"), null, "a", "f");
        mixed.count(Instant.parse("2022-01-06T10:00:00Z"), Instant.parse("2022-03-01T00:00:00Z"), null, "a", "f");
        assertThat(mixed.onlyMonth()).isNull();

        IncidentCounts.Tally late = new IncidentCounts.Tally();
        late.count(Instant.parse("2022-01-06T10:00:00Z"), Instant.parse("2022-03-01T00:00:00Z"), null, "a", "f");
        assertThat(late.onlyMonth()).isEqualTo(LocalDate.of(2022, 1, 1));
        assertThat(late.late()).isTrue();

        IncidentCounts.Tally twoMonths = new IncidentCounts.Tally();
        twoMonths.count(Instant.parse("2022-01-05T10:00:00Z"), Instant.parse("2022-01-05T11:00:00Z"), null, "a", "f");
        twoMonths.count(Instant.parse("2022-02-05T10:00:00Z"), Instant.parse("2022-02-05T11:00:00Z"), null, "a", "f");
        assertThat(twoMonths.onlyMonth()).isNull();
        assertThat(twoMonths.months()).hasSize(2);
    }

    @Test
    void spanIsAtTheMicrosecondsStored() {
        IncidentCounts.Tally t = new IncidentCounts.Tally();
        t.count(
                Instant.parse("2022-01-05T10:00:00.000000400Z"),
                Instant.parse("2022-01-05T11:00:00.123456789Z"),
                null,
                "a",
                "f");
        t.count(Instant.parse("2022-01-03T10:00:00Z"), Instant.parse("2022-01-04T10:00:00Z"), null, "a", "f");
        assertThat(t.span())
                .containsExactly(
                        Instant.parse("2022-01-03T10:00:00Z"),
                        Instant.parse("2022-01-05T10:00:00Z"),
                        Instant.parse("2022-01-04T10:00:00Z"),
                        Instant.parse("2022-01-05T11:00:00.123457Z"));
    }
}
