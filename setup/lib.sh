# shellcheck shell=bash disable=SC2034 # variables set here are read by the scripts
# Shared set-up of setup/test and setup/demo. Source it; it only defines functions
# and variables. Every function prints what it does on stderr, prefixed "[setup]".
#
# Environment it honours:
#   PYTHON              interpreter that imports Odoo (default: python3); when it
#                       cannot, Odoo 18.0 is provisioned into $MFG_VAR (provision.sh)
#   MFG_ODOO_SOURCE     where provisioning takes Odoo 18.0 from: a git URL, a local
#                       git repository or unpacked source tree, or `none` (default:
#                       the 18.0 branch of Odoo's official repository)
#   MFG_VAR             where the set-up keeps its state (default: <repository>/var)
#   PGHOST PGPORT PGUSER PGPASSWORD
#                       PostgreSQL to use; when unset or not answering, the machine's
#                       local cluster is started and a role for the OS user created
#   MFG_SECRETS_KEY     Fernet key for the connectors' secrets (default: generated
#                       once into var/secrets.key)
#   MFG_FORCE_NO_ODOO=1 behave as if python3 could not import Odoo and there were no
#                       source to provision it from (tests that path)
#   MFG_SKIP_PIP=1      do not run pip at all (offline machine, managed environment)
#                       (and so do not provision Odoo either)
#   MFG_SKIP_SYSTEM_PACKAGES=1  never check or install system packages
#   MFG_WITHOUT_DEMO=all  configurations written say without_demo = all: a database
#                       they create gets no demo data (setup/test sets it)

MFG_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MFG_VAR=${MFG_VAR:-$MFG_ROOT/var}
PYTHON=${PYTHON:-python3}
# the command to run again after a failure (in messages)
case $0 in
  setup/* | */setup/*) MFG_COMMAND="setup/${0##*/}" ;;
  *) MFG_COMMAND="setup/test or setup/demo" ;;
esac
MFG_ADDONS=(mfg_integration_base plm_connector mes_connector scheduler_connector quality_bridge)
MFG_ODOO_VERSION=
MFG_NO_ODOO_REASON=

mfg_say() { printf '[setup] %s\n' "$*" >&2; }
mfg_die() {
  printf '[setup] ERROR: %s\n' "$*" >&2
  exit 1
}
mfg_join() {
  local IFS=,
  printf '%s' "$*"
}

mfg_odoo_help() {
  cat >&2 <<'EOF'
[setup] Odoo 18.0 Community is provisioned into var/ from MFG_ODOO_SOURCE (README.md,
[setup] "Prerequisites"): a git URL (default: the 18.0 branch of
[setup] https://github.com/odoo/odoo.git), a local git repository or an unpacked Odoo
[setup] 18.0 source tree. Set it to one that this machine can reach and run this
[setup] command again; or make python3 import an Odoo 18.0 of yours (then it is used).
EOF
}

# shellcheck source=setup/provision.sh
source "$MFG_ROOT/setup/provision.sh"

# --- Python dependencies -----------------------------------------------------------

# pip install FILE (extra pip args after it), skipped when already satisfied.
mfg_pip_install() {
  local file=$1
  shift
  if "$PYTHON" "$MFG_ROOT/setup/envtool.py" satisfied "$MFG_ROOT/$file" 2>/dev/null; then
    return 0
  fi
  if [[ ${MFG_SKIP_PIP:-} == 1 ]]; then
    mfg_say "MFG_SKIP_PIP=1: not installing $file, although some of it is missing"
    return 0
  fi
  mfg_say "installing the Python dependencies of $file"
  if ! "$PYTHON" -m pip install --quiet --disable-pip-version-check "$@" -r "$MFG_ROOT/$file"; then
    mfg_die "pip could not install $file into $("$PYTHON" -c 'import sys; print(sys.prefix)').
[setup] Use the Python environment that runs Odoo (a virtualenv works best), or set
[setup] MFG_SKIP_PIP=1 once you installed $file yourself."
  fi
}

# --- Odoo -----------------------------------------------------------------------------

# Sets MFG_ODOO_VERSION and returns 0 when $PYTHON imports Odoo 18.0; else sets
# MFG_NO_ODOO_REASON (one line) and returns 1.
mfg_detect_odoo() {
  if [[ ${MFG_FORCE_NO_ODOO:-} == 1 ]]; then
    MFG_NO_ODOO_REASON="MFG_FORCE_NO_ODOO=1 (python3 is treated as unable to import Odoo 18.0)"
    return 1
  fi
  local version
  if ! version=$("$PYTHON" -c 'import odoo.release as r; print(r.version)' 2>/dev/null); then
    MFG_NO_ODOO_REASON="python3 cannot import Odoo 18.0"
    return 1
  fi
  if [[ $version != 18.0* ]]; then
    MFG_NO_ODOO_REASON="python3 imports Odoo $version, not 18.0"
    return 1
  fi
  MFG_ODOO_VERSION=$version
  return 0
}

# Where $PYTHON has no Odoo 18.0: provisions one (unless MFG_FORCE_NO_ODOO=1) and
# detects it in the new interpreter. Returns 1, with MFG_NO_ODOO_REASON, without one.
mfg_provisioned_odoo() {
  [[ ${MFG_FORCE_NO_ODOO:-} != 1 ]] || return 1
  mfg_provision_odoo || return 1
  mfg_detect_odoo
}

# Writes var/odoo-bin: Odoo's own launcher (odoo-bin) bound to $PYTHON. Not
# `python3 -m odoo`: in prefork mode Odoo re-executes sys.argv[0] to start its gevent
# process, which must be a script, and a pip-installed Odoo has no odoo-bin of its own.
mfg_write_launcher() {
  local interpreter
  interpreter=$("$PYTHON" -c 'import sys; print(sys.executable)')
  mkdir -p "$MFG_VAR"
  cat >"$MFG_VAR/odoo-bin.$$" <<LAUNCHER
#!$interpreter
# Generated by setup/lib.sh: odoo-bin for the Odoo that $PYTHON imports.
__import__("os").environ["TZ"] = "UTC"
import odoo

if __name__ == "__main__":
    odoo.cli.main()
LAUNCHER
  chmod 755 "$MFG_VAR/odoo-bin.$$"
  mv "$MFG_VAR/odoo-bin.$$" "$MFG_VAR/odoo-bin"
}

# Runs Odoo's command line with the given arguments.
mfg_odoo() {
  "$MFG_VAR/odoo-bin" "$@"
}

# --- PostgreSQL -----------------------------------------------------------------------

mfg_pg_ping() { "$PYTHON" "$MFG_ROOT/setup/dbtool.py" ping 2>/dev/null; }

mfg_as_postgres() {
  if [[ $(id -u) == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    sudo -n -u postgres "$@"
  fi
}

mfg_as_root() {
  if [[ $(id -u) == 0 ]]; then
    "$@"
  else
    sudo -n "$@"
  fi
}

# Starts (or creates) the machine's local cluster, PostgreSQL 15 preferred, and
# exports PGPORT for it.
mfg_pg_start_local() {
  command -v pg_lsclusters >/dev/null ||
    mfg_die "no PostgreSQL answers and no local cluster tools were found.
[setup] Install PostgreSQL 15 (Debian/Ubuntu: apt-get install postgresql-15), or set
[setup] PGHOST/PGPORT/PGUSER/PGPASSWORD to a server that accepts this role."
  local line version name port status
  line=$(pg_lsclusters --no-header | awk '$1 == "15" {print; exit}')
  [[ -n $line ]] || line=$(pg_lsclusters --no-header | sort -rn | head -n 1)
  if [[ -z $line ]]; then
    version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null |
      sort -rn | head -n 1)
    [[ -n $version ]] || mfg_die "no PostgreSQL server is installed (apt-get install postgresql-15)"
    mfg_say "creating the local PostgreSQL $version cluster 'main'"
    mfg_as_root pg_createcluster "$version" main >/dev/null ||
      mfg_die "pg_createcluster $version main failed"
    line=$(pg_lsclusters --no-header | awk -v v="$version" '$1 == v && $2 == "main"')
  fi
  read -r version name port status _ <<<"$line"
  if [[ $status != online* ]]; then
    mfg_say "starting the local PostgreSQL cluster $version/$name (port $port)"
    mfg_as_root pg_ctlcluster "$version" "$name" start ||
      mfg_die "could not start PostgreSQL cluster $version/$name (pg_ctlcluster needs root)"
  fi
  export PGPORT=$port
}

# Makes PostgreSQL answer for Odoo: the PG* variables' server when it answers, else
# the local cluster with a superuser role named after the OS user.
mfg_pg_setup() {
  local user=${PGUSER:-$(id -un)} rc=0
  [[ $user != postgres ]] ||
    mfg_die "Odoo refuses to run as the PostgreSQL role 'postgres'; use another role (PGUSER)"
  mfg_pg_ping || rc=$?
  if [[ $rc == 0 ]]; then
    return 0
  fi
  if [[ -n ${PGHOST:-}${PGPORT:-}${PGUSER:-} ]]; then
    mfg_say "PostgreSQL from PGHOST=${PGHOST:-} PGPORT=${PGPORT:-} PGUSER=${PGUSER:-} does not" \
      "answer; using the local cluster instead"
    unset PGHOST PGPORT PGUSER PGPASSWORD
    user=$(id -un)
    rc=0
    mfg_pg_ping || rc=$?
    if [[ $rc == 0 ]]; then
      return 0
    fi
  fi
  [[ $rc == 2 ]] || mfg_pg_start_local
  rc=0
  mfg_pg_ping || rc=$?
  if [[ $rc == 2 ]]; then
    mfg_say "creating the PostgreSQL superuser role '$user' in the local cluster"
    mfg_as_postgres createuser -s "$user" ||
      mfg_die "could not create role '$user' (run: su postgres -c 'createuser -s $user')"
    rc=0
    mfg_pg_ping || rc=$?
  fi
  [[ $rc == 0 ]] || mfg_die "PostgreSQL does not answer: $("$PYTHON" "$MFG_ROOT/setup/dbtool.py" ping 2>&1)"
}

mfg_db() { "$PYTHON" "$MFG_ROOT/setup/dbtool.py" "$@"; }

# The suite's addons as they are on disk, as one hash (file names and contents).
mfg_addons_fingerprint() {
  (cd "$MFG_ROOT/addons" && find . -type f ! -name '*.pyc' ! -path '*/__pycache__/*' -print0 |
    LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
}

# True when database $1 got the suite's addons as they are now on disk.
mfg_addons_current() {
  [[ $(cat "$MFG_VAR/data/$1.addons-fingerprint" 2>/dev/null) == "$(mfg_addons_fingerprint)" ]]
}

# Brings the suite's addons in database $2 (configuration $1) up to date: installs the
# missing ones, with demo data (creating the database when needed), or, when all are
# installed but their code changed since (a git pull), updates them. Fails unless all
# of them end up installed.
mfg_install_addons() {
  local conf=$1 db=$2 log=$MFG_VAR/log/$2-install.log missing flag what
  missing=$(mfg_db missing-modules "$db" "${MFG_ADDONS[@]}") || mfg_die "cannot read database $db"
  if [[ -n $missing ]]; then
    flag=-i
    local demo="with demo data"
    [[ ${MFG_WITHOUT_DEMO:-} != all ]] || demo="WITHOUT demo data"
    # shellcheck disable=SC2086 # $missing is a list of addon names
    what="installing $(mfg_join $missing) $demo into database $db"
  elif ! mfg_addons_current "$db"; then
    flag=-u
    missing=${MFG_ADDONS[*]}
    what="updating the suite's addons in database $db (their code differs from what it got)"
  else
    return 0
  fi
  mkdir -p "$MFG_VAR/log" "$MFG_VAR/data"
  mfg_say "$what (several minutes; log: ${log#"$MFG_ROOT"/})"
  local start=$SECONDS rc=0 fingerprint
  fingerprint=$(mfg_addons_fingerprint)
  : >"$log"
  # shellcheck disable=SC2086
  mfg_odoo -c "$conf" -d "$db" "$flag" "$(mfg_join $missing)" --stop-after-init \
    --log-level=info --logfile="$log" || rc=$?
  # Odoo ignores unknown or uninstallable module names with a warning and exit 0:
  # the database, not the exit code, says whether the installation worked.
  missing=$(mfg_db missing-modules "$db" "${MFG_ADDONS[@]}") || missing="(database unreadable)"
  # Odoo installs an addon whose demo data fails without it, with a warning and
  # exit 0: the plant and the tests would then run on a database short of data.
  if grep -q 'demo data failed to install' "$log"; then
    [[ $rc != 0 ]] || rc=1
  fi
  if [[ $rc != 0 || -n $missing ]]; then
    # the first error with its traceback, then every later warning and error
    awk '/^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) / {n = 60}
         n > 0 {print; n--; next}
         /^[0-9-]+ [0-9:,]+ [0-9]+ WARNING / {print}' "$log" | cut -c1-400 >&2
    mfg_say "installation into $db failed (exit $rc); not installed: ${missing:-none}"
    mfg_say "full log: ${log#"$MFG_ROOT"/}"
    mfg_say "to retry: fix the cause, then run $MFG_COMMAND again"
    return 1
  fi
  grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$log" | cut -c1-400 >&2 || true
  printf '%s\n' "$fingerprint" >"$MFG_VAR/data/$db.addons-fingerprint"
  mfg_say "done in $((SECONDS - start))s"
}

# The demo database $2 (configuration $1) ready: dropped first when MFG_DEMO_RESET=1,
# re-used when it has the suite's addons as they are on disk, else (re)installed.
mfg_demo_db() {
  local conf=$1 db=$2
  if [[ ${MFG_DEMO_RESET:-} == 1 ]]; then
    mfg_say "MFG_DEMO_RESET=1: dropping database $db"
    mfg_db drop "$db"
    rm -rf "$MFG_VAR/data/filestore/$db"
  fi
  if mfg_db exists "$db" && [[ -z $(mfg_db missing-modules "$db" "${MFG_ADDONS[@]}") ]] &&
    mfg_addons_current "$db"; then
    mfg_say "re-using database $db (MFG_DEMO_RESET=1 to start from scratch)"
  else
    mfg_install_addons "$conf" "$db" || return 1
  fi
}

# Installs the suite's addons into the new database $2 (configuration $1) one at a
# time, in dependency order (MFG_ADDONS), each under Odoo's own test runner as OCA's
# CI runs it: `-i <addon> --test-enable --test-tags /<addon>`, with demo data. Odoo
# runs the addon's at_install tests while installing it and its post_install tests
# right after; setup/odoo_test_log.py reads the log (one line per addon: tests run,
# failed, errors; then any line logged at WARNING or above, and any traceback on
# Odoo's standard error). Returns 0 when every
# addon installed and passed, 2 when all installed but tests failed (the caller
# goes on, then fails), 1 when an installation failed.
mfg_install_addons_tested() {
  local conf=$1 db=$2 addon log start rc verdict fingerprint missing failed=()
  mkdir -p "$MFG_VAR/log" "$MFG_VAR/data"
  fingerprint=$(mfg_addons_fingerprint)
  for addon in "${MFG_ADDONS[@]}"; do
    log=$MFG_VAR/log/$db-$addon-tests.log
    mfg_say "installing $addon into $db, its tests under Odoo's runner (log: ${log#"$MFG_ROOT"/})"
    start=$SECONDS
    rc=0
    : >"$log"
    # its standard error too: a record the log file cannot hold goes there
    mfg_odoo -c "$conf" -d "$db" -i "$addon" --test-enable --test-tags "/$addon" \
      --stop-after-init --log-level=info --logfile="$log" 2>"$log.stderr" || rc=$?
    missing=$(mfg_db missing-modules "$db" "$addon") || missing="(database unreadable)"
    if [[ -n $missing ]]; then
      awk '/^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) / {n = 60} n > 0 {print; n--}' \
        "$log" | cut -c1-400 >&2
      mfg_say "installation of $addon into $db failed (exit $rc); full log: ${log#"$MFG_ROOT"/}"
      return 1
    fi
    verdict=0
    "$PYTHON" "$MFG_ROOT/setup/odoo_test_log.py" "$log" "$addon" "$log.stderr" >&2 ||
      verdict=$?
    # Odoo's own exit status counts failed tests as well (the log is read for the
    # rest: warnings, errors outside a test).
    if [[ $rc != 0 || $verdict != 0 ]]; then
      failed+=("$addon")
    fi
    mfg_say "$addon done in $((SECONDS - start))s"
  done
  printf '%s\n' "$fingerprint" >"$MFG_VAR/data/$db.addons-fingerprint"
  if ((${#failed[@]})); then
    mfg_say "Odoo's runner: tests failed in $(mfg_join "${failed[@]}") (logs: var/log/$db-<addon>-tests.log)"
    return 2
  fi
  return 0
}

# --- Configuration --------------------------------------------------------------------

# Prints the secrets key: MFG_SECRETS_KEY, else var/secrets.key (generated once).
mfg_secrets_key() {
  if [[ -n ${MFG_SECRETS_KEY:-} ]]; then
    printf '%s\n' "$MFG_SECRETS_KEY"
    return 0
  fi
  local file=$MFG_VAR/secrets.key
  if [[ ! -s $file ]]; then
    mkdir -p "$MFG_VAR"
    (
      umask 077
      "$PYTHON" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' \
        >"$file.tmp" && mv "$file.tmp" "$file"
    ) || mfg_die "could not generate $file (is cryptography installed?)"
    mfg_say "generated the connectors' secrets key in ${file#"$MFG_ROOT"/} (keep it: it decrypts stored secrets)"
  fi
  cat "$file"
}

# Writes an Odoo configuration file: mfg_write_conf FILE DB [EXTRA_LINES] where
# EXTRA_LINES (a string) goes at the end of [options]; [queue_job] channels come from
# MFG_QUEUE_CHANNELS, and the port the runner sends its job requests to from
# MFG_QUEUE_RUNNER_PORT (default: the server's own http_port). Written to a temporary file first, so that a concurrent run never
# reads half a file.
mfg_write_conf() {
  local file=$1 db=$2 extra=${3:-} addons_path key
  addons_path=$("$PYTHON" "$MFG_ROOT/setup/envtool.py" addons-path "$MFG_ROOT") ||
    mfg_die "could not compute the addons path"
  key=$(mfg_secrets_key)
  mkdir -p "$MFG_VAR/data" "$(dirname "$file")"
  {
    echo "# Generated by setup/ on $(date -u +%FT%TZ); edit odoo.conf.example instead."
    echo "[options]"
    echo "addons_path = $addons_path"
    echo "data_dir = $MFG_VAR/data"
    echo "db_name = $db"
    [[ -z ${PGHOST:-} ]] || echo "db_host = $PGHOST"
    [[ -z ${PGPORT:-} ]] || echo "db_port = $PGPORT"
    [[ -z ${PGUSER:-} ]] || echo "db_user = $PGUSER"
    [[ -z ${PGPASSWORD:-} ]] || echo "db_password = $PGPASSWORD"
    echo "list_db = False"
    echo "http_interface = 127.0.0.1"
    echo "server_wide_modules = base,web,queue_job"
    echo "without_demo = ${MFG_WITHOUT_DEMO:-False}"
    echo "mfg_secrets_key = $key"
    [[ -z $extra ]] || printf '%s\n' "$extra"
    echo
    echo "[queue_job]"
    echo "channels = ${MFG_QUEUE_CHANNELS:-root:2,root.mfg:2}"
    [[ -z ${MFG_QUEUE_RUNNER_PORT:-} ]] || echo "port = $MFG_QUEUE_RUNNER_PORT"
  } >"$file.$$"
  chmod 600 "$file.$$"
  mv "$file.$$" "$file"
}

# The common set-up. Returns 0 with Odoo 18.0 ready (dependencies, PostgreSQL), 1 when
# Odoo is missing (MFG_NO_ODOO_REASON says why; the no-Odoo dependencies are there).
# `mfg_prepare test` also installs what only the tests need (requirements-test.txt).
mfg_prepare() {
  local for_tests=${1:-}
  cd "$MFG_ROOT" || exit 1
  if ! mfg_detect_odoo && ! mfg_provisioned_odoo; then
    # the tests that need no Odoo still run: they need the suite's requirements
    mfg_pip_install requirements.txt
    [[ $for_tests != test ]] || mfg_pip_install requirements-test.txt
    return 1
  fi
  mfg_pip_install requirements.txt
  [[ $for_tests != test ]] || mfg_pip_install requirements-test.txt
  mfg_say "Odoo $MFG_ODOO_VERSION from $("$PYTHON" -c 'import odoo, os; print(os.path.dirname(odoo.__file__))')"
  # The queue_job wheel declares odoo==18.0.*: installed without dependencies, and only
  # next to an Odoo that imports (see requirements-odoo.txt).
  mfg_pip_install requirements-odoo.txt --no-deps
  mfg_write_launcher
  mfg_pg_setup
  return 0
}

# --- Processes ------------------------------------------------------------------------
# setup/demo starts its long-running processes with mfg_start and stops them all,
# newest first, when it exits (Ctrl-C, TERM, or one of them dying).

MFG_PIDS=()
MFG_PID_NAMES=()

# mfg_start NAME COMMAND...: runs COMMAND in the background and remembers it.
mfg_start() {
  local name=$1
  shift
  "$@" &
  MFG_PIDS+=("$!")
  MFG_PID_NAMES+=("$name")
  mfg_say "started $name (pid $!)"
}

mfg_stop_all() {
  local i pid deadline
  for ((i = ${#MFG_PIDS[@]} - 1; i >= 0; i--)); do
    pid=${MFG_PIDS[i]}
    kill -0 "$pid" 2>/dev/null || continue
    mfg_say "stopping ${MFG_PID_NAMES[i]} (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || continue
    deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
      sleep 0.5
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
  done
  MFG_PIDS=()
  MFG_PID_NAMES=()
}

# mfg_wait_http URL PID [SECONDS]: waits until URL answers 200, while PID lives.
mfg_wait_http() {
  local url=$1 pid=$2 deadline=$((SECONDS + ${3:-300}))
  while ((SECONDS < deadline)); do
    kill -0 "$pid" 2>/dev/null || return 1
    if "$PYTHON" - "$url" 2>/dev/null <<'PY'; then
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=5) as response:
    sys.exit(0 if response.status == 200 else 1)
PY
      return 0
    fi
    sleep 1
  done
  return 1
}

# mfg_port_free PORT: true when nothing listens on 127.0.0.1:PORT.
mfg_port_free() {
  ! "$PYTHON" - "$1" 2>/dev/null <<'PY'
import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2).close()
PY
}
