"""gunicorn's settings in production (bin/run-dev, the Dockerfile, docker-compose.yml): ``-c python:web.gunicorn_conf``.

The application is loaded once in the master (preload_app) and warmed there (web.warmup)
before the workers fork: each worker takes its first request warm, instead of paying the
imports, the URL resolver and the templates on its first requests after every start. The
price: code changes need a restart, not a HUP (production deploys restart anyway).
"""

preload_app = True


def when_ready(server):
    # Called in the master once the application is loaded, before any worker is forked.
    from web.warmup import warm_up

    loaded = warm_up()
    server.log.info("warmed before forking: %(urls)s URL names, %(templates)s templates", loaded)
