# shellcheck shell=bash disable=SC2034 # variables set here are read by the scripts
# Provisioning of Odoo 18.0 (README.md, "Prerequisites"); sourced by setup/lib.sh.
# It runs inside `if ! mfg_prepare`, where bash ignores `set -e`: every command whose
# failure matters is checked here explicitly.
#
# When $PYTHON cannot import Odoo 18.0, setup/test and setup/demo build one under
# $MFG_VAR (default var/):
#   odoo/   Odoo's own files of MFG_ODOO_SOURCE (odoo/, addons/, odoo-bin, setup.py,
#           requirements.txt, ...), nothing else of that source (no custom addons)
#   venv/   a virtualenv with Odoo's requirements, the suite's and queue_job
# venv/.mfg-provisioned records what the venv was built from (interpreter, Odoo
# revision, requirement files, pins); when a later run finds the same record it re-uses
# both without pip and without the network. Every step prints a progress line, keeps
# its output in log/provision-*.log and, when it fails, shows the command, the end of
# that log and how to retry.

MFG_ODOO_DEFAULT_SOURCE=https://github.com/odoo/odoo.git
MFG_ODOO_BRANCH=18.0
# What var/odoo gets of a source: Odoo's own files, as its official repository has them.
MFG_ODOO_FILES=(odoo addons odoo-bin setup.py setup.cfg setup requirements.txt
  MANIFEST.in LICENSE COPYRIGHT README.md)
# Installed before Odoo's requirements, which build with --no-build-isolation against
# them: some of Odoo 18.0's pinned source distributions do not build with newer ones.
MFG_BUILD_TOOLS=("setuptools<70" wheel "setuptools_scm<8")

# mfg_step LOG WHAT COMMAND...: runs COMMAND with its output in LOG between two
# progress lines (WHAT before, its duration after). On failure it prints the command,
# the last lines of LOG and how to retry, then exits.
mfg_step() {
  local log=$1 what=$2 start=$SECONDS rc=0
  shift 2
  mkdir -p "$(dirname "$log")"
  mfg_say "$what ..."
  "$@" >"$log" 2>&1 || rc=$?
  if [[ $rc == 0 ]]; then
    mfg_say "$what: done in $((SECONDS - start))s"
    return 0
  fi
  mfg_say "FAILED after $((SECONDS - start))s (exit $rc): $what"
  mfg_say "command: $(printf '%q ' "$@")"
  tail -n 25 "$log" | sed 's/^/[setup]   | /' >&2
  mfg_say "full log: $log"
  mfg_say "to retry: fix the cause, then run ${MFG_COMMAND:-the command} again (finished" \
    "steps are kept; rm -rf ${MFG_VAR}/venv ${MFG_VAR}/odoo starts over)"
  exit 1
}

# --- System packages (Debian, Ubuntu) --------------------------------------------------

mfg_deb_installed() {
  [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]
}

# Prints the Debian packages that provisioning needs and the machine lacks: git, a C
# toolchain and the headers Odoo's requirements build against (psycopg2: libpq-dev,
# python-ldap: libldap2-dev libsasl2-dev), the interpreter's headers and venv module,
# a PostgreSQL server (unless PGHOST names one) and Chromium (Odoo's browser tours).
mfg_missing_debs() {
  local version pkgs=(git build-essential libpq-dev libldap2-dev libsasl2-dev) pkg
  version=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  if ! "$PYTHON" - <<'PY' 2>/dev/null; then
import os, sys, sysconfig
sys.exit(not os.path.isfile(os.path.join(sysconfig.get_paths()["include"], "Python.h")))
PY
    pkgs+=("python$version-dev")
  fi
  "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || pkgs+=("python$version-venv")
  if [[ -z ${PGHOST:-} ]] && ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
    pkgs+=(postgresql)
  fi
  if ! command -v chromium chromium-browser google-chrome google-chrome-stable >/dev/null; then
    # Debian's package; Ubuntu ships the browser under the other name
    if grep -qs '^ID=ubuntu' /etc/os-release; then pkgs+=(chromium-browser); else pkgs+=(chromium); fi
  fi
  for pkg in "${pkgs[@]}"; do
    mfg_deb_installed "$pkg" || printf '%s\n' "$pkg"
  done
}

# Installs the missing system packages with apt-get, as root or with password-less
# sudo, and only those: --no-upgrade, and nothing when apt-get would upgrade a package
# the machine already has to install them (a running PostgreSQL server, say).
mfg_system_packages() {
  local missing out upgrades
  [[ ${MFG_SKIP_SYSTEM_PACKAGES:-} != 1 ]] || return 0
  if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
    mfg_die "not a Debian or Ubuntu machine: setup/ cannot check its system packages.
[setup] Provisioning Odoo needs git, a C compiler, the headers of libpq, OpenLDAP, Cyrus
[setup] SASL and Python, Python's venv module, PostgreSQL and Chromium (on Debian: git
[setup] build-essential libpq-dev libldap2-dev libsasl2-dev python3-dev python3-venv
[setup] postgresql chromium). Install them, then run ${MFG_COMMAND:-the command} again
[setup] with MFG_SKIP_SYSTEM_PACKAGES=1."
  fi
  mapfile -t missing < <(mfg_missing_debs)
  [[ ${#missing[@]} -gt 0 ]] || return 0
  local cmd="apt-get install --no-upgrade --no-install-recommends ${missing[*]}"
  if [[ $(id -u) != 0 ]] && ! sudo -n true 2>/dev/null; then
    mfg_die "these system packages are missing: ${missing[*]}
[setup] Install them as root ($cmd), then run ${MFG_COMMAND:-the command} again."
  fi
  if ! out=$(apt-get install -s --no-upgrade --no-install-recommends "${missing[@]}" 2>&1); then
    mfg_step "$MFG_VAR/log/provision-apt-update.log" "reading the package lists (apt-get update)" \
      mfg_as_root apt-get update
    out=$(apt-get install -s --no-upgrade --no-install-recommends "${missing[@]}" 2>&1) ||
      mfg_die "apt-get cannot install ${missing[*]}: $(tail -n 1 <<<"$out")"
  fi
  # "Inst name [installed version] (new version ...)": an upgrade of an installed package
  upgrades=$(awk '$1 == "Inst" && $3 ~ /^\[/ {print $2}' <<<"$out" | tr '\n' ' ')
  if [[ -n $upgrades ]]; then
    mfg_die "installing ${missing[*]} would upgrade packages this machine already has" \
      "(${upgrades% }); setup/ never does that.
[setup] Install them yourself when it suits you ($cmd), then run ${MFG_COMMAND:-the command} again."
  fi
  mfg_step "$MFG_VAR/log/provision-apt.log" "installing the missing system packages ${missing[*]}" \
    mfg_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-upgrade \
    --no-install-recommends "${missing[@]}"
}

# --- Odoo's source -------------------------------------------------------------------------

mfg_odoo_source() { printf '%s' "${MFG_ODOO_SOURCE:-$MFG_ODOO_DEFAULT_SOURCE}"; }

# Prints how to read SOURCE: git-dir (a local git repository, bare or not), tree (an
# unpacked source tree) or url; dies on a local path that does not exist.
mfg_source_kind() {
  local src=$1 top
  if [[ -d $src ]]; then
    if [[ $(git -C "$src" rev-parse --is-bare-repository 2>/dev/null) == true ]]; then
      echo git-dir
      return 0
    fi
    # a tree unpacked inside some other repository is a tree, not that repository
    top=$(git -C "$src" rev-parse --show-toplevel 2>/dev/null) || top=
    if [[ -n $top && $(realpath "$top") == $(realpath "$src") ]]; then echo git-dir; else echo tree; fi
  elif [[ $src == *://* || $src =~ ^[^/]+@[^/:]+: ]]; then
    echo url
  else
    mfg_die "MFG_ODOO_SOURCE=$src is neither a directory nor a git URL"
  fi
}

# mfg_git_export GIT_DIR REF DEST: Odoo's own files of REF into DEST.
mfg_git_export() {
  local files
  mapfile -t files < <(git --git-dir="$1" ls-tree --name-only "$2" |
    grep -Fx -f <(printf '%s\n' "${MFG_ODOO_FILES[@]}"))
  # never an empty list: git archive would take the whole tree
  [[ ${#files[@]} -gt 0 ]] || return 1
  git --git-dir="$1" archive --format=tar "$2" -- "${files[@]}" | tar -x -C "$3"
}

# mfg_tree_export SRC DEST: Odoo's own files of an unpacked tree into DEST.
mfg_tree_export() {
  local file files=()
  for file in "${MFG_ODOO_FILES[@]}"; do
    [[ ! -e $1/$file ]] || files+=("$file")
  done
  tar -C "$1" -c --exclude=__pycache__ --exclude='*.pyc' -- "${files[@]}" | tar -x -C "$2"
}

# Fills $MFG_VAR/odoo from MFG_ODOO_SOURCE (again only when the recorded source
# differs). Returns 1, with MFG_NO_ODOO_REASON, when a git URL cannot be reached.
mfg_fetch_odoo() {
  local src dest=$MFG_VAR/odoo part=$MFG_VAR/odoo.part kind git_dir ref rev version
  src=$(mfg_odoo_source)
  if [[ -f $dest/.mfg-source && $(sed -n 's/^source=//p' "$dest/.mfg-source") == "$src" ]]; then
    return 0
  fi
  kind=$(mfg_source_kind "$src") || exit 1
  rm -rf "$part" "$MFG_VAR/odoo.git"
  mkdir -p "$part" "$MFG_VAR/log" || mfg_die "cannot create $part"
  case $kind in
    url)
      git_dir=$MFG_VAR/odoo.git
      ref=HEAD
      mfg_say "fetching Odoo $MFG_ODOO_BRANCH from $src (a shallow git clone: a few minutes) ..."
      local start=$SECONDS
      if ! git clone --quiet --bare --depth 1 --branch "$MFG_ODOO_BRANCH" "$src" "$git_dir" \
        >"$MFG_VAR/log/provision-clone.log" 2>&1; then
        MFG_NO_ODOO_REASON="python3 cannot import Odoo 18.0 and its source $src cannot be reached"
        mfg_say "cannot fetch Odoo from $src ($(grep -v '^\s*$' "$MFG_VAR/log/provision-clone.log" |
          tail -n 1)): going on as with MFG_ODOO_SOURCE=none"
        rm -rf "$part" "$git_dir"
        return 1
      fi
      mfg_say "fetched in $((SECONDS - start))s"
      ;;
    git-dir)
      git_dir=$(git -C "$src" rev-parse --absolute-git-dir) || mfg_die "cannot read git repository $src"
      # its 18.0 branch when it has one, else what it has checked out
      ref=$MFG_ODOO_BRANCH
      git --git-dir="$git_dir" rev-parse -q --verify "$ref^{commit}" >/dev/null || ref=HEAD
      ;;
  esac
  if [[ $kind == tree ]]; then
    rev="unpacked tree"
    mfg_step "$MFG_VAR/log/provision-source.log" "copying Odoo's files from $src" \
      mfg_tree_export "$src" "$part"
  else
    rev=$(git --git-dir="$git_dir" rev-parse "$ref^{commit}") || mfg_die "$src has no commit $ref"
    mfg_step "$MFG_VAR/log/provision-source.log" "extracting Odoo's files of $src ($ref, ${rev:0:12})" \
      mfg_git_export "$git_dir" "$rev" "$part"
    [[ $kind != url ]] || rm -rf "$git_dir"
  fi
  # release.py imports nothing: read it without importing Odoo
  version=$("$PYTHON" -c 'import sys; ns = {}; exec(open(sys.argv[1]).read(), ns); print(ns["version"])' \
    "$part/odoo/release.py" 2>/dev/null) || version="no Odoo (no odoo/release.py)"
  if [[ $version != 18.0* ]]; then
    rm -rf "$part"
    mfg_die "MFG_ODOO_SOURCE=$src holds $version, not Odoo 18.0"
  fi
  if ! printf 'source=%s\nrevision=%s\nversion=%s\n' "$src" "$rev" "$version" \
    >"$part/.mfg-source" || ! rm -rf "$dest" || ! mv "$part" "$dest"; then
    mfg_die "cannot move $part to $dest"
  fi
}

# --- The virtualenv --------------------------------------------------------------------------

# What the venv is built from, as one hash: the interpreter, the Odoo source record,
# Odoo's requirements, the pins and build tools, queue_job's pin.
mfg_provision_key() {
  {
    "$PYTHON" -c 'import os, sys; print(os.path.realpath(sys.executable), sys.version)'
    printf '%s\n' "${MFG_BUILD_TOOLS[@]}"
    cat "$MFG_VAR/odoo/.mfg-source" "$MFG_VAR/odoo/requirements.txt" \
      "$MFG_ROOT/setup/requirements-venv.txt" "$MFG_ROOT/requirements-odoo.txt"
  } | sha256sum | cut -d' ' -f1
}

mfg_venv_pip() {
  "$MFG_VAR/venv/bin/python" -m pip install --disable-pip-version-check --no-input \
    --progress-bar off "$@"
}

# Makes $MFG_VAR/venv hold Odoo 18.0 and switches PYTHON to it (exported: the demo's
# plant and the tests run with it too). Returns 1, with MFG_NO_ODOO_REASON, when
# there is no source (MFG_ODOO_SOURCE=none, or a git URL that cannot be reached).
mfg_provision_odoo() {
  local venv=$MFG_VAR/venv src key version log=$MFG_VAR/log
  src=$(mfg_odoo_source)
  if [[ $src == none ]]; then
    MFG_NO_ODOO_REASON="python3 cannot import Odoo 18.0 (MFG_ODOO_SOURCE=none)"
    return 1
  fi
  version=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])') ||
    mfg_die "PYTHON=$PYTHON does not run"
  case $version in
    3.10 | 3.11 | 3.12) ;;
    *) mfg_die "Odoo 18.0 needs Python 3.10 to 3.12; $PYTHON is $version (set PYTHON)" ;;
  esac
  if [[ -x $venv/bin/python && -f $venv/.mfg-provisioned && -f $MFG_VAR/odoo/.mfg-source ]] &&
    [[ $(sed -n 's/^source=//p' "$MFG_VAR/odoo/.mfg-source") == "$src" ]] &&
    [[ $(cat "$venv/.mfg-provisioned") == "$(mfg_provision_key)" ]]; then
    mfg_say "re-using the Odoo 18.0 provisioned in $venv (from $src; no pip, no network)"
    export PYTHON=$venv/bin/python
    return 0
  fi
  if [[ ${MFG_SKIP_PIP:-} == 1 ]]; then
    MFG_NO_ODOO_REASON="python3 cannot import Odoo 18.0 and MFG_SKIP_PIP=1 forbids provisioning it"
    return 1
  fi
  mfg_say "$PYTHON cannot import Odoo 18.0: provisioning one in $MFG_VAR from $src"
  mfg_fetch_odoo || return 1
  mfg_system_packages
  key=$(mfg_provision_key) || mfg_die "cannot read what $venv is to be built from"
  if [[ -x $venv/bin/python ]] &&
    [[ $("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])') == "$version" ]]; then
    mfg_say "completing the virtualenv $venv"
  else
    rm -rf "$venv"
    mfg_step "$log/provision-venv.log" "creating the virtualenv $venv (Python $version)" \
      "$PYTHON" -m venv "$venv"
  fi
  rm -f "$venv/.mfg-provisioned"
  mfg_step "$log/provision-pip-tools.log" "installing the build tools ${MFG_BUILD_TOOLS[*]}" \
    mfg_venv_pip "${MFG_BUILD_TOOLS[@]}"
  # one resolution for Odoo's pins, the suite's ranges (written to accept Odoo's pins)
  # and the venv's own pins
  mfg_step "$log/provision-pip-requirements.log" \
    "installing Odoo's and the suite's Python requirements (pip: several minutes the first time)" \
    mfg_venv_pip --no-build-isolation -r "$MFG_VAR/odoo/requirements.txt" \
    -r "$MFG_ROOT/requirements.txt" -r "$MFG_ROOT/setup/requirements-venv.txt"
  mfg_step "$log/provision-pip-odoo.log" "installing Odoo from $MFG_VAR/odoo (editable)" \
    mfg_venv_pip --no-build-isolation --no-deps -e "$MFG_VAR/odoo"
  # the queue_job wheel declares odoo==18.0.*, which pip cannot resolve from a source
  # tree (see requirements-odoo.txt)
  mfg_step "$log/provision-pip-queue-job.log" "installing OCA queue_job (requirements-odoo.txt)" \
    mfg_venv_pip --no-deps -r "$MFG_ROOT/requirements-odoo.txt"
  mfg_step "$log/provision-check.log" "checking that the virtualenv imports Odoo 18.0" \
    "$venv/bin/python" -c 'import odoo.release as r, sys; print(r.version); sys.exit(r.version_info[:2] != (18, 0))'
  printf '%s\n' "$key" >"$venv/.mfg-provisioned" || mfg_die "cannot write $venv/.mfg-provisioned"
  mfg_say "Odoo 18.0 provisioned in $venv"
  export PYTHON=$venv/bin/python
}
