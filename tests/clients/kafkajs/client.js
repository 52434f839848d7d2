// Drives contrail's schema registry with @kafkajs/confluent-schema-registry, unchanged.
//
// Usage: node client.js REGISTRY_URL   (with the package on NODE_PATH; scripts/test.sh
// installs tests/clients/kafkajs/package.json into its cache)
//
// The JavaScript client KafkaJS users pick, as its users call it: register, encode, decode,
// getLatestSchemaId, getRegistryId, getRegistryIdBySchema, and compatibility errors surfaced
// with the server's own text. Expects a registry without subjects named `js-*`. Prints one
// line per step and exits 1 naming the first mismatch.
'use strict';

const assert = require('node:assert/strict');
const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');
// The error classes are not re-exported by the package's index; users import them from here.
const {
  ConfluentSchemaRegistryCompatibilityError,
  ConfluentSchemaRegistryValidationError,
} = require('@kafkajs/confluent-schema-registry/dist/errors');

const ORDER_V1 = {
  type: 'record',
  name: 'Order',
  namespace: 'shop',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount_cents', type: 'long' },
  ],
};
// v1 plus a field with a default: BACKWARD compatible.
const ORDER_V2 = {
  ...ORDER_V1,
  fields: [...ORDER_V1.fields, { name: 'currency', type: 'string', default: 'EUR' }],
};
// v2 plus a field without a default: BACKWARD refuses it.
const ORDER_V3_INCOMPATIBLE = {
  ...ORDER_V1,
  fields: [...ORDER_V2.fields, { name: 'customer', type: 'string' }],
};

// avsc decodes records as instances of a class per record type; compare their fields.
function plain(record) {
  return { ...record };
}

function ok(what) {
  console.log(`ok   ${what}`);
}

async function rejects(what, promise, check) {
  let error;
  try {
    await promise;
  } catch (caught) {
    error = caught;
  }
  assert.ok(error, `${what}: expected an error, the call succeeded`);
  check(error);
  ok(what);
}

async function avro(registry) {
  const subject = 'js-orders-value';
  const { id } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(ORDER_V1) },
    { subject },
  );
  ok('register Order v1');
  assert.equal(await registry.getLatestSchemaId(subject), id);
  ok('getLatestSchemaId');
  assert.equal(await registry.getRegistryId(subject, 1), id);
  ok('getRegistryId(subject, 1)');
  assert.equal(
    await registry.getRegistryIdBySchema(subject, {
      type: SchemaType.AVRO,
      schema: JSON.stringify(ORDER_V1),
    }),
    id,
  );
  ok('getRegistryIdBySchema');

  const order = { id: 'o-1', amount_cents: 1999 };
  const encoded = await registry.encode(id, order);
  assert.equal(encoded[0], 0, 'magic byte');
  assert.equal(encoded.readInt32BE(1), id, 'the schema id after the magic byte');
  assert.deepEqual(plain(await registry.decode(encoded)), order);
  ok('encode and decode');

  const v2 = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(ORDER_V2) },
    { subject },
  );
  assert.notEqual(v2.id, id);
  assert.equal(await registry.getLatestSchemaId(subject), v2.id);
  ok('register the compatible v2');
  const newer = await registry.encode(v2.id, { ...order, currency: 'CHF' });
  assert.deepEqual(
    plain(await registry.decode(newer, { [SchemaType.AVRO]: { readerSchema: ORDER_V1 } })),
    order,
  );
  ok('a v1 reader decodes v2 data');

  await rejects(
    'the incompatible v3 is refused with the server text',
    registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(ORDER_V3_INCOMPATIBLE) },
      { subject },
    ),
    (error) => {
      // The client passes the registry's answer on as a ResponseError with its status.
      assert.equal(error.status, 409, String(error));
      assert.match(error.message, /Schema being registered is incompatible with an earlier schema/);
      assert.match(error.message, /customer/);
    },
  );
  await rejects(
    'looking up an unregistered schema says Schema not found',
    registry.getRegistryIdBySchema(subject, {
      type: SchemaType.AVRO,
      schema: JSON.stringify(ORDER_V3_INCOMPATIBLE),
    }),
    (error) => {
      assert.match(error.message, /Schema not found/);
      assert.doesNotMatch(error.message, /not found not found/);
    },
  );
}

// `compatibility` in register's options: the client reads the subject's level
// (GET /config/{subject}, 40408 when it has none), sets it when it has none, and refuses a
// registration that asks for another level than the subject has.
async function compatibilityOption(registry) {
  const subject = 'js-levels-value';
  const schema = { type: SchemaType.AVRO, schema: JSON.stringify(ORDER_V1) };
  await registry.register(schema, { subject, compatibility: 'FULL' });
  ok('register with compatibility FULL sets the subject level');
  await registry.register(schema, { subject, compatibility: 'FULL' });
  ok('the same level again is accepted');
  await rejects(
    'another level than the subject has is refused',
    registry.register(schema, { subject, compatibility: 'BACKWARD' }),
    (error) => {
      assert.ok(error instanceof ConfluentSchemaRegistryCompatibilityError, String(error));
      assert.match(error.message, /FULL/);
    },
  );
}

async function json(registry) {
  const subject = 'js-customers-value';
  const schema = {
    type: 'object',
    properties: { id: { type: 'string' }, age: { type: 'integer' } },
    required: ['id'],
  };
  const { id } = await registry.register(
    { type: SchemaType.JSON, schema: JSON.stringify(schema) },
    { subject },
  );
  ok('register a JSON Schema');
  const customer = { id: 'c-1', age: 42 };
  assert.deepEqual(await registry.decode(await registry.encode(id, customer)), customer);
  ok('encode and decode JSON');
  await rejects(
    'a value the JSON Schema refuses is not encoded',
    registry.encode(id, { age: 'old' }),
    (error) => assert.ok(error instanceof ConfluentSchemaRegistryValidationError, String(error)),
  );
}

async function main() {
  const registry = new SchemaRegistry({ host: process.argv[2] });
  await avro(registry);
  await compatibilityOption(registry);
  await json(registry);
  console.log('all 3 client scenarios passed');
}

main().catch((error) => {
  console.log(`FAIL ${error && error.stack ? error.stack : error}`);
  process.exit(1);
});
