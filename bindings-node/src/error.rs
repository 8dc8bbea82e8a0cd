//! Failures cross as instances of the error classes of `errors.js` (RennError and its
//! subclasses). They are defined in JavaScript so that `instanceof`, `name` and
//! stack traces are those of any JS error; `index.js` hands the module to the addon
//! once per environment and every failure is built with it here.

use napi::bindgen_prelude::{Function, JsObjectValue, Object, ObjectRef, Unknown};
use napi::{Env, Status};
use renn_core::error::ErrorReport;
use serde::Serialize;

/// The `errors.js` module of this environment.
struct ErrorClasses(ObjectRef<false>);

/// Called by `index.js` with `require('./errors.js')`; not part of the API.
#[napi_derive::napi(js_name = "__setErrorClasses", skip_typescript)]
pub fn set_error_classes(env: Env, classes: Object) -> napi::Result<()> {
    // The reference lives as long as the environment, which frees it at teardown.
    env.set_instance_data(ErrorClasses(classes.create_ref()?), (), |_| {})
}

/// Any failure of renn, as the JSON shape `--json` prints.
pub struct Failure(ErrorReport);

impl From<renn_core::Error> for Failure {
    fn from(e: renn_core::Error) -> Self {
        Failure(ErrorReport::from(&e))
    }
}

impl From<renn_core::Diagnostic> for Failure {
    fn from(d: renn_core::Diagnostic) -> Self {
        renn_core::Error::from(d).into()
    }
}

impl From<renn_host::Error> for Failure {
    fn from(e: renn_host::Error) -> Self {
        Failure(e.report())
    }
}

/// What the error classes' constructor takes: the report and where it points.
#[derive(Serialize)]
struct Details<'a> {
    #[serde(flatten)]
    report: &'a ErrorReport,
    path: Option<&'a str>,
    line: Option<u32>,
    column: Option<u32>,
}

/// `result.or_throw(env)?` in every binding method: a renn failure becomes the JS
/// error to throw. `or_throw_in(env, text_of)` first counts its columns in UTF-16
/// code units, with the texts the diagnostics name (docs/api.md).
pub trait OrThrow<T> {
    fn or_throw(self, env: &Env) -> napi::Result<T>;
    fn or_throw_in<'t>(
        self,
        env: &Env,
        text_of: &dyn Fn(Option<&str>) -> Option<&'t str>,
    ) -> napi::Result<T>;
}

impl<T, E: Into<Failure>> OrThrow<T> for Result<T, E> {
    fn or_throw(self, env: &Env) -> napi::Result<T> {
        self.map_err(|e| to_js_error(env, &e.into().0))
    }

    fn or_throw_in<'t>(
        self,
        env: &Env,
        text_of: &dyn Fn(Option<&str>) -> Option<&'t str>,
    ) -> napi::Result<T> {
        self.map_err(|e| {
            let mut report = e.into().0;
            renn_core::position::utf16_report(&mut report, text_of);
            to_js_error(env, &report)
        })
    }
}

fn to_js_error(env: &Env, report: &ErrorReport) -> napi::Error {
    instance(env, report).unwrap_or_else(|why| {
        // Only reachable when native.js is loaded without index.js.
        napi::Error::new(
            Status::GenericFailure,
            format!("{} ({}; {why})", report.message, report.code),
        )
    })
}

fn instance(env: &Env, report: &ErrorReport) -> napi::Result<napi::Error> {
    let classes = env
        .get_instance_data::<ErrorClasses>()?
        .ok_or_else(|| napi::Error::from_reason("error classes not registered"))?;
    let module = classes.0.get_value(env)?;
    let class: Function<Unknown, Unknown> =
        module.get_named_property(report.kind().class_name())?;
    let (path, line, column) = report.location();
    let details = Details {
        report,
        path,
        line,
        column,
    };
    let error = class.new_instance(env.to_js_value(&details)?)?;
    Ok(napi::Error::from(error))
}
