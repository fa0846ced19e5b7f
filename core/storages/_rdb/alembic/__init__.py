"""Alembic migrations of the RDB schema (run through ``RDBStorage.upgrade``)."""
