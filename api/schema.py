"""OpenAPI post-processing: the API's contract that holds for every operation, written once."""

from __future__ import annotations

NOT_FOUND = {
    "description": "Unknown, or not in your scope",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def document_not_found(result, generator, request, public):
    """Every operation addressing an object by a path segment may answer 404 (unknown or outside
    the user's scope, docs/product.md): declared here so that no view can forget it."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            if any(parameter.get("in") == "path" for parameter in operation.get("parameters", [])):
                operation.setdefault("responses", {}).setdefault("404", NOT_FOUND)
    return result
