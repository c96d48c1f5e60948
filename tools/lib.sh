# shellcheck shell=bash
# Shared by tools/run and tools/test: find or install Odoo 18.0, prepare the
# project virtual environment and a PostgreSQL server. Sourced, not executed.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ADDON=service_contract_invoicing
STATE="$REPO/.local"                       # ignored by git
VENV="${SCI_VENV:-$REPO/.venv}"
ODOO_SRC="${ODOO_SRC:-}"
ODOO_GIT_URL="${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}"
ODOO_BRANCH=18.0
HTTP_PORT="${HTTP_PORT:-8069}"
DB_HOST="${DB_HOST:-}"
DB_PORT="${DB_PORT:-5432}"
DB_USER="${DB_USER:-}"
DB_PASSWORD="${DB_PASSWORD:-}"
PG_BIN="${PG_BIN:-}"
LOG_DIR="$STATE/log"                       # full logs of the steps, kept

# libpq's and the PostgreSQL server's environment (PGHOST, PGPORT, PGUSER,
# PGDATABASE, PGPASSWORD, PGSERVICE, PGOPTIONS, PGSSLMODE, ...) set for some
# other server must not reach the project's own cluster, nor Odoo: every
# connection parameter is given explicitly here (DB_* above).
for _v in $(compgen -e); do
    case $_v in
    PG_BIN) ;;
    PG[A-Z]*) unset "$_v" ;;
    esac
done
unset _v

die() {
    echo "error: $*" >&2
    exit 1
}

# pip in the virtual environment, its output (build backends' warnings
# included) in $VENV_LOG; the end of it is shown when it fails.
VENV_LOG="$LOG_DIR/venv.log"
[ "$VENV" = "$REPO/.venv" ] || VENV_LOG="$LOG_DIR/venv-$(basename "$VENV").log"
_pip() {
    echo "+ pip $*" >>"$VENV_LOG"
    "$VENV/bin/python" -m pip --disable-pip-version-check "$@" >>"$VENV_LOG" 2>&1 && return 0
    tail -n 15 "$VENV_LOG" | grep -v "^WARNING: Location\|^WARNING: Running pip as" >&2
    return 1
}

log() {
    echo "==> $*" >&2
}

# The Python that imports Odoo 18.0 without help, if any.
# Interpreters that may hold Odoo: $PYTHON, the python3 on PATH, and the usual
# places of a Python installed by hand (pyenv, /usr/local), which a
# non-interactive shell (CI, cron) may not have on its PATH.
_python_candidates() {
    local home
    home=${HOME:-$(getent passwd "$(id -un)" | cut -d: -f6)}
    {
        [ -n "${PYTHON:-}" ] && echo "$PYTHON"
        command -v python3 python3.12 python3.11 2>/dev/null
        ls "$home"/.pyenv/shims/python3 "$home"/.pyenv/versions/3.1[12]*/bin/python3 \
            /usr/local/bin/python3 2>/dev/null
    } | awk '!seen[$0]++'
}

# The Python the virtual environment is made from: the first candidate that
# imports Odoo 18.0, else the first one found (set by find_odoo).
BASE_PY=""
_base_python() {
    if [ -z "$BASE_PY" ]; then
        BASE_PY=$(_python_candidates | head -1)
    fi
    [ -n "$BASE_PY" ] || die "python3 not found: install Python 3.11 or 3.12 (apt-get install python3 python3-venv)."
    echo "$BASE_PY"
}

_odoo_version_of() {
    # Prints the series of the Odoo importable by $1, or nothing. Reads
    # odoo/release.py without importing odoo, which takes a second.
    "$1" -c '
import importlib.util, os
spec = importlib.util.find_spec("odoo")
for d in spec.submodule_search_locations or []:
    path = os.path.join(d, "release.py")
    if os.path.isfile(path):
        ns = {}
        exec(compile(open(path).read(), path, "exec"), ns)
        print(ns["serie"])
        break
' 2>/dev/null || true
}

_tree_version() {
    sed -n "s/^version_info = (\([0-9]*\), \([0-9]*\).*/\1.\2/p" "$1/odoo/release.py" 2>/dev/null
}

# What the environment $VENV was built with (written by prepare_venv): its
# ODOO_MODE, ODOO_SRC and base Python, one a line.
ODOO_RECORD="$VENV/.sci-odoo"

# The Odoo of the existing environment $VENV counts as found: sets ODOO_MODE,
# ODOO_SRC and BASE_PY as they were when it was built (ODOO_SRC=<tree> make
# test, then make run without it), when that Odoo is still there and PYTHON
# does not ask for another interpreter. An environment built before the
# record existed is read from its stamp (<hash>-<mode>-<source>-<python>).
_recorded_odoo() {
    local mode="" src="" py="" rest
    [ -x "$VENV/bin/python" ] || return 1
    if [ -f "$ODOO_RECORD" ]; then
        { read -r mode; read -r src; read -r py; } <"$ODOO_RECORD" || true
    elif [ -f "$VENV/.sci-stamp" ]; then
        rest=$(sed -n 's/^[0-9a-f]\{12\}-\(importable\|tree\)-/\1 /p' "$VENV/.sci-stamp")
        mode=${rest%% *}
        rest=${rest#* }
        src=${rest%%-/*}
        py=/${rest#*-/}
    fi
    [ -n "$py" ] && [ -x "$py" ] || return 1
    [ -z "${PYTHON:-}" ] || [ "$PYTHON" = "$py" ] || return 1
    case $mode in
    tree) [ "$(_tree_version "$src")" = "$ODOO_BRANCH" ] || return 1 ;;
    importable) [ -z "$src" ] && [ "$(_odoo_version_of "$py")" = "$ODOO_BRANCH" ] || return 1 ;;
    *) return 1 ;;
    esac
    ODOO_MODE=$mode
    ODOO_SRC=$src
    BASE_PY=$py
}

# Sets ODOO_MODE: "importable" (python3 already imports Odoo 18.0) or "tree"
# (ODOO_SRC names an Odoo 18.0 source tree, cloned from Odoo's official
# repository when nothing else is available). Without ODOO_SRC, the Odoo of
# the existing environment is used first (_recorded_odoo).
find_odoo() {
    local py version
    if [ -z "$ODOO_SRC" ] && _recorded_odoo; then
        return
    fi
    py=$(_base_python)
    if [ -n "$ODOO_SRC" ]; then
        [ -f "$ODOO_SRC/odoo/release.py" ] || die "ODOO_SRC=$ODOO_SRC is not an Odoo source tree (no odoo/release.py)."
        version=$(_tree_version "$ODOO_SRC")
        [ "$version" = "$ODOO_BRANCH" ] || die "ODOO_SRC=$ODOO_SRC holds Odoo ${version:-of an unknown version}; this addon needs Odoo $ODOO_BRANCH: set ODOO_SRC to an Odoo $ODOO_BRANCH tree, or unset it."
        ODOO_MODE=tree
        return
    fi
    local candidate other=""
    while read -r candidate; do
        version=$(_odoo_version_of "$candidate")
        if [ "$version" = "$ODOO_BRANCH" ]; then
            BASE_PY=$candidate
            ODOO_MODE=importable
            return
        fi
        if [ -n "$version" ] && [ -z "$other" ]; then
            other="$candidate imports Odoo $version"
        fi
    done < <(_python_candidates)
    [ -z "$other" ] || die "$other; this addon needs Odoo $ODOO_BRANCH (set ODOO_SRC to an Odoo $ODOO_BRANCH source tree)."
    ODOO_SRC="$REPO/.odoo-src"
    if [ ! -f "$ODOO_SRC/odoo/release.py" ]; then
        command -v git >/dev/null || die "git not found: apt-get install git (needed to get Odoo $ODOO_BRANCH)."
        log "Cloning Odoo $ODOO_BRANCH Community from $ODOO_GIT_URL (about 1 GB)"
        rm -rf "$ODOO_SRC"
        git clone --depth 1 --branch "$ODOO_BRANCH" "$ODOO_GIT_URL" "$ODOO_SRC" \
            || { rm -rf "$ODOO_SRC"; die "could not clone Odoo from $ODOO_GIT_URL: check the network, or set ODOO_SRC to an Odoo $ODOO_BRANCH tree."; }
    fi
    ODOO_MODE=tree
}

# Creates the virtual environment $2 with the Python $1, seeing the packages
# $1 sees: the site-packages folders on $1's path go into a .pth file of the
# new environment, their own .pth files included (editable installs). Extra
# arguments go to "python -m venv". So Odoo
# stays importable when $1 is itself a virtual environment's Python (a venv
# made from a venv with --system-site-packages would see the base
# interpreter's packages, not the first venv's), a Debian python3 (Odoo in
# /usr/lib/python3/dist-packages) or a Python installed by hand.
make_venv_seeing() {
    local parent=$1 dir=$2 site
    shift 2
    "$parent" -m venv "$@" "$dir" >>"$VENV_LOG" 2>&1 \
        || die "could not create a virtual environment with $parent: apt-get install python3-venv."
    site=$("$dir/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    "$parent" - >"$site/_sci_parent_site.pth" <<'EOF'
import os, sys
for path in sys.path:
    if os.path.basename(path) in ("site-packages", "dist-packages") and os.path.isdir(path):
        print(f"import site; site.addsitedir({path!r})")
EOF
}

# Creates or reuses the project virtual environment. Re-installs only when a
# requirements file changed, so a second start takes seconds. A build that
# fails, or leaves an environment where Odoo 18.0 does not start, is removed:
# the next run builds it again.
prepare_venv() {
    find_odoo
    local py stamp want
    py=$(_base_python)
    stamp="$VENV/.sci-stamp"
    want=$(cat "$REPO"/tools/requirements-*.txt | sha1sum | cut -c1-12)-$ODOO_MODE-${ODOO_SRC}-$py
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$VENV/bin/python" ]; then
        return
    fi
    mkdir -p "$LOG_DIR"
    : >"$VENV_LOG"
    log "Preparing the virtual environment $VENV (log: $VENV_LOG)"
    rm -rf "$VENV"
    trap 'rm -rf "$VENV"' EXIT
    if [ "$ODOO_MODE" = importable ]; then
        # Odoo and its dependencies: those $py sees.
        make_venv_seeing "$py" "$VENV"
    else
        "$py" -m venv "$VENV" >>"$VENV_LOG" 2>&1 || die "could not create a venv: apt-get install python3-venv."
        log "Installing Odoo's Python requirements (tools/requirements-odoo.txt) and Odoo from $ODOO_SRC"
        _pip install -q --upgrade pip || die "could not upgrade pip (PyPI reachable?); log: $VENV_LOG"
        _pip install -q -r "$REPO/tools/requirements-odoo.txt" \
            || die "could not install tools/requirements-odoo.txt (PyPI reachable?); log: $VENV_LOG"
        # compat mode: a path entry, so that addon wheels' odoo/addons/
        # folders do not shadow the odoo package.
        _pip install -q --no-deps --config-settings editable_mode=compat -e "$ODOO_SRC" \
            || die "could not install Odoo from $ODOO_SRC; log: $VENV_LOG"
    fi
    _pip install -q -r "$REPO/tools/requirements-dev.txt" \
        || die "could not install tools/requirements-dev.txt (PyPI reachable?); log: $VENV_LOG"
    _pip install -q --no-deps -r "$REPO/tools/requirements-addons.txt" \
        || die "could not install tools/requirements-addons.txt (PyPI reachable?); log: $VENV_LOG"
    local version
    version=$("$VENV/bin/python" -m odoo --version 2>>"$VENV_LOG") \
        || die "Odoo does not start in $VENV ('python -m odoo --version' failed); log: $VENV_LOG"
    [[ "$version" == *" $ODOO_BRANCH"* ]] || die "$VENV runs '$version', not Odoo $ODOO_BRANCH; log: $VENV_LOG"
    printf '%s\n' "$ODOO_MODE" "$ODOO_SRC" "$py" >"$ODOO_RECORD"
    echo "$want" >"$stamp"
    trap - EXIT
}

# Folder holding a link named after the addon to this checkout. It lies
# outside the checkout: a link inside it would loop (Odoo's translation export
# walks the addons path following links).
ADDONS_LINK_DIR="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/$ADDON/$(echo "$REPO" | sha1sum | cut -c1-12)"
ADDON_DIR="$ADDONS_LINK_DIR/$ADDON"

# Odoo's own addons folders and those of the addons installed as wheels
# (odoo/addons/ in site-packages), as seen by the Python $1.
odoo_addons_paths() {
    "$1" - <<'EOF'
import os
import odoo
import odoo.addons
root = os.path.dirname(os.path.dirname(odoo.__file__))
paths = [os.path.join(root, "addons")] if os.path.isdir(os.path.join(root, "addons")) else []
paths += [p for p in odoo.addons.__path__ if p not in paths]
print(",".join(paths))
EOF
}

# The addons path: Odoo's own addons, the addons installed as wheels (OCA
# contract) and this repository under its technical name.
addons_path() {
    mkdir -p "$ADDONS_LINK_DIR"
    ln -sfn "$REPO" "$ADDON_DIR"
    local cache="$VENV/.sci-addons-path"
    # Importing odoo takes a second: the answer is kept with the venv.
    [ -s "$cache" ] || odoo_addons_paths "$VENV/bin/python" >"$cache"
    echo "$(cat "$cache"),$ADDONS_LINK_DIR"
}

# Sets PG_BIN to a folder holding the PostgreSQL server programs: the one
# given, else the newest /usr/lib/postgresql/*/bin. Dies with one line when
# there is none.
find_pg_bin() {
    local d prog
    if [ -z "$PG_BIN" ]; then
        for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
            [ -x "$d/initdb" ] && PG_BIN=$d
        done
        [ -n "$PG_BIN" ] || die "PostgreSQL server programs not found (no /usr/lib/postgresql/*/bin/initdb): apt-get install postgresql, or set PG_BIN to their folder, or DB_HOST to a running server."
    fi
    for prog in initdb pg_ctl psql createuser; do
        [ -x "$PG_BIN/$prog" ] || die "PG_BIN=$PG_BIN has no executable $prog: set PG_BIN to the folder of the PostgreSQL server programs (e.g. /usr/lib/postgresql/15/bin)."
    done
}

# Runs a PostgreSQL program, as the 'postgres' user when run as root, from /
# (that user may not enter the current folder, e.g. a checkout in a private
# temporary folder, and psql would say so).
_as_pg_owner() {
    if [ "$(id -u)" = 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

# Starts a project-local PostgreSQL cluster in $1 (listening on a Unix socket
# only, so no TCP port can clash) and sets DB_HOST/DB_USER for it.
start_local_cluster() {
    local dir=$1 bin
    find_pg_bin
    bin=$PG_BIN
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' system user (apt-get install postgresql) to run the server."
    fi
    mkdir -p "$dir/run"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir" "$dir/run"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        rm -rf "$dir/data"
        mkdir -p "$dir/data"
        [ "$(id -u)" = 0 ] && chown -R postgres: "$dir"
        _as_pg_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; rm -rf "$dir/data"; die "initdb failed in $dir (see above)."; }
    fi
    if ! _as_pg_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        _as_pg_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
            -o "-p 5432 -c listen_addresses='' -k '$dir/run' -c fsync=off -c full_page_writes=off -c synchronous_commit=off" start >/dev/null \
            || { tail -5 "$dir/server.log" >&2; die "PostgreSQL did not start in $dir (see above)."; }
    fi
    DB_HOST="$dir/run"
    DB_PORT=5432
    local me
    me=$(id -un)
    DB_USER=$me
    _as_pg_owner "$bin/psql" -h "$DB_HOST" -p "$DB_PORT" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_roles WHERE rolname = '$me'" | grep -q 1 \
        || _as_pg_owner "$bin/createuser" -h "$DB_HOST" -p "$DB_PORT" -U postgres --superuser "$me"
}

# The folder of the persistent cluster of tools/run: $STATE/pg, unless the
# server cannot use it (run as root, the 'postgres' user cannot enter the
# checkout; or the socket path would be too long), then a folder in /tmp named
# after the checkout. A cluster that already exists in one of them is reused.
RUN_PG_FALLBACK="${TMPDIR:-/tmp}/$ADDON-pg-$(echo "$REPO" | sha1sum | cut -c1-8)"
local_cluster_dir() {
    local preferred=$STATE/pg fallback=$RUN_PG_FALLBACK
    mkdir -p "$STATE"
    if [ ${#preferred} -gt 80 ]; then
        echo "$fallback"   # Unix socket paths are limited to 107 bytes
    elif [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$STATE" 2>/dev/null; then
        echo "$fallback"
    elif [ -f "$fallback/data/PG_VERSION" ] && [ ! -f "$preferred/data/PG_VERSION" ]; then
        echo "$fallback"   # made by an earlier run, keep its databases
    else
        echo "$preferred"
    fi
}

stop_local_cluster() {
    local dir=$1
    [ -n "$PG_BIN" ] && [ -x "$PG_BIN/pg_ctl" ] && [ -d "$dir/data" ] || return 0
    _as_pg_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
}

# Use the configured server when DB_HOST is set, else a local cluster in $1.
prepare_postgres() {
    if [ -n "$DB_HOST" ]; then
        DB_USER=${DB_USER:-$(id -un)}
        PGPASSWORD="$DB_PASSWORD" "$VENV/bin/python" - "$DB_HOST" "$DB_PORT" "$DB_USER" <<'EOF' \
            || die "cannot connect to PostgreSQL at $DB_HOST:$DB_PORT as $DB_USER: start it or fix DB_HOST/DB_PORT/DB_USER/DB_PASSWORD."
import os, sys, psycopg2
psycopg2.connect(host=sys.argv[1], port=sys.argv[2], user=sys.argv[3],
                 password=os.environ.get("PGPASSWORD") or None, dbname="postgres").close()
EOF
        return
    fi
    start_local_cluster "$1"
}

# Writes an Odoo configuration file to $1 for database $2, data folder $3,
# addons path $4 (default: that of the virtual environment and the checkout).
write_odoo_conf() {
    local conf=$1 db=$2 data_dir=$3 paths=${4:-}
    [ -n "$paths" ] || paths=$(addons_path)
    cat >"$conf" <<EOF
[options]
addons_path = $paths
data_dir = $data_dir
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
db_password = ${DB_PASSWORD:-False}
db_name = $db
dbfilter = ^$db\$
list_db = False
http_port = $HTTP_PORT
admin_passwd = admin
without_demo = False
max_cron_threads = 1
EOF
}

# pre-commit on every file (arguments added), less its "[INFO]" lines about
# installing the hooks' environments (once per machine, into ~/.cache/pre-commit).
run_lint() {
    (cd "$REPO" && "$VENV/bin/pre-commit" run --all-files --show-diff-on-failure "$@") 2>&1 \
        | { grep -v '^\[INFO\] ' || true; }
    return "${PIPESTATUS[0]}"
}

# Runs Odoo ("python -m odoo" of the Python $1, then the arguments), less its
# "Running as user 'root' is a security risk." (printed at each start; CI and
# containers run as root on purpose).
run_odoo_with() {
    local py=$1 rc=0
    shift
    { "$py" -m odoo "$@" 2>&1 1>&3 3>&- \
        | { grep -v "^Running as user 'root' is a security risk\.$" || true; } >&2
      rc=${PIPESTATUS[0]}; } 3>&1 || true
    return "$rc"
}

# The addon as users install it: builds its wheel from this checkout (pip
# wheel, OCA's whool), checks what it holds and declares, and installs it in a
# new virtual environment beside Odoo ($1/wheel-venv, seeing the project's
# environment: Odoo, OCA contract). Sets WHEEL_PY (that environment's Python)
# and WHEEL_ADDONS_PATH (its addons path: Odoo's addons and those installed as
# wheels, this one included; no link to the checkout).
WHEEL_LOG="$LOG_DIR/wheel.log"
install_wheel() {
    local work=$1 wheel venv=$1/wheel-venv found untracked
    mkdir -p "$LOG_DIR"
    : >"$WHEEL_LOG"
    untracked=$(cd "$REPO" && git ls-files --others --exclude-standard 2>/dev/null \
        | grep -v "^\.\|^tools/\|^Makefile$" || true)
    [ -z "$untracked" ] || log "Not tracked by git, so not in the wheel (git add them): $(echo $untracked)"
    "$VENV/bin/python" -m pip wheel --disable-pip-version-check --no-deps --no-build-isolation \
        -w "$work/dist" "$REPO" >>"$WHEEL_LOG" 2>&1 \
        || { tail -n 20 "$WHEEL_LOG" >&2; die "building the wheel failed (log: $WHEEL_LOG)."; }
    wheel=$(ls "$work"/dist/odoo_addon_"$ADDON"-*-py3-none-any.whl)
    "$VENV/bin/python" "$REPO/tools/check_wheel.py" "$wheel" >>"$WHEEL_LOG" || die "the wheel is wrong (above)."
    make_venv_seeing "$VENV/bin/python" "$venv" --without-pip
    # pip is the project environment's, seen through the .pth file. The
    # wheel's requirements (odoo, odoo-addon-contract) must be met by what is
    # installed; --no-deps, as Odoo's own requirements (psycopg2, installed
    # here as psycopg2-binary) are not this addon's to check.
    "$venv/bin/python" -m pip install --disable-pip-version-check --no-index --no-deps "$wheel" >>"$WHEEL_LOG" 2>&1 \
        || { tail -n 20 "$WHEEL_LOG" >&2; die "installing the wheel failed (log: $WHEEL_LOG)."; }
    "$venv/bin/python" "$REPO/tools/check_wheel.py" --installed "$wheel" >>"$WHEEL_LOG" \
        || die "the wheel's requirements are not met by the Odoo and addons installed (above)."
    WHEEL_PY=$venv/bin/python
    WHEEL_ADDONS_PATH=$(odoo_addons_paths "$WHEEL_PY")
    found=$(IFS=,; for p in $WHEEL_ADDONS_PATH; do [ -f "$p/$ADDON/__manifest__.py" ] && { echo "$p"; break; }; done)
    [[ "$found" == "$venv"/lib/python*/site-packages/odoo/addons ]] \
        || die "with the wheel installed, Odoo finds $ADDON in '$found', not in $venv."
    log "Installed $(basename "$wheel") in $venv"
}

# Succeeds when TCP port $1 can be listened on. SO_REUSEADDR as Odoo does, so
# that the closing connections of a server just stopped do not count.
port_free() {
    "$(_base_python)" -c "
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(('0.0.0.0', int(sys.argv[1])))
    s.listen(1)
except OSError:
    sys.exit(1)
" "$1"
}

# Dies with one line when HTTP port $1 is taken, naming what holds it and a
# free port to use instead.
check_http_port() {
    local port=$1 holder="" alt
    [[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] \
        || die "HTTP_PORT=$port is not a TCP port number."
    port_free "$port" && return 0
    if command -v ss >/dev/null; then
        holder=$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'users:(("[^"]*",pid=[0-9]*' | head -1 \
            | sed 's/users:(("\([^"]*\)",pid=\([0-9]*\)/ by \1 (pid \2)/') || true
    fi
    for alt in $(seq $((port + 1)) $((port + 30))); do
        port_free "$alt" && break
    done
    die "port $port is in use${holder}: stop it, or run on another port: HTTP_PORT=$alt make run"
}
