"""Grouped cross-validation, tuning and experiment tracking."""
