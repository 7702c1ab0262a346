"""Promotes through MLflow's own client: promote.py <tracking-url> <model> alias <alias> <version> | stage <stage> <version>"""
import sys
import warnings

from mlflow import MlflowClient

warnings.filterwarnings("ignore")
url, model, kind, name, version = sys.argv[1:6]
client = MlflowClient(tracking_uri=url)
if kind == "alias":
    client.set_registered_model_alias(model, name, version)
else:
    client.transition_model_version_stage(model, version, name)
