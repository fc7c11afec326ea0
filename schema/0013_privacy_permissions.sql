-- 0013 privacy permissions (#13): replacing the registry extract is the administrators' own
-- right (it was anyone's who could look a resident up), and storing a document that looks like
-- an application form without the individual-number mask needs a right of its own.
INSERT INTO role_permission (role_name, permission)
SELECT r, p FROM (VALUES ('administrator', 'registry.import'), ('administrator', 'documents.unmasked')) AS t(r, p)
WHERE EXISTS (SELECT FROM role WHERE name = t.r)
ON CONFLICT DO NOTHING;
