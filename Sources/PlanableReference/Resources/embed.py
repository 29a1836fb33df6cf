#!/usr/bin/env python3
"""Writes OpenAPI/OpenAPIText.swift from Resources/openapi.json, so the document is compiled into the binary."""
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent
text = (root / "Resources" / "openapi.json").read_text(encoding="utf-8")
if '"""#' in text or "\\#" in text:
    raise SystemExit("openapi.json contains a sequence that ends a Swift raw string; change the delimiter")
swift = (
    "// swift-format-ignore-file\n"
    "// Generated from Resources/openapi.json by Resources/embed.py; OpenAPIDocumentTests checks that both match.\n\n"
    "/// The Planable Public API v1 OpenAPI document, served at /api/v1/openapi.json and used to validate requests.\n"
    'let openAPIDocumentText = #"""\n' + text + '\n"""#\n'
)
(root / "OpenAPI" / "OpenAPIText.swift").write_text(swift, encoding="utf-8")
