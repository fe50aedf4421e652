"""Everything cathodeml says to MLflow: runs, the model registry and the packaged model.

Every call goes through an explicit ``MlflowClient`` built for the tracking URI at hand; nothing
here calls ``mlflow.set_*`` or exports environment variables, and nothing runs at import time.
"""
