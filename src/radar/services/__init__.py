"""Every write and every non-trivial read; one module per entity."""
