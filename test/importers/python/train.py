"""The `train` stage of the test's DVC pipeline: trains (trivially), logs the run to MLflow with the dataset it
read (source = its path in the repository, digest = DVC's md5 of the file) and registers the model."""
import hashlib
import json
import os
import pickle

import mlflow
import pandas as pd
import yaml

params = yaml.safe_load(open("params.yaml"))["train"]
path = "data/prepared/train.csv"
df = pd.read_csv(path)
mlflow.set_experiment(os.environ["LINEAGE_TEST_EXPERIMENT"])


class Model(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input):
        return model_input


with mlflow.start_run(run_name="train"):
    mlflow.log_params(params)
    digest = hashlib.md5(open(path, "rb").read()).hexdigest()
    mlflow.log_input(mlflow.data.from_pandas(df, source=path, name=path, digest=digest), context="training")
    score = float(df["amount"].mean())
    mlflow.log_metric("mean_amount", score)
    mlflow.pyfunc.log_model(name="model", python_model=Model(), pip_requirements=[], registered_model_name=os.environ["LINEAGE_TEST_MODEL"])

open("model.pkl", "wb").write(pickle.dumps(score))
json.dump({"mean_amount": score}, open("metrics.json", "w"))
