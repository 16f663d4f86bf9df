-- The tasking meeting's action log (docs/tasking-pack.md): what the partnership decided to do about a hot spot or an
-- area, who owns it and by when, and how it stands. The next pack reviews each action against the incidents in its
-- area before and after it was agreed. Created and changed through the API by the roles the protocols allow
-- (Policy.requireActionRecorder); every change is in the audit log, and `version` stops a stale edit overwriting a
-- newer one.
CREATE TABLE tasking_action (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- the area the action is about, any ONS level SafeMap knows (an LSOA hot spot, a ward, an MSOA, a district)
    area_code      text        NOT NULL CHECK (area_code ~ '^[A-Za-z0-9_-]{1,40}$'),
    -- the stored hot spot run that showed the area as a hot spot, when the action answers one
    hotspot_run_id bigint      REFERENCES hotspot_run (id) ON DELETE SET NULL,
    problem        text        NOT NULL CHECK (length(problem) BETWEEN 1 AND 2000),
    action         text        NOT NULL CHECK (length(action) BETWEEN 1 AND 2000),
    agency         text        NOT NULL CHECK (length(agency) BETWEEN 1 AND 200),
    owner          text        NOT NULL CHECK (length(owner) BETWEEN 1 AND 200),
    -- the day the meeting agreed it: the review's "before" ends, and its "after" starts, with this day's month
    agreed_on      date        NOT NULL,
    due_on         date,
    status         text        NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'dropped')),
    notes          text        CHECK (length(notes) <= 4000),
    created_at     timestamptz NOT NULL DEFAULT now(),
    created_by     text        NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    updated_by     text        NOT NULL,
    version        integer     NOT NULL DEFAULT 1
);
CREATE INDEX tasking_action_area_idx ON tasking_action (area_code, agreed_on);
