"""The Order schema's three versions the client scripts register (shared by them)."""

ORDER_V1 = {
    "type": "record",
    "name": "Order",
    "namespace": "shop",
    "fields": [
        {"name": "id", "type": "string"},
        {"name": "amount_cents", "type": "long"},
    ],
}
# v1 plus a field with a default: BACKWARD compatible.
ORDER_V2 = {
    **ORDER_V1,
    "fields": ORDER_V1["fields"] + [{"name": "currency", "type": "string", "default": "EUR"}],
}
# v2 plus a field without a default: a v3 reader cannot read v2 data, so BACKWARD refuses it.
ORDER_V3_INCOMPATIBLE = {
    **ORDER_V1,
    "fields": ORDER_V2["fields"] + [{"name": "customer", "type": "string"}],
}
