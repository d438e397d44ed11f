"""Gunicorn's settings for Rasd (``gunicorn -c deploy/gunicorn.conf.py config.wsgi:application``).

rasd-web.service passes the address to listen on (``--bind``); benchmarks/load.py starts the same configuration on
the loopback. Anything given on the command line wins over this file.
"""

import os

# Sync workers: Rasd's pages are short database reads and writes, and each worker holds one PostgreSQL connection
# (DB_CONN_MAX_AGE keeps it open between requests). Twice the cores plus one keeps the CPUs busy while some
# workers wait on the database.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * len(os.sched_getaffinity(0)) + 1))
worker_class = "sync"
# A request that takes longer than this is stuck: its worker is killed and replaced. Imports run in the task
# worker, never in a request, so no page needs more.
timeout = 30
graceful_timeout = 30
# Replace each worker after a few thousand requests, at different moments, so that memory cannot creep up.
max_requests = 2000
max_requests_jitter = 200
# Load the application once in the master: workers start fast and share its memory.
preload_app = True
# nginx is on the same machine: through the unix socket of rasd-web.socket (always trusted by gunicorn) or, with a
# TCP bind, from 127.0.0.1; its X-Forwarded-* headers are trusted from there only.
forwarded_allow_ips = "127.0.0.1"
# The access log goes to the journal (standard output); nginx keeps its own too. Through the unix socket gunicorn
# sees no client address: the log shows the one nginx passes, and how long each request took (ms).
accesslog = "-"
access_log_format = '%({x-forwarded-for}i)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
errorlog = "-"
# The runtime control socket is not used; without this gunicorn writes one under the home directory, which the
# hardened service cannot write to.
control_socket_disable = True
