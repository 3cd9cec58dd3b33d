"""Radar: an innovation-radar matchmaking service for regional innovation clusters."""

__version__ = "0.1.0"
