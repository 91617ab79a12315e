-- Visits carry the visitor's name and company as signed in: the visit log and badge reprints show what
-- was signed, and a day's log reads one table instead of a random lookup per visitor. Erasure clears
-- these copies with the visitor's own record.
ALTER TABLE visits ADD COLUMN visitor_name TEXT NOT NULL DEFAULT '';
ALTER TABLE visits ADD COLUMN visitor_company TEXT;
UPDATE visits SET (visitor_name, visitor_company) =
    (SELECT name, company FROM visitors WHERE visitors.id = visits.visitor_id);
