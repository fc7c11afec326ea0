#!/bin/sh
# The role script (#13, #14) for a DBA: creates or updates madoguchi_owner, madoguchi_staff and
# madoguchi_resident with their passwords, hands database madoguchi to the owner, lets only the
# two runtime roles connect. It runs the SQL the app itself prints (`madoguchi db roles
# --print-sql`), as the PostgreSQL superuser, on the current Patroni leader. Safe to run again
# (after an upgrade, or to change a password). scripts/cluster does the same at every `up`.
#
#   PGHOST=pg-primary.madoguchi.internal PGPORT=5000 PGUSER=postgres PGSSLMODE=verify-full \
#   PGSSLROOTCERT=/etc/madoguchi/pg-ca.pem MADOGUCHI_PASSWORDS=/root/madoguchi-db-passwords \
#     sh deploy/madoguchi/db-roles.sh [/opt/madoguchi/bin/madoguchi]
#
# MADOGUCHI_PASSWORDS names a file (0600) with three lines (generate each with
# `openssl rand -base64 33 | tr -dc A-Za-z0-9`, so they can sit in a URL unescaped):
#   madoguchi_owner_password=...
#   madoguchi_staff_password=...
#   madoguchi_resident_password=...
# The passwords reach psql on standard input (\set), never on a command line. The superuser's own
# password comes from ~/.pgpass or PGPASSWORD as usual.
#
# First time only, before this script: CREATE DATABASE madoguchi ENCODING 'UTF8' LOCALE 'C.UTF-8'
# TEMPLATE template0;  Afterwards start one staff instance: it migrates as madoguchi_owner
# (DATABASE_URL) and applies the table privileges.
set -eu
BIN="${1:-/opt/madoguchi/bin/madoguchi}"
FILE="${MADOGUCHI_PASSWORDS:?set MADOGUCHI_PASSWORDS to the password file}"
[ -r "$FILE" ] || { echo "db-roles.sh: cannot read $FILE" >&2; exit 1; }
case "$(stat -c %a "$FILE")" in 600|400) ;; *) echo "db-roles.sh: $FILE must be mode 0600" >&2; exit 1 ;; esac
for role in madoguchi_owner madoguchi_staff madoguchi_resident; do
  pw="$(sed -n "s/^${role}_password=//p" "$FILE")"
  [ -n "$pw" ] || { echo "db-roles.sh: no ${role}_password in $FILE" >&2; exit 1; }
  case "$pw" in *[!A-Za-z0-9]*) echo "db-roles.sh: ${role}_password: use letters and digits only" >&2; exit 1 ;; esac
done
{
  sed -n 's/^\(madoguchi_[a-z]*_password\)=\(.*\)$/\\set \1 '"'"'\2'"'"'/p' "$FILE"
  echo "SET password_encryption = 'scram-sha-256';"
  "$BIN" db roles --print-sql --database madoguchi
} | psql -X -q -v ON_ERROR_STOP=1 -d madoguchi -f -
echo "roles madoguchi_owner, madoguchi_staff, madoguchi_resident are set up in database madoguchi"
