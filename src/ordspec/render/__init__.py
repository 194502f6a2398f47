"""Renderers: diagnostics are data; these only turn them into text, JSON, SARIF or annotations."""
