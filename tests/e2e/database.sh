#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# registrar --database (issue 20) on SQLite, no server needed: the flag and the variable
# checked before use, the path init records, init refused beside the registrations it would
# leave, and a data directory whose issuer key a rotation elsewhere replaced (two data
# directories on one database file, as two servers on one PostgreSQL database) signing
# nothing. tests/pg/ runs the PostgreSQL side.
. "$(dirname "$0")/lib.sh"
scratch
"$TG" init >/dev/null
"$TG" create --billing-model Development --host "$HOSTS/node1.json" -o t.txt >/dev/null
SHARED=$WORK/shared.db
tree() { snapshot "$WORK/a"; snapshot "$WORK/b"; ls "$WORK" | grep -v -x -e out -e err; }

# the flag and the variable, before anything is made
before=$(tree)
expect_exit 2 "a relative path" "$RG" --data-dir "$WORK/a" init --database shared.db
one_line_error "a relative path" 'registrar: --database: give a postgresql:// URL or an absolute path, not "shared.db"'
expect_exit 2 "a relative path in the variable" env AIRREG_DATABASE=shared.db "$RG" --data-dir "$WORK/a" init
one_line_error "a relative path in the variable" 'registrar: $AIRREG_DATABASE: give a postgresql:// URL or an absolute path, not "shared.db"'
expect_exit 2 "an empty variable" env AIRREG_DATABASE= "$RG" --data-dir "$WORK/a" list
check "an empty variable: its line" [ "$ERR" = 'registrar: $AIRREG_DATABASE is set but empty (name a database, or unset it)' ]
expect_exit 2 "a password in the URL" "$RG" --data-dir "$WORK/a" init --database 'postgresql://reg:s3cret-pw@db.example/airreg'
check "a password in the URL: said, never shown" [ "$ERR" = 'registrar: --database: a password in the URL is seen by every user of this machine (ps, /proc): put it in PGPASSFILE or ~/.pgpass' ]
expect_exit 2 "a password as a parameter" "$RG" --data-dir "$WORK/a" list --database 'postgresql:///airreg?password=s3cret-pw'
case $ERR in *s3cret*) bad "a password as a parameter: printed" ;; *) ok ;; esac
expect_exit 2 "the client key's passphrase in the URL" "$RG" --data-dir "$WORK/a" list --database 'postgresql:///airreg?sslpassword=s3cret-pw'
check "the passphrase: said, never shown" [ "$ERR" = 'registrar: --database: a password in the URL is seen by every user of this machine (ps, /proc): put it in PGPASSFILE or ~/.pgpass' ]
expect_exit 2 "a URL libpq cannot read" "$RG" --data-dir "$WORK/a" list --database 'postgresql://[::1'
one_line_error "a URL libpq cannot read" "registrar: --database: not a URL libpq reads: "
check "refusals made nothing" [ "$(tree)" = "$before" ]

# init --database FILE records it; the verbs after it find it without the flag
expect_exit 0 "init --database FILE" "$RG" --data-dir "$WORK/a" init --database "$SHARED"
check "the path recorded, one line" [ "$(cat "$WORK/a/database")" = "$SHARED" ]
check "no registrar.db in the data directory" [ ! -e "$WORK/a/registrar.db" ]
check "the database is where it was named" [ "$(sqlite3 "$SHARED" 'SELECT action FROM audit')" = init ]
expect_exit 0 "register without the flag" "$RG" --data-dir "$WORK/a" register --token t.txt --name east
check "registered in the named database" [ "$(sqlite3 "$SHARED" 'SELECT name FROM registrations')" = east ]

# init again naming another database: the recorded one is this directory's
before=$(snapshot "$WORK/a")
expect_exit 5 "init --database elsewhere after an init" "$RG" --data-dir "$WORK/a" init --database "$WORK/moved.db"
check "init elsewhere: its line" [ "$ERR" = "registrar: $WORK/a: this data directory's database is $SHARED (database): init does not move it to another database (docs/scaling.md)" ]
check "init elsewhere: nothing made or changed" [ ! -e "$WORK/moved.db" ] && check "the record kept" [ "$(snapshot "$WORK/a")" = "$before" ]

# a second server: a copy of the data directory, the same database
cp -a "$WORK/a" "$WORK/b"
expect_exit 0 "the copy issues a key" "$RG" --data-dir "$WORK/b" activation-key --name east -o k1.txt
check "serial 1" [ "$(sqlite3 "$SHARED" "SELECT key_serial FROM registrations WHERE name = 'east'")" = 1 ]

# init with --database beside the registrations it would leave
"$RG" --data-dir "$WORK/c" init >/dev/null
before=$(snapshot "$WORK/c")
expect_exit 5 "init --database beside registrar.db" "$RG" --data-dir "$WORK/c" init --database "$WORK/other.db"
check "init --database beside registrar.db: its line" [ "$ERR" = "registrar: $WORK/c/registrar.db: this data directory's registrations are here: init does not move them to another database (docs/scaling.md)" ]
check "init --database beside registrar.db: nothing made" [ ! -e "$WORK/other.db" ] && check "nor recorded" [ "$(snapshot "$WORK/c")" = "$before" ]

# a damaged record
printf '%s\n%s\n' "$SHARED" "$SHARED" > "$WORK/c/database"
expect_exit 5 "two lines in DATA_DIR/database" "$RG" --data-dir "$WORK/c" list
check "two lines: its line" [ "$ERR" = "registrar: $WORK/c/database: not one line holding a postgresql:// URL with no password, or an absolute path (damaged)" ]
echo relative.db > "$WORK/c/database"
expect_exit 5 "a relative path in DATA_DIR/database" "$RG" --data-dir "$WORK/c" list
echo 'postgresql://reg:pw@db.example/airreg' > "$WORK/c/database"
expect_exit 5 "a password in DATA_DIR/database" "$RG" --data-dir "$WORK/c" list
case $ERR in *pw@*) bad "a password in DATA_DIR/database: printed" ;; *) ok ;; esac

# the key rotated through a, b still holding the old one: b signs nothing
expect_exit 0 "rotate through a" "$RG" --data-dir "$WORK/a" rotate-issuer-key -o rot.json
old=$(sed -n 's/.*(was \([^)]*\))$/\1/p' "$WORK/out")
new=$(sed -n 's/.*version 2, kid \([^ ]*\) (was .*/\1/p' "$WORK/out")
dump=$(sqlite3 "$SHARED" .dump)
expect_exit 5 "the copy with the replaced key" "$RG" --data-dir "$WORK/b" activation-key --name east -o k2.txt
check "the replaced key: its line" [ "$ERR" = "registrar: this data directory's issuer key (kid $old) is version 1, replaced by version 2 (kid $new): copy issuer.pub and the key file (or issuer.pkcs11) from the data directory that rotated it, then restart serve" ]
check "the replaced key: no serial spent, nothing written" [ "$(sqlite3 "$SHARED" .dump)" = "$dump" ]
check "the replaced key: no file" [ ! -e k2.txt ]
expect_exit 5 "nor a revocation list" "$RG" --data-dir "$WORK/b" revoke --name east -o rl.txt
check "the revocation list: nothing written" [ "$(sqlite3 "$SHARED" .dump)" = "$dump" ] && check "no list file" [ ! -e rl.txt ]
cp "$WORK/a/issuer.key" "$WORK/a/issuer.pub" "$WORK/b/"
expect_exit 0 "the copy with the new key" "$RG" --data-dir "$WORK/b" activation-key --name east -o k2.txt
check "serial 2" [ "$(sqlite3 "$SHARED" "SELECT key_serial FROM registrations WHERE name = 'east'")" = 2 ]

# init --force from a third data directory on the same database: a second issuer key, and
# the registrar's from then on; the others sign nothing with theirs
expect_exit 0 "init --force from another data directory" "$RG" --data-dir "$WORK/d" init --force --database "$SHARED"
third=$(sed -n 's/.*, kid \(.*\)$/\1/p' "$WORK/out")
dump=$(sqlite3 "$SHARED" .dump)
expect_exit 5 "a key the last init replaced" "$RG" --data-dir "$WORK/a" activation-key --name east -o k3.txt
check "the key the last init replaced: its line" [ "$ERR" = "registrar: this data directory's issuer key (kid $new) is not the registrar's (kid $third, its last init or rotation): copy issuer.pub and the key file (or issuer.pkcs11) from the data directory that made it, then restart serve" ]
check "the key the last init replaced: nothing written" [ "$(sqlite3 "$SHARED" .dump)" = "$dump" ] && check "no file" [ ! -e k3.txt ]
expect_exit 0 "the last init's key signs" "$RG" --data-dir "$WORK/d" activation-key --name east -o k3.txt
check "serial 3" [ "$(sqlite3 "$SHARED" "SELECT key_serial FROM registrations WHERE name = 'east'")" = 3 ]
finish database
