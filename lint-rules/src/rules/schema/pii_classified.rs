use contrail_contracts::schema::SchemaFormat;
use serde_json::Value;

use crate::context::{Context, avro_record_fields, normalized, small_get, walk};
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks that payload fields whose names look personal — `email`, `phone`, `firstName`,
    /// `lastName`, `fullName`, `address`, `birthDate`, `ssn`, `iban`, `passportNumber`,
    /// `postcode`… (matched on the end of the name, any casing) — say whether they hold personal
    /// data: an Avro field attribute `"pii": true|false`, a JSON Schema property keyword
    /// `"x-pii": true|false` (`classification` / `x-classification` also count). Fields at
    /// every level are checked.
    ///
    /// ## Why is this bad?
    /// Events are copied everywhere: consumers' databases, the data lake, dead-letter topics,
    /// logs. Personal data among them must be found for erasure requests, masked in lower
    /// environments and kept out of analytics without consent. A classification in the schema
    /// travels with the data and lets tools do that automatically.
    ///
    /// ## Example
    /// ```json
    /// { "name": "email", "type": "string" }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "name": "email", "type": "string", "pii": true }
    /// ```
    ///
    /// ## Fix
    /// Classify the field (`"pii": false` is fine for a field that only looks personal, such
    /// as a support mailbox address).
    ///
    /// ## References
    /// - GDPR Art. 30 (records of processing) and Art. 17 (erasure)
    /// - Confluent documentation: data contracts, tags and field-level encryption
    pub struct PiiClassified {
        code: PII_CLASSIFIED,
        category: Schema,
        group: Group::Preview,
    }
}

/// Name endings of personal data.
const PERSONAL: &[&str] = &[
    "email",
    "emailaddress",
    "phone",
    "phonenumber",
    "mobile",
    "mobilenumber",
    "firstname",
    "lastname",
    "fullname",
    "givenname",
    "familyname",
    "middlename",
    "surname",
    "address",
    "street",
    "postcode",
    "postalcode",
    "zipcode",
    "birthdate",
    "dateofbirth",
    "birthday",
    "dob",
    "ssn",
    "socialsecuritynumber",
    "nationalid",
    "taxid",
    "iban",
    "passport",
    "passportnumber",
    "creditcard",
    "cardnumber",
];

pub(crate) fn looks_personal(name: &str) -> bool {
    let n = normalized(name);
    PERSONAL.iter().any(|p| n.ends_with(p))
}

const CLASSIFICATIONS: &[&str] = &["pii", "x-pii", "classification", "x-classification"];

impl Rule for PiiClassified {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for payload in ctx.payload_schemas() {
            let mut found = Vec::new();
            let mut consider = |name: &str, field: &Value, pointer: String| {
                if looks_personal(name)
                    && !CLASSIFICATIONS
                        .iter()
                        .any(|c| small_get(field, c).is_some())
                {
                    found.push((name.to_owned(), pointer));
                }
            };
            match payload.schema.format {
                SchemaFormat::Avro => avro_record_fields(payload.json, &mut |field, pointer| {
                    if let Some(name) = small_get(field, "name").and_then(Value::as_str) {
                        consider(name, field, pointer.to_owned());
                    }
                }),
                _ => walk(payload.json, "", &mut |node, pointer| {
                    if pointer.ends_with("/properties") {
                        return;
                    }
                    let Some(properties) = small_get(node, "properties").and_then(Value::as_object)
                    else {
                        return;
                    };
                    for (name, property) in properties {
                        if property.is_object() {
                            consider(
                                name,
                                property,
                                format!(
                                    "{pointer}/properties/{}",
                                    contrail_contracts::pointer::escape_pointer_token(name)
                                ),
                            );
                        }
                    }
                }),
            }
            let attribute = if payload.schema.format == SchemaFormat::Avro {
                "\"pii\""
            } else {
                "\"x-pii\""
            };
            for (name, relative) in found {
                let (location, pointer) = ctx.at(&payload, &relative);
                out.report(
                    Subject::Event(payload.event.name.value.clone()),
                    format!(
                        "field `{name}` of `{}` looks personal but is not classified",
                        payload.event.name.value
                    ),
                    location,
                )
                .pointer(pointer)
                .help(format!(
                    "add {attribute}: true (or false when it holds no personal data)"
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::looks_personal;

    #[test]
    fn personal_names() {
        for name in [
            "email",
            "customerEmail",
            "phone_number",
            "shippingAddress",
            "dateOfBirth",
            "iban",
            "lastName",
        ] {
            assert!(looks_personal(name), "{name}");
        }
        for name in ["orderId", "addressId", "total", "emailTemplateId", "name"] {
            assert!(!looks_personal(name), "{name}");
        }
    }
}
