"""The one exception type the domain raises for anything an AWS service would refuse."""

from __future__ import annotations


class ServiceError(Exception):
    """An error response of an AWS service.

    Raised by the world and the engine before any state changes. The API adapter turns it
    into the error response botocore expects, so a boto3 client raises it as
    ``client.exceptions.<code>`` (or a ``ClientError`` carrying ``Error.Code == code``).

    Args:
        code: The AWS error code, e.g. ``"InvalidInstanceID.NotFound"`` or
            ``"InvalidParameterValueException"``.
        message: A message naming the field at fault and, where there are any, the allowed
            values.
        status: The HTTP status the service would answer with.
        fields: Members of the modeled error shape besides the message, such as the
            ``Reason`` of an Organizations ``ConstraintViolationException``.
    """

    def __init__(
        self, code: str, message: str, *, status: int = 400, fields: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.fields = dict(fields or {})
