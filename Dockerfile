# Console de crise — image de production (web, worker et beat partagent la même image).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/var/lib/console \
    MEDIA_ROOT=/var/lib/console/media \
    STATIC_ROOT=/app/staticfiles

# WeasyPrint: Pango, HarfBuzz subsetting (fast font subsetting) and fonts; gettext for compilemessages.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-dejavu-core fonts-liberation2 gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Dependencies first, so that a code change does not reinstall them: the exact versions of
# requirements.lock (hashes checked), those the figures of docs/performance.md were measured with.
# The installer is pinned first (requirements-pip.lock), so that the image's own pip never decides
# how the lock is read.
COPY requirements-pip.lock requirements.lock ./
RUN pip install --require-hashes -r requirements-pip.lock \
 && pip install --require-hashes -r requirements.lock

COPY . .
RUN useradd --system --uid 1000 --create-home console \
 && mkdir -p /var/lib/console/media "$STATIC_ROOT" \
 && export DEBUG=0 SECRET_KEY=build-only-not-secret \
 && if [ -d locale ]; then python manage.py compilemessages --ignore=var -v0; fi \
 && python manage.py collectstatic --noinput -v0 \
 && chown -R console:console /var/lib/console "$STATIC_ROOT"

USER console
EXPOSE 8000
# web.gunicorn_conf: the application loaded and warmed once, before the workers fork (docs/performance.md).
CMD ["gunicorn", "-c", "python:web.gunicorn_conf", "config.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
