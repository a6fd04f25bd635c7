-- The office the client driver tests log in to (test/t/060_client_drivers.pl
-- runs this as the superuser in a fresh cluster): rectify on the search_path
-- as docs/reference.md advises, an administrator cd_adam and an officer
-- cd_olga (login roles, no password: the test cluster trusts 127.0.0.1),
-- one unit the officer acts for.
CREATE EXTENSION rectify;
ALTER DATABASE postgres SET search_path = "$user", public, rectify;
SELECT rectify.setup_roles('cd_admin', 'cd_officer', 'cd_verifier', NULL);
CREATE ROLE cd_adam LOGIN IN ROLE cd_admin;
CREATE ROLE cd_olga LOGIN;
SET ROLE cd_adam;
SELECT rectify.unit('保定市生态环境局', '130600');
RESET ROLE;
SELECT rectify.bind_officer('cd_olga', '保定市生态环境局');
