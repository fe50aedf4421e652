"""Prediction for candidate recipes: CLI, REST service and MLflow model."""
