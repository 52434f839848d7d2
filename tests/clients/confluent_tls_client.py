#!/usr/bin/env python3
"""Confluent's Python SchemaRegistryClient against contrail's registry over TLS, configured as
its users configure it: `ssl.ca.location`, and for mTLS `ssl.certificate.location` and
`ssl.key.location`.

Usage: confluent_tls_client.py REGISTRY_URL CA_FILE [CERT_FILE KEY_FILE]

With a certificate: registers a schema, reads it back by id and by subject, and prints
"tls client scenario passed". Without one: expects the registry to refuse the connection and
prints "refused without a client certificate: <error>". Exits 1 on anything else.
"""

import json
import sys

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

SCHEMA = '{"type":"record","name":"Ping","namespace":"tls","fields":[{"name":"id","type":"string"}]}'


def main():
    url, ca = sys.argv[1], sys.argv[2]
    conf = {"url": url, "ssl.ca.location": ca}
    with_cert = len(sys.argv) == 5
    if with_cert:
        conf["ssl.certificate.location"] = sys.argv[3]
        conf["ssl.key.location"] = sys.argv[4]
    client = SchemaRegistryClient(conf)
    if not with_cert:
        try:
            client.get_subjects()
        except Exception as error:  # the TLS layer's error, whatever its class
            print(f"refused without a client certificate: {error}")
            return 0
        print("the registry answered a client without a certificate")
        return 1
    schema_id = client.register_schema("tls-ping-value", Schema(SCHEMA, "AVRO"))
    by_id = client.get_schema(schema_id)
    if json.loads(by_id.schema_str) != json.loads(SCHEMA):
        print(f"schema {schema_id} reads back as {by_id.schema_str}")
        return 1
    latest = client.get_latest_version("tls-ping-value")
    if latest.schema_id != schema_id or latest.version != 1:
        print(f"latest version is {latest.version} with id {latest.schema_id}")
        return 1
    print(f"registered id {schema_id} over mTLS")
    print("tls client scenario passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
