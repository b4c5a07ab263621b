"""The AWS API model, loaded once per process: one botocore session (and its loaded
service models) shared by every simulation, so that creating a Simulation or a client does
not reload a model."""

from __future__ import annotations

from functools import cache

import boto3
import botocore.session
from botocore.model import OperationModel, ServiceModel


@cache
def botocore_session() -> botocore.session.Session:
    """The process's botocore session."""
    return botocore.session.Session()


@cache
def boto3_session() -> boto3.session.Session:
    """The process's boto3 session over ``botocore_session()``."""
    return boto3.session.Session(botocore_session=botocore_session())


@cache
def service_model(service_name: str) -> ServiceModel:
    """The botocore model of ``service_name`` (``"ec2"``, ``"license-manager"``, ...)."""
    return botocore_session().get_service_model(service_name)


@cache
def operation_model(service_name: str, operation_name: str) -> OperationModel:
    """The model of one operation."""
    return service_model(service_name).operation_model(operation_name)


@cache
def paginator_config(service_name: str, operation_name: str) -> dict | None:
    """The paginator model of one operation (input_token, output_token, limit_key,
    result_key), or None if the operation does not paginate."""
    try:
        paginators = botocore_session().get_paginator_model(service_name)
        return dict(paginators.get_paginator(operation_name))
    except (ValueError, botocore.exceptions.UnknownServiceError, botocore.exceptions.DataNotFoundError):
        return None
