#!/bin/sh
# Suiji's daily backup: a pg_dump of the database, the data folder's small files and an
# incremental copy of the evidence folder, with retention. One run per call; `--daily` loops,
# running once a day at BACKUP_AT (the Compose service `backup` does that).
#
# Environment (Compose passes suiji.env; see deploy/README.md, "Backups"):
#   PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE   the database (libpq's own variables);
#       PGUSER, PGPASSWORD, PGDATABASE default to POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB
#   BACKUP_DIR        where backups go (default /backups); copy it off this host
#   BACKUP_KEEP_DAYS  dumps and data archives older than this are deleted (default 14)
#   BACKUP_DATA_DIR   Suiji's data folder (default /var/lib/suiji; empty: skipped)
#   BACKUP_AT         with --daily: the time of day, HH:MM in the container's TZ (default 03:15)
set -eu

: "${PGUSER:=${POSTGRES_USER:-}}"
: "${PGPASSWORD:=${POSTGRES_PASSWORD:-}}"
: "${PGDATABASE:=${POSTGRES_DB:-}}"
export PGUSER PGPASSWORD PGDATABASE
BACKUP_DIR=${BACKUP_DIR:-/backups}
BACKUP_KEEP_DAYS=${BACKUP_KEEP_DAYS:-14}
BACKUP_DATA_DIR=${BACKUP_DATA_DIR-/var/lib/suiji}
BACKUP_AT=${BACKUP_AT:-03:15}

log() { printf '%s backup: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }

run_once() {
    stamp=$(date +%Y-%m-%dT%H%M%S)
    umask 077  # the dump holds personal data and the audit trail
    mkdir -p "$BACKUP_DIR"

    # 1. The database, custom format (pg_restore picks tables; compressed). Written under a
    #    temporary name and checked readable before it counts.
    dump="$BACKUP_DIR/suiji-$stamp.dump"
    pg_dump --format=custom --no-owner --file="$dump.part"
    pg_restore --list "$dump.part" > /dev/null
    mv "$dump.part" "$dump"

    # 2. The data folder without the evidence: the generated secret key, reports, notice PDFs.
    archives=0
    if [ -n "$BACKUP_DATA_DIR" ] && [ -d "$BACKUP_DATA_DIR" ]; then
        tar -czf "$BACKUP_DIR/suiji-data-$stamp.tar.gz.part" -C "$BACKUP_DATA_DIR" \
            --exclude=./uploads .
        mv "$BACKUP_DIR/suiji-data-$stamp.tar.gz.part" "$BACKUP_DIR/suiji-data-$stamp.tar.gz"
        archives=1
        # 3. Evidence (without SUIJI_S3_*): files are named by their SHA-256 and never change,
        #    so copying what is new is a full copy. Nothing is deleted from the copy.
        if [ -d "$BACKUP_DATA_DIR/uploads" ]; then
            mkdir -p "$BACKUP_DIR/uploads"
            (cd "$BACKUP_DATA_DIR/uploads" && find . -type f ! -name '.part-*' -print) |
            while IFS= read -r f; do
                if [ ! -e "$BACKUP_DIR/uploads/$f" ]; then
                    mkdir -p "$(dirname "$BACKUP_DIR/uploads/$f")"
                    cp -p "$BACKUP_DATA_DIR/uploads/$f" "$BACKUP_DIR/uploads/$f.part"
                    mv "$BACKUP_DIR/uploads/$f.part" "$BACKUP_DIR/uploads/$f"
                fi
            done
        fi
    fi

    # 4. Retention: whole days, by modification time; the evidence copy is kept.
    removed=$(find "$BACKUP_DIR" -maxdepth 1 -type f \
        \( -name 'suiji-*.dump' -o -name 'suiji-data-*.tar.gz' -o -name '*.part' \) \
        -mtime "+$BACKUP_KEEP_DAYS" -print -exec rm -f {} + | wc -l)
    evidence=$(find "$BACKUP_DIR/uploads" -type f 2>/dev/null | wc -l)
    log "done: dump=$(basename "$dump") size=$(wc -c < "$dump") data_archives=$archives" \
        "evidence_files=$evidence removed_old=$removed"
}

seconds_until() {
    now=$(date +%s)
    next=$(date -d "today $1" +%s)
    [ "$next" -gt "$now" ] || next=$(date -d "tomorrow $1" +%s)
    echo $((next - now))
}

if [ "${1:-}" = "--daily" ]; then
    log "daily at $BACKUP_AT, keeping $BACKUP_KEEP_DAYS days in $BACKUP_DIR"
    while :; do
        sleep "$(seconds_until "$BACKUP_AT")"
        # A run of its own (so that `set -e` holds inside it); a failed run is logged and
        # retried tomorrow, the loop (and the container) stays up.
        "$0" || log "FAILED (exit $?): see the lines above"
    done
else
    run_once
fi
