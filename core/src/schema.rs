//! JSON Schemas of the values renn prints with `--json` (feature `schema`): the
//! derives sit on the types; this module holds the schemas of the types whose
//! `Serialize` is written by hand (a run id or stage number is a string, a config enum
//! one of its names, the models a table).

use crate::config::{BranchingStrategy, Horsepower, Isolation, Named, PromptMode};
use crate::config::{Permissions, Profile};
use crate::models::Models;
use crate::run::{RunId, TaskKind};
use crate::stage::StageNumber;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use std::borrow::Cow;

fn string_schema(description: &str, pattern: &str) -> Schema {
    json_schema!({ "type": "string", "description": description, "pattern": pattern })
}

impl JsonSchema for StageNumber {
    fn schema_name() -> Cow<'static, str> {
        "StageNumber".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        string_schema(
            "A stage number: 03, 2.1, 12A…",
            r"^[0-9]+[A-Z]?(\.[0-9]+)*$",
        )
    }
}

impl JsonSchema for RunId {
    fn schema_name() -> Cow<'static, str> {
        "RunId".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        string_schema(
            "A run id: <stage>-<run>, such as 03-02 or 02.1-P01",
            r"^[0-9]+[A-Z]?(\.[0-9]+)*-[A-Za-z]*[0-9]+$",
        )
    }
}

impl JsonSchema for TaskKind {
    fn schema_name() -> Cow<'static, str> {
        "TaskKind".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "enum": ["auto", "tdd", "checkpoint:human-verify", "checkpoint:decision", "checkpoint:human-action"]
        })
    }
}

macro_rules! named_schema {
    ($($ty:ident),+) => {$(
        impl JsonSchema for $ty {
            fn schema_name() -> Cow<'static, str> {
                stringify!($ty).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                let names: Vec<&str> = $ty::ALL.iter().map(|v| v.as_str()).collect();
                json_schema!({ "type": "string", "enum": names })
            }
        }
    )+};
}

named_schema!(
    Horsepower,
    BranchingStrategy,
    PromptMode,
    Isolation,
    Profile,
    Permissions
);

/// `{"horsepower", "models": {agent: model or null}, "warnings"?}`.
impl JsonSchema for Models {
    fn schema_name() -> Cow<'static, str> {
        "Models".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let horsepower = generator.subschema_for::<Horsepower>();
        let warnings = generator.subschema_for::<Vec<crate::Diagnostic>>();
        json_schema!({
            "type": "object",
            "properties": {
                "horsepower": horsepower,
                "models": {
                    "type": "object",
                    "additionalProperties": { "type": ["string", "null"] }
                },
                "warnings": warnings
            },
            "required": ["horsepower", "models"],
            "additionalProperties": false
        })
    }
}
