"""Django's PostgreSQL backend, with a short health check (see ``base``)."""
