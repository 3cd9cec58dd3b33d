"""HTTP API: the FastAPI app factory, dependencies, error rendering and one router per resource."""
