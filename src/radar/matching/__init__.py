"""Matching: taxonomy normalisation, the match index, scoring, explanations, consortia."""
