"""The durable outbox: every side effect is a row first, handed to Celery after commit.

See ``dispatch`` for the dispatcher, ``mail`` for e-mail, and the README's "Nothing lost".
"""
