"""Validates what `duvo rpc` sends against schema/openrpc.json, so the schema and the server cannot drift apart.

Every result, notification and error a test receives goes through `Contract.check_*`; a mismatch fails the test with
the JSON path of the offending value. `$ref`s are resolved against the whole OpenRPC document with `referencing`, and
formats (uuid, date-time) are asserted, not just annotated.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry
from referencing.jsonschema import DRAFT202012

REPO_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = REPO_ROOT / "schema" / "openrpc.json"

# The document has no $id; this base URI lets pointers like "#/components/schemas/Run" resolve inside it.
BASE_URI = "urn:duvo-bridge:openrpc"


class ContractViolation(AssertionError):
    """What the server sent does not match schema/openrpc.json."""


class Contract:
    """The OpenRPC document with validators for each method's params and result, and each notification."""

    def __init__(self, path: Path = SCHEMA_PATH) -> None:
        self.document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        resource = DRAFT202012.create_resource(self.document)
        self.registry: Registry = Registry().with_resource(BASE_URI, resource)
        self._methods = {m["name"]: (i, m) for i, m in enumerate(self.document["methods"])}
        self._notifications = {n["name"]: (i, n) for i, n in enumerate(self.document.get("x-notifications", []))}
        self._errors_by_code = {e["code"]: name for name, e in self.document["components"]["errors"].items()}

    @property
    def method_names(self) -> list[str]:
        """Method names in document order."""
        return list(self._methods)

    @property
    def notification_names(self) -> list[str]:
        """Names of the server-to-client notifications (x-notifications)."""
        return list(self._notifications)

    def method(self, name: str) -> dict[str, Any]:
        """The method object named `name`; KeyError when the document has none."""
        return self._methods[name][1]

    def validator_at(self, pointer: str) -> Draft202012Validator:
        """A validator for the schema at a JSON pointer into the document (e.g. `/components/schemas/Run`)."""
        return _validator(self, pointer)

    def result_validator(self, method: str) -> Draft202012Validator:
        """A validator for `method`'s result."""
        index, _ = self._methods[method]
        return self.validator_at(f"/methods/{index}/result/schema")

    def params_validator(self, method: str) -> Draft202012Validator:
        """A validator for `method`'s whole by-name params object, built from its content descriptors."""
        index, spec = self._methods[method]
        schema = {
            "type": "object",
            "properties": {
                p["name"]: {"$ref": f"{BASE_URI}#/methods/{index}/params/{j}/schema"}
                for j, p in enumerate(spec["params"])
            },
            "required": [p["name"] for p in spec["params"] if p.get("required")],
            "additionalProperties": False,
        }
        return Draft202012Validator(schema, registry=self.registry, format_checker=Draft202012Validator.FORMAT_CHECKER)

    def notification_validator(self, name: str) -> Draft202012Validator:
        """A validator for the params of the notification `name`."""
        index, _ = self._notifications[name]
        return self.validator_at(f"/x-notifications/{index}/params")

    def check_result(self, method: str, result: Any) -> Any:
        """Asserts `result` fits `method`'s result schema and returns it."""
        _check(self.result_validator(method), result, f"result of {method}")
        return result

    def check_params(self, method: str, params: Any) -> Any:
        """Asserts `params` fit `method`'s params and returns them."""
        _check(self.params_validator(method), params, f"params of {method}")
        return params

    def check_notification(self, name: str, params: Any) -> Any:
        """Asserts `name` is a documented notification and `params` fit it; returns `params`."""
        if name not in self._notifications:
            raise ContractViolation(f"notification {name!r} is not in x-notifications")
        _check(self.notification_validator(name), params, f"params of notification {name}")
        return params

    def check_error(self, error: Any, allowed_for: str | None = None) -> Any:
        """Asserts `error` is a JSON-RPC error object with a documented code (one `allowed_for` lists, when given)."""
        _check(self.validator_at("/components/schemas/RPCErrorObject"), error, "error object")
        code = error["code"]
        name = self._errors_by_code.get(code)
        if name is None:
            raise ContractViolation(f"error code {code} is not in components.errors")
        if allowed_for is not None:
            listed = {ref["$ref"].rsplit("/", 1)[-1] for ref in self.method(allowed_for)["errors"]}
            if name not in listed:
                raise ContractViolation(f"{allowed_for} answered {name} ({code}), which its errors do not list")
        data_schema = _DATA_SCHEMAS.get(code)
        if data_schema is not None and "data" in error:
            _check(self.validator_at(f"/components/schemas/{data_schema}"), error["data"], f"data of error {code}")
        return error


# Which components.schemas entry describes an error's data, by code (the error objects cannot say so themselves:
# the OpenRPC meta-schema allows only code, message and data there).
_DATA_SCHEMAS = {-32602: "InvalidParamsData", **{code: "UpstreamErrorData" for code in range(-31008, -30999)}}


@functools.lru_cache(maxsize=None)
def _validator(contract: Contract, pointer: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": f"{BASE_URI}#{pointer}"},
        registry=contract.registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def _check(validator: Draft202012Validator, value: Any, what: str) -> None:
    errors = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"{what} does not match schema/openrpc.json:"]
        lines += [f"  at {_path(e)}: {e.message}" for e in errors[:10]]
        lines.append("  value: " + json.dumps(value)[:2000])
        raise ContractViolation("\n".join(lines))


def _path(error: ValidationError) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)


@functools.lru_cache(maxsize=1)
def load_contract() -> Contract:
    """The contract of this checkout, loaded once per test session."""
    return Contract()
