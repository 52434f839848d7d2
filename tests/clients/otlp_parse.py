"""Parses `contrail trace --format otlp` output with OpenTelemetry's own protobuf classes.

Reads OTLP/JSON Lines on stdin: one ExportTraceServiceRequest per line. OTLP's JSON encoding
differs from protobuf's generic JSON mapping in one way (the OTLP specification, "JSON
Protobuf Encoding"): trace and span ids are hex strings, not base64. They are converted to
base64 first, then each line goes through `json_format.Parse` with unknown fields refused, so
a misspelt field, a wrong type or an id of the wrong length fails here.

Prints one JSON summary on stdout: the number of requests, spans per trace id (hex), and for
each span its attributes and links, so the Rust test can compare them with what it produced.
"""

import base64
import json
import sys

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

ID_FIELDS = ("traceId", "spanId", "parentSpanId")


def hex_ids_to_base64(value):
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in ID_FIELDS and isinstance(item, str):
                out[key] = base64.b64encode(bytes.fromhex(item)).decode() if item else ""
            else:
                out[key] = hex_ids_to_base64(item)
        return out
    if isinstance(value, list):
        return [hex_ids_to_base64(item) for item in value]
    return value


def attribute_value(any_value):
    kind = any_value.WhichOneof("value")
    return getattr(any_value, kind) if kind else None


def main():
    requests = 0
    spans = []
    for line in sys.stdin:
        if not line.strip():
            continue
        request = trace_service_pb2.ExportTraceServiceRequest()
        json_format.Parse(
            json.dumps(hex_ids_to_base64(json.loads(line))),
            request,
            ignore_unknown_fields=False,
        )
        requests += 1
        for resource_spans in request.resource_spans:
            service = None
            for attribute in resource_spans.resource.attributes:
                if attribute.key == "service.name":
                    service = attribute_value(attribute.value)
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    assert len(span.trace_id) == 16, span
                    assert len(span.span_id) == 8, span
                    assert len(span.parent_span_id) in (0, 8), span
                    spans.append(
                        {
                            "service": service,
                            "trace_id": span.trace_id.hex(),
                            "span_id": span.span_id.hex(),
                            "parent_span_id": span.parent_span_id.hex(),
                            "name": span.name,
                            "kind": span.kind,
                            "start": span.start_time_unix_nano,
                            "end": span.end_time_unix_nano,
                            "status": span.status.code,
                            "links": [link.span_id.hex() for link in span.links],
                            "attributes": {
                                a.key: attribute_value(a.value) for a in span.attributes
                            },
                        }
                    )
    json.dump({"requests": requests, "spans": spans}, sys.stdout)


if __name__ == "__main__":
    main()
