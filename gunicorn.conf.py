"""gunicorn's settings for peerchallenge. gunicorn reads this file from the folder it starts in.

Options given on the command line (`--workers 3 --bind ...`) still apply; this file only adds what every
deployment wants: memory freed by a request is given back to the operating system (peerchallenge/memory.py).
"""


def post_fork(server, worker):
    from peerchallenge.memory import limit_arenas

    limit_arenas()  # before the worker's threads start


def post_worker_init(worker):
    from peerchallenge.memory import freeze_loaded

    freeze_loaded()  # the app is loaded


def post_request(worker, req, environ, resp):
    from peerchallenge.memory import releaser

    releaser().after_request()
