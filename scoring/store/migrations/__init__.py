"""The store's Alembic migrations (`scoring.store.migrate` runs them); `versions/` holds one file per change."""
