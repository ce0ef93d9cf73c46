"""Small PostgreSQL helper for the set-up scripts (used only where Odoo is present).

It connects the way libpq does (PGHOST, PGPORT, PGUSER, PGPASSWORD, else the local
socket and the OS user), with psycopg2, which Odoo already requires, so the scripts
need no PostgreSQL client programs beyond the cluster tools.

    python3 setup/dbtool.py ping                 exit 0 ok, 1 no answer,
                                                 2 server up but role refused
    python3 setup/dbtool.py exists DB            exit 0 when DB exists, else 1
    python3 setup/dbtool.py drop DB              drop DB if it exists
    python3 setup/dbtool.py copy SRC DST         DST := a copy of SRC (dropped first)
    python3 setup/dbtool.py missing-modules DB M...   print the modules of M not
                                                 installed in DB (all when no Odoo db)
"""

import sys

import psycopg2
from psycopg2 import sql


def _connect(dbname="postgres"):
    conn = psycopg2.connect(dbname=dbname, connect_timeout=5)
    conn.autocommit = True
    return conn


def ping():
    try:
        _connect().close()
    except psycopg2.OperationalError as err:
        text = str(err)
        # the server answered, but refuses this role (missing role, bad password)
        if "role" in text or "authentication" in text or "password" in text:
            print(text.strip(), file=sys.stderr)
            return 2
        print(text.strip(), file=sys.stderr)
        return 1
    return 0


def exists(dbname):
    with _connect() as conn, conn.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,))
        return 0 if cr.fetchone() else 1


def drop(dbname):
    conn = _connect()
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (dbname,),
            )
            cr.execute(
                sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(dbname))
            )
    finally:
        conn.close()
    return 0


def copy(source, target):
    drop(target)
    conn = _connect()
    try:
        with conn.cursor() as cr:
            cr.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(target), sql.Identifier(source)
                )
            )
    finally:
        conn.close()
    return 0


def missing_modules(dbname, names):
    if exists(dbname):
        print(" ".join(names))
        return 0
    conn = _connect(dbname)
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT to_regclass('ir_module_module') IS NOT NULL")
            if not cr.fetchone()[0]:
                print(" ".join(names))
                return 0
            cr.execute(
                "SELECT name FROM ir_module_module "
                "WHERE name = ANY(%s) AND state = 'installed'",
                (list(names),),
            )
            installed = {name for (name,) in cr.fetchall()}
    finally:
        conn.close()
    print(" ".join(name for name in names if name not in installed))
    return 0


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 64
    command, args = argv[0], argv[1:]
    if command == "ping":
        return ping()
    if command == "exists" and len(args) == 1:
        return exists(args[0])
    if command == "drop" and len(args) == 1:
        return drop(args[0])
    if command == "copy" and len(args) == 2:
        return copy(*args)
    if command == "missing-modules" and len(args) >= 2:
        return missing_modules(args[0], args[1:])
    print(__doc__, file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
