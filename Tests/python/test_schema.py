"""schema/openrpc.json is a well-formed OpenRPC 1.3.2 document that describes exactly the agreed contract."""

from __future__ import annotations

from typing import Any, Iterator

import pytest
from jsonschema import Draft202012Validator
from referencing.exceptions import Unresolvable

from duvo_contract import BASE_URI, Contract

AGREED_METHODS = [
    "runs/start", "runs/get", "runs/messages", "runs/sendMessage", "runs/respond", "runs/stop", "runs/list",
    "runs/wait", "runs/follow", "runs/unfollow", "runs/stats", "rpc.discover",
]
AGREED_NOTIFICATIONS = [
    "runs/message", "runs/status", "runs/followStalled", "runs/followRecovered", "runs/followEnded",
]
AGREED_ERRORS = {
    -32700, -32600, -32601, -32602, -32603, -32800,
    -31000, -31001, -31002, -31003, -31004, -31005, -31006, -31007, -31008, -31009, -31010, -31011,
}

# The keys the OpenRPC 1.3.2 meta-schema allows on each object (plus x- extensions where it allows them).
METHOD_KEYS = {"name", "summary", "description", "tags", "paramStructure", "params", "result", "errors", "links",
               "examples", "deprecated", "externalDocs", "servers"}
DESCRIPTOR_KEYS = {"name", "summary", "description", "schema", "required", "deprecated"}
ERROR_KEYS = {"code", "message", "data"}
TOP_KEYS = {"openrpc", "info", "servers", "methods", "components", "externalDocs"}


def walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every (JSON pointer, value) in `value`, depth first."""
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from walk(child, f"{path}/{key}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from walk(child, f"{path}/{index}")


def all_schemas(doc: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every top-level JSON Schema in the document, with a name for failure messages."""
    for name, schema in doc["components"]["schemas"].items():
        yield f"components.schemas.{name}", schema
    for method in doc["methods"]:
        for param in method["params"]:
            yield f"{method['name']} param {param['name']}", param["schema"]
        yield f"{method['name']} result", method["result"]["schema"]
    for note in doc["x-notifications"]:
        yield f"notification {note['name']}", note["params"]


class TestShape:
    def test_document_is_openrpc_1_3_2_titled_duvo_bridge(self, contract: Contract) -> None:
        doc = contract.document
        assert doc["openrpc"] == "1.3.2"
        assert doc["info"]["title"] == "duvo-bridge"
        assert doc["info"]["version"] == "0.1.0"
        assert set(k for k in doc if not k.startswith("x-")) <= TOP_KEYS

    def test_describes_exactly_the_agreed_methods_once_each(self, contract: Contract) -> None:
        names = [m["name"] for m in contract.document["methods"]]
        assert len(names) == len(set(names)), "method names must be unique"
        assert sorted(names) == sorted(AGREED_METHODS)

    @pytest.mark.parametrize("name", AGREED_METHODS)
    def test_every_method_has_summary_params_result_errors_and_examples(self, contract: Contract, name: str) -> None:
        method = contract.method(name)
        assert set(method) <= METHOD_KEYS, f"keys OpenRPC does not allow: {set(method) - METHOD_KEYS}"
        assert method["summary"] and method["description"]
        assert method["paramStructure"] == "by-name"
        params = [p["name"] for p in method["params"]]
        assert len(params) == len(set(params)), "param names must be unique"
        for descriptor in [*method["params"], method["result"]]:
            assert set(descriptor) <= DESCRIPTOR_KEYS and {"name", "schema"} <= set(descriptor)
        assert method["errors"], "a method must list the errors it can return"
        assert method["examples"], "a method needs at least one example"

    def test_errors_are_the_agreed_codes_with_only_openrpc_fields(self, contract: Contract) -> None:
        errors = contract.document["components"]["errors"]
        codes = [e["code"] for e in errors.values()]
        assert len(codes) == len(set(codes)), "error codes must be unique"
        assert set(codes) == AGREED_ERRORS
        for error in errors.values():
            assert set(error) <= ERROR_KEYS and isinstance(error["message"], str)
        for method in contract.document["methods"]:
            for ref in method["errors"]:
                assert set(ref) == {"$ref"} and ref["$ref"].startswith("#/components/errors/")

    def test_notifications_are_the_agreed_ones(self, contract: Contract) -> None:
        notes = contract.document["x-notifications"]
        assert [n["name"] for n in notes] == AGREED_NOTIFICATIONS
        for note in notes:
            assert note["description"] and note["params"]

    def test_required_params_are_the_agreed_ones(self, contract: Contract) -> None:
        required = {
            m["name"]: sorted(p["name"] for p in m["params"] if p.get("required"))
            for m in contract.document["methods"]
        }
        assert required == {
            "runs/start": ["agent_id"], "runs/get": ["run_id"], "runs/messages": ["run_id"],
            "runs/sendMessage": ["message", "run_id"], "runs/respond": ["run_id"], "runs/stop": ["run_id"],
            "runs/list": [], "runs/wait": ["run_id"], "runs/follow": ["run_id"], "runs/unfollow": ["subscription"],
            "runs/stats": [], "rpc.discover": [],
        }


class TestSchemas:
    def test_every_ref_resolves(self, contract: Contract) -> None:
        resolver = contract.registry.resolver(base_uri=BASE_URI)
        refs = [(path, v["$ref"]) for path, v in walk(contract.document) if isinstance(v, dict) and "$ref" in v]
        assert refs, "the document should use $ref"
        for path, ref in refs:
            assert ref.startswith("#/"), f"{path}: only in-document refs are allowed, got {ref}"
            try:
                resolver.lookup(ref)
            except Unresolvable as error:
                pytest.fail(f"{path}: $ref {ref} does not resolve ({error})")

    def test_every_schema_is_valid_json_schema(self, contract: Contract) -> None:
        for name, schema in all_schemas(contract.document):
            try:
                Draft202012Validator.check_schema(schema)
            except Exception as error:  # noqa: BLE001 - report which schema, whatever failed
                pytest.fail(f"{name} is not a valid JSON Schema: {error}")

    def test_duvo_objects_are_open_and_the_bridges_own_are_closed(self, contract: Contract) -> None:
        schemas = contract.document["components"]["schemas"]
        for name in ["Run", "Message", "PendingHumanRequest", "HumanRequest", "StartResult", "GetResult",
                     "MessagesResult", "SendMessageResult", "RespondResult", "StopResult", "ListResult"]:
            assert schemas[name]["additionalProperties"] is True, f"{name} must pass unknown fields through"
        for name in ["WaitResult", "StatsResult", "DurationStats", "FollowResult", "UnfollowResult",
                     "RunMessageNotification", "RunStatusNotification", "FollowEndedNotification"]:
            assert schemas[name]["additionalProperties"] is False, f"{name} is built by the bridge: closed"

    def test_an_unknown_run_field_and_status_pass_validation(self, contract: Contract) -> None:
        run = {"id": "550e8400-e29b-41d4-a716-446655440000", "agent_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
               "status": "paused_by_admin", "brand_new_field": {"x": 1}}
        assert not list(contract.validator_at("/components/schemas/Run").iter_errors(run))

    def test_a_run_without_an_id_fails_validation(self, contract: Contract) -> None:
        run = {"agent_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "status": "running"}
        assert list(contract.validator_at("/components/schemas/Run").iter_errors(run))

    def test_follow_ended_requires_error_exactly_when_reason_is_error(self, contract: Contract) -> None:
        validator = contract.notification_validator("runs/followEnded")
        base = {"subscription": "s", "run_id": "550e8400-e29b-41d4-a716-446655440000", "status": "running"}
        assert list(validator.iter_errors({**base, "reason": "error"}))
        assert not list(validator.iter_errors({**base, "reason": "error", "error": {"code": -31007, "message": "x"}}))
        assert list(validator.iter_errors({**base, "reason": "terminal", "error": {"code": 1, "message": "x"}}))


class TestExamples:
    @pytest.mark.parametrize("name", AGREED_METHODS)
    def test_examples_fit_the_methods_params_and_result(self, contract: Contract, name: str) -> None:
        method = contract.method(name)
        for example in method["examples"]:
            assert {"name", "params", "result"} <= set(example)
            params = {p["name"]: p["value"] for p in example["params"]}
            contract.check_params(name, params)
            contract.check_result(name, example["result"]["value"])

    def test_notification_examples_fit_their_params(self, contract: Contract) -> None:
        for note in contract.document["x-notifications"]:
            assert note["examples"], f"{note['name']} needs an example"
            for example in note["examples"]:
                contract.check_notification(note["name"], example)

    def test_error_data_examples_fit_their_data_schemas(self, contract: Contract) -> None:
        for error in contract.document["components"]["errors"].values():
            contract.check_error(error)
