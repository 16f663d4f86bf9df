package org.safemap.actions;

import java.time.Instant;
import java.time.LocalDate;

/**
 * One action the tasking meeting agreed, as stored.
 *
 * @param areaCode     the area it is about (an LSOA hot spot, a ward, an MSOA or a district), ONS code
 * @param areaName     that area's name, or its code when no boundary or lookup names it
 * @param hotspotRunId the stored hot spot run that showed the area as a hot spot, when the action answers one
 * @param agency       the owning agency (a partner, in words)
 * @param owner        the person who owns it
 * @param agreedOn     the day it was agreed; the review compares the incidents before and after its month
 * @param dueOn        when it should be done; null when not set
 * @param version      1 when created, one more at each change
 */
public record TaskingAction(
        long id,
        String areaCode,
        String areaName,
        Long hotspotRunId,
        String problem,
        String action,
        String agency,
        String owner,
        LocalDate agreedOn,
        LocalDate dueOn,
        ActionStatus status,
        String notes,
        Instant createdAt,
        String createdBy,
        Instant updatedAt,
        String updatedBy,
        int version) {}
