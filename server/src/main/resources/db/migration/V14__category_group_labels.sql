-- The plain name of each category group (categories.csv names a category's group by its code): packs and reports
-- print these, never the code.
CREATE TABLE category_group (
    code  text PRIMARY KEY,
    label text NOT NULL
);
INSERT INTO category_group (code, label) VALUES
    ('violence', 'Violence'),
    ('acquisitive', 'Acquisitive crime'),
    ('damage', 'Criminal damage and arson'),
    ('asb', 'Anti-social behaviour'),
    ('drugs-weapons', 'Drugs and weapons'),
    ('other', 'Other crime');
