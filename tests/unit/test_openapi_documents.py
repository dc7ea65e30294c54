"""The OpenAPI documents say what the services take and answer: every text field of every
request with its maximum, every route with the error statuses it can give in the one shape."""

from typing import Any


def text_fields_without_maximum(schema: dict[str, Any]) -> list[str]:
    """Every string property of every request body (followed through $ref and anyOf) that has
    no maxLength, no pattern that bounds it, no enum, and no format of a fixed size."""
    components = schema.get("components", {}).get("schemas", {})
    missing: list[str] = []
    seen: set[str] = set()

    def visit(node: dict[str, Any], where: str) -> None:
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                visit(components[name], name)
            return
        for branch in node.get("anyOf", []) + node.get("oneOf", []) + node.get("allOf", []):
            visit(branch, where)
        if node.get("type") == "string":
            bounded = "maxLength" in node or "enum" in node or "const" in node
            if not bounded and "format" not in node and "pattern" not in node:
                missing.append(where)
        for name, prop in node.get("properties", {}).items():
            visit(prop, f"{where}.{name}")
        if isinstance(node.get("items"), dict):
            visit(node["items"], f"{where}[]")
        if isinstance(node.get("additionalProperties"), dict):
            visit(node["additionalProperties"], f"{where}{{}}")

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                visit(body["schema"], f"{method.upper()} {path}")
            for parameter in operation.get("parameters", []):
                visit(parameter["schema"], f"{method.upper()} {path} ?{parameter['name']}")
    return missing


def test_every_text_field_of_every_request_documents_its_maximum() -> None:
    from services.console.app import create_app as console
    from services.console.config import ConsoleSettings
    from services.intake.app import create_app as intake
    from services.notify.app import create_app as notify
    from services.outreach.app import create_app as outreach
    from services.router.app import create_app as router
    from services.scoring.app import create_app as scoring
    from services.sla.app import create_app as sla

    documents = {
        "intake": intake().openapi(),
        "router": router().openapi(),
        "sla": sla().openapi(),
        "scoring": scoring().openapi(),
        "notify": notify().openapi(),
        "outreach": outreach().openapi(),
        # The console's pages are forms, outside its (empty) document; what they send on is
        # read by the services above.
        "console": console(ConsoleSettings(embedded=True)).openapi(),
    }
    missing = [
        f"{service}: {field}"
        for service, document in documents.items()
        for field in text_fields_without_maximum(document)
    ]
    assert missing == [], "\n".join(missing)
    assert all(documents[s]["paths"] for s in documents if s != "console")


def test_every_route_documents_its_errors_in_the_one_error_shape() -> None:
    from services.router.app import create_app as router

    document = router().openapi()
    assert "HTTPValidationError" not in document["components"]["schemas"]
    resolve = document["paths"]["/v1/orders/{order_id}/resolve"]["post"]["responses"]
    assert sorted(resolve) == ["200", "401", "403", "404", "409", "413", "422", "503"]
    for status in ("401", "403", "404", "409", "413", "422", "503"):
        schema = resolve[status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorBody"}
    error = document["components"]["schemas"]["ErrorBody"]
    assert set(error["properties"]) == {"error", "detail", "field"}


def test_downloads_document_their_file_types() -> None:
    from services.scoring.app import create_app as scoring

    paths = scoring().openapi()["paths"]
    for path in ("/v1/scores/{month}", "/v1/quarters/{quarter}", "/v1/years/{year}"):
        content = paths[path]["get"]["responses"]["200"]["content"]
        assert set(content) == {
            "application/json",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "text/csv",
        }
