use contrail_contracts::compat::{self, SchemaVersion};

use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks that a consumer that declares the reader `schema:` it was built against can read
    /// messages written with the event's current schema, by the same rules the schema registry
    /// applies (Avro schema resolution; Confluent's JSON Schema rules).
    ///
    /// ## Why is this bad?
    /// Registry compatibility checks compare a new producer schema with earlier producer
    /// schemas only. A consumer built against its own copy of the schema — generated classes,
    /// a pinned `.avsc` — fails to deserialize as soon as the producer's schema moves past what
    /// that copy can read: a field removed that the reader needs without a default, a type
    /// narrowed, an enum symbol added without a default.
    ///
    /// ## Example
    /// ```yaml
    /// consumes:
    ///   - event: OrderPlaced
    ///     schema: ../schemas/order-placed-reader.avsc   # requires `discount`, which the producer never writes
    /// ```
    ///
    /// Use instead: give the reader field a default (`"default": 0`), or regenerate the
    /// consumer from the producer's current schema.
    ///
    /// ## Fix
    /// Update the reader schema (and the code generated from it) so it can read the writer
    /// schema: add defaults for fields the producer does not write, widen types.
    ///
    /// ## References
    /// - Apache Avro specification: schema resolution
    /// - Confluent documentation: schema evolution and compatibility
    pub struct ConsumerSchemaCanReadProducer {
        code: CONSUMER_SCHEMA_CAN_READ_PRODUCER,
        category: CrossCheck,
        group: Group::Stable,
    }
}

impl Rule for ConsumerSchemaCanReadProducer {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for service in &ctx.catalog.services {
            for consume in &service.consumes {
                let Some(reader_ref) = &consume.schema else {
                    continue;
                };
                let Some(reader_id) = reader_ref.id else {
                    continue;
                };
                let Some(event) = ctx.catalog.event(&consume.event.value) else {
                    continue;
                };
                let Some(writer_id) = event.schema.as_ref().and_then(|s| s.id) else {
                    continue;
                };
                let (reader_schema, writer_schema) = (
                    ctx.catalog.schemas.get(reader_id),
                    ctx.catalog.schemas.get(writer_id),
                );
                if !reader_schema.valid || !writer_schema.valid {
                    continue;
                }
                let (Ok(reader), Ok(writer)) = (
                    compat::version_of(ctx.catalog, reader_id),
                    compat::version_of(ctx.catalog, writer_id),
                ) else {
                    continue;
                };
                let subject = Subject::Service(service.name.value.clone());
                let problems = match (&reader, &writer) {
                    (SchemaVersion::Avro(r), SchemaVersion::Avro(w)) => {
                        compat::avro::can_read(r, w)
                    }
                    (SchemaVersion::Json(r), SchemaVersion::Json(w)) => {
                        compat::json_schema::can_read_with(r, w)
                    }
                    _ => {
                        out.report(
                            subject,
                            format!(
                                "`{}` reads `{}` with a {} schema, but the producer writes {}",
                                service.name.value,
                                event.name.value,
                                reader_schema.format,
                                writer_schema.format
                            ),
                            reader_ref.written.location.clone(),
                        )
                        .pointer(reader_ref.written.pointer.clone())
                        .help("a consumer decodes with a schema in the producer's schema language");
                        continue;
                    }
                };
                for problem in problems {
                    let writer_at = ctx.schema_location(
                        event,
                        &format!("{}{}", writer_schema.pointer, problem.writer_path),
                    );
                    let report = out
                        .report(
                            subject.clone(),
                            format!(
                                "the reader schema of `{}` cannot read `{}` as produced: {}",
                                service.name.value, event.name.value, problem.message
                            ),
                            reader_ref.written.location.clone(),
                        )
                        .pointer(reader_ref.written.pointer.clone())
                        .help(format!(
                            "update {} so it can read the writer schema ({})",
                            contrail_contracts::paths::relative_to(
                                &reader_schema.file,
                                &ctx.catalog.root
                            )
                            .unwrap_or(&reader_schema.file)
                            .display(),
                            problem.rule
                        ));
                    if let Some(at) = writer_at {
                        report.related(at, "the producer's schema here");
                    }
                }
            }
        }
    }
}
