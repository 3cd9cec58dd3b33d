"""Webhooks for partner platforms: signing, the SSRF guard, the event catalogue, dispatching."""
