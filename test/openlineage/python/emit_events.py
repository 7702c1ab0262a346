"""Emits a small pipeline's OpenLineage events with the real openlineage-python client and its HTTP transport.

Used by test/openlineage/python-client.e2e.test.ts: a DAG run that starts a training task; the task reads a
feature table (version named) and a CRM table (no version), writes a report and, through our custom facet
`lineage_modelVersion`, a model version; then a DatasetEvent and a JobEvent. Prints the run ids as JSON.

usage: python emit_events.py <url> <namespace prefix> <api key> <compression: none|gzip>
"""

from __future__ import annotations

import json
import sys
import uuid
from datetime import datetime, timedelta, timezone

import attr
import requests
from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import (
    DatasetEvent,
    InputDataset,
    Job,
    JobEvent,
    OutputDataset,
    Run,
    RunEvent,
    RunState,
    StaticDataset,
)
from openlineage.client.facet_v2 import (
    DatasetFacet,
    dataset_version_dataset,
    documentation_job,
    output_statistics_output_dataset,
    parent_run,
    schema_dataset,
    source_code_location_job,
)
from openlineage.client.transport.http import ApiKeyTokenProvider, HttpCompression, HttpConfig, HttpTransport

PRODUCER = "https://github.com/acme/ml-pipelines/tree/v3.2.0"
SHA = "9f2c1e7b4a5d6c8e0f1a2b3c4d5e6f708192a3b4"


@attr.define
class LineageModelVersionDatasetFacet(DatasetFacet):
    """Our custom facet, defined as docs/openlineage-model-facet.md shows."""

    name: str
    version: str
    artifactUri: str | None = None  # noqa: N815
    framework: str | None = None
    metrics: dict[str, float] | None = None

    @staticmethod
    def _get_schema() -> str:
        return "urn:lineage:openlineage:facets:1-0-0:LineageModelVersionDatasetFacet.json#/$defs/LineageModelVersionDatasetFacet"


def main() -> None:
    url, prefix, api_key, compression = sys.argv[1:5]
    config = HttpConfig(
        url=url,
        auth=ApiKeyTokenProvider({"apiKey": api_key}),
        compression=HttpCompression.GZIP if compression == "gzip" else None,
        timeout=30.0,
    )
    client = OpenLineageClient(transport=HttpTransport(config))

    t0 = datetime(2024, 6, 1, 8, 0, tzinfo=timezone.utc)
    dag = Job(namespace=f"{prefix}airflow", name="churn_weekly")
    dag_run = Run(runId=str(uuid.uuid4()))
    task_run_id = str(uuid.uuid4())
    task_job = Job(
        namespace=f"{prefix}ml-platform",
        name="churn.train",
        facets={
            "sourceCodeLocation": source_code_location_job.SourceCodeLocationJobFacet(
                type="git",
                url=f"https://github.com/acme/ml-pipelines/blob/{SHA}/churn/train.py",
                repoUrl="https://github.com/acme/ml-pipelines.git",
                path="churn/train.py",
                version=SHA,
                branch="main",
            ),
            "documentation": documentation_job.DocumentationJobFacet(description="Trains the churn classifier."),
        },
    )
    parent = parent_run.ParentRunFacet(
        run=parent_run.Run(runId=dag_run.runId),
        job=parent_run.Job(namespace=dag.namespace, name=dag.name),
    )
    inputs = [
        InputDataset(
            namespace=f"{prefix}s3://ml-features",
            name="churn/features.parquet",
            facets={"version": dataset_version_dataset.DatasetVersionDatasetFacet(datasetVersion="2024-06-01")},
        ),
        InputDataset(namespace=f"{prefix}postgres://crm-db:5432", name="crm.public.customers"),
    ]
    schema = schema_dataset.SchemaDatasetFacet(
        fields=[
            schema_dataset.SchemaDatasetFacetFields(name="customer_id", type="BIGINT"),
            schema_dataset.SchemaDatasetFacetFields(name="score", type="DOUBLE"),
        ]
    )
    report = OutputDataset(namespace=f"{prefix}s3://ml-reports", name="churn/evaluation.parquet", facets={"schema": schema})
    model = OutputDataset(
        namespace=f"{prefix}s3://ml-models",
        name="churn/7",
        facets={
            "lineage_modelVersion": LineageModelVersionDatasetFacet(
                name=f"{prefix}churn-classifier",
                version="7",
                artifactUri="s3://ml-models/churn/7/model.pkl",
                framework="scikit-learn 1.5.2",
                metrics={"auc": 0.91},
            )
        },
    )
    def emit(event):
        try:
            client.emit(event)
        except requests.exceptions.HTTPError as error:
            # Say what the service answered: the client's own message names only the status.
            raise SystemExit(f"{error}: {error.response.text}") from error


    emit(RunEvent(eventType=RunState.START, eventTime=t0.isoformat(), run=dag_run, job=dag, producer=PRODUCER))
    emit(
        RunEvent(
            eventType=RunState.START,
            eventTime=(t0 + timedelta(minutes=1)).isoformat(),
            run=Run(runId=task_run_id, facets={"parent": parent}),
            job=task_job,
            inputs=inputs,
            outputs=[report, model],
            producer=PRODUCER,
        )
    )
    finished_report = OutputDataset(
        namespace=report.namespace,
        name=report.name,
        facets=report.facets,
        outputFacets={"outputStatistics": output_statistics_output_dataset.OutputStatisticsOutputDatasetFacet(rowCount=120000, size=3145728)},
    )
    emit(
        RunEvent(
            eventType=RunState.COMPLETE,
            eventTime=(t0 + timedelta(minutes=30)).isoformat(),
            run=Run(runId=task_run_id, facets={"parent": parent}),
            job=task_job,
            inputs=inputs,
            outputs=[finished_report, model],
            producer=PRODUCER,
        )
    )
    emit(RunEvent(eventType=RunState.COMPLETE, eventTime=(t0 + timedelta(minutes=31)).isoformat(), run=dag_run, job=dag, producer=PRODUCER))
    emit(
        DatasetEvent(
            eventTime=(t0 + timedelta(minutes=32)).isoformat(),
            dataset=StaticDataset(namespace=report.namespace, name=report.name, facets={"schema": schema}),
            producer=PRODUCER,
        )
    )
    emit(JobEvent(eventTime=(t0 + timedelta(minutes=33)).isoformat(), job=task_job, inputs=inputs, outputs=[report], producer=PRODUCER))
    client.close()
    print(json.dumps({"dagRunId": dag_run.runId, "taskRunId": task_run_id}))


if __name__ == "__main__":
    main()
