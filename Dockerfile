# Production image of the CDMX–BCN Cooperation Portal: one image for web, worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    VAR_DIR=/srv/var

WORKDIR /srv/app
RUN useradd --system --uid 10001 --home-dir /srv portal

COPY pyproject.toml constraints.txt README.md ./
COPY config ./config
COPY cooperation ./cooperation
COPY projects ./projects
COPY exchanges ./exchanges
COPY reports ./reports
COPY demo ./demo
RUN pip install -c constraints.txt .

COPY . .
# collectstatic needs settings to load; these placeholder values exist only for this step.
RUN DEBUG=0 SECRET_KEY=collectstatic-only DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 python manage.py collectstatic --noinput \
    && mkdir -p /srv/var/mail /srv/files \
    && chown -R portal /srv/var /srv/files

USER portal
EXPOSE 8000
# Workers from the CPU count, timeouts, recycling with jitter, JSON access log: config/gunicorn.py
# (each value has a GUNICORN_* override, README "Deploying").
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"]
