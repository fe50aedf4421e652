"""Models-from-code entry point: MLflow imports this file (copied into the model) when it loads
a cathodeml model. It is not imported by the cathodeml package itself."""

import mlflow

from cathodeml.tracking.pyfunc import CathodePyfunc

mlflow.models.set_model(CathodePyfunc())
