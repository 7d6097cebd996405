//! Argument types shared by several subcommands: `--dry-run`, `-o`; durations are re-exported
//! from `duration.rs`.

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Args, ValueEnum};
use flink_savepoint::jsonpath::{
    Column, Template, parse_custom_columns, parse_custom_columns_file,
};

pub use super::duration::{parse_age, parse_duration};

/// `--dry-run[=client|server]`, as in kubectl.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum DryRun {
    /// Make the change.
    #[default]
    None,
    /// Print what would be sent; send nothing.
    Client,
    /// Send the request with `dryRun=All`: validated and admitted by the server, not persisted.
    Server,
}

/// A reusable `--dry-run` flag; `#[command(flatten)]` it into a command's args.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct DryRunArg {
    /// Only print (client) or only validate on the server (server); nothing is persisted.
    #[arg(long = "dry-run", value_enum, ignore_case = true, num_args = 0..=1, default_value_t = DryRun::None,
          default_missing_value = "client", require_equals = true, value_name = "MODE")]
    pub dry_run: DryRun,
}

/// `-o` for commands that print one document: JSON, YAML, or a JSONPath template applied to the
/// document `-o json` prints.
#[derive(Debug, Clone, PartialEq)]
pub enum ObjectFormat {
    /// JSON.
    Json,
    /// YAML.
    Yaml,
    /// `jsonpath=TEMPLATE` or `jsonpath-file=PATH`.
    JsonPath(Template),
}

/// `-o/--output` of `list`. Every format but the tables applies to the document `-o json`
/// prints (a kubectl `List` of savepoint entries).
#[derive(Debug, Clone, Default, PartialEq)]
pub enum OutputFormat {
    /// Human-readable table (default).
    #[default]
    Table,
    /// Table with extra columns.
    Wide,
    /// JSON.
    Json,
    /// YAML.
    Yaml,
    /// `KIND.GROUP/NAME` per savepoint object.
    Name,
    /// `jsonpath=TEMPLATE` or `jsonpath-file=PATH`.
    JsonPath(Template),
    /// `custom-columns=SPEC` or `custom-columns-file=PATH`.
    CustomColumns(Vec<Column>),
}

impl OutputFormat {
    /// Whether this format is a table (`table` or `wide`).
    pub fn is_table(&self) -> bool {
        matches!(self, OutputFormat::Table | OutputFormat::Wide)
    }
}

/// The `-o` values of `list` (kubectl's names; `jsonpath`/`custom-columns` take `=…`).
pub const OUTPUT_FORMATS: &str =
    "custom-columns,custom-columns-file,json,jsonpath,jsonpath-file,name,wide,yaml";

/// The `-o` values of commands that print one document.
pub const OBJECT_FORMATS: &str = "json,jsonpath,jsonpath-file,yaml";

/// One `-o` value split into its lower-cased name and its `=` argument.
fn split_format(text: &str) -> (String, Option<&str>) {
    match text.split_once('=') {
        Some((name, arg)) => (name.trim().to_ascii_lowercase(), Some(arg)),
        None => (text.trim().to_ascii_lowercase(), None),
    }
}

fn no_printer(text: &str, allowed: &str) -> String {
    format!(
        "unable to match a printer suitable for the output format {text:?}, allowed formats are: {allowed}"
    )
}

/// Reads a template file named by `-o jsonpath-file=` or `custom-columns-file=`.
fn read_template_file(path: Option<&str>) -> Result<String, String> {
    let path = path
        .filter(|p| !p.is_empty())
        .ok_or("template format specified but no template file given")?;
    std::fs::read_to_string(path).map_err(|e| format!("error reading template file {path}: {e}"))
}

/// `jsonpath=…` / `jsonpath-file=…` (shared by both `-o` parsers); `None` for other names.
fn parse_jsonpath(name: &str, arg: Option<&str>) -> Option<Result<Template, String>> {
    let template = match name {
        "jsonpath" => match arg.filter(|t| !t.is_empty()) {
            Some(t) => t.to_owned(),
            None => return Some(Err("template format specified but no template given".into())),
        },
        "jsonpath-file" => match read_template_file(arg) {
            Ok(t) => t,
            Err(e) => return Some(Err(e)),
        },
        _ => return None,
    };
    Some(Template::parse(&template).map_err(|e| format!("error parsing jsonpath {template}, {e}")))
}

/// Parses `-o` of `list` (format names ignore case; templates are parsed here, so a bad one is a
/// usage error before any request).
pub fn parse_output(text: &str) -> Result<OutputFormat, String> {
    let (name, arg) = split_format(text);
    if let Some(template) = parse_jsonpath(&name, arg) {
        return template.map(OutputFormat::JsonPath);
    }
    let columns = |spec: Result<String, String>| {
        spec.and_then(|spec| {
            if name == "custom-columns" {
                parse_custom_columns(&spec)
            } else {
                parse_custom_columns_file(&spec)
            }
            .map(OutputFormat::CustomColumns)
            .map_err(|e| e.to_string())
        })
    };
    match (name.as_str(), arg) {
        ("" | "table", None) => Ok(OutputFormat::Table),
        ("wide", None) => Ok(OutputFormat::Wide),
        ("json", None) => Ok(OutputFormat::Json),
        ("yaml", None) => Ok(OutputFormat::Yaml),
        ("name", None) => Ok(OutputFormat::Name),
        ("custom-columns", arg) => columns(Ok(arg.unwrap_or_default().to_owned())),
        ("custom-columns-file", arg) => columns(read_template_file(arg)),
        _ => Err(no_printer(text, OUTPUT_FORMATS)),
    }
}

/// Parses `-o` of the commands that print one document (json, yaml, jsonpath, jsonpath-file).
pub fn parse_object_format(text: &str) -> Result<ObjectFormat, String> {
    let (name, arg) = split_format(text);
    if let Some(template) = parse_jsonpath(&name, arg) {
        return template.map(ObjectFormat::JsonPath);
    }
    match (name.as_str(), arg) {
        ("json", None) => Ok(ObjectFormat::Json),
        ("yaml", None) => Ok(ObjectFormat::Yaml),
        _ => Err(no_printer(text, OBJECT_FORMATS)),
    }
}

/// Parses `--sort-by` (kubectl's relaxed path: `.triggered`, `{.target.name}`).
pub fn parse_sort_by(text: &str) -> Result<Template, String> {
    Template::relaxed(text).map_err(|e| format!("error parsing jsonpath {text}, {e}"))
}

/// clap parser for `-o` of `list`, offering the format names to completion.
#[derive(Debug, Clone, Copy)]
pub struct OutputParser;

/// clap parser for `-o` of the one-document commands, offering the format names to completion.
#[derive(Debug, Clone, Copy)]
pub struct ObjectFormatParser;

fn parse_os<T>(
    cmd: &clap::Command,
    arg: Option<&clap::Arg>,
    value: &std::ffi::OsStr,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<T, clap::Error> {
    let text = value.to_str().ok_or_else(|| {
        clap::Error::raw(
            clap::error::ErrorKind::InvalidUtf8,
            "output format is not UTF-8\n",
        )
        .with_cmd(cmd)
    })?;
    parse(text).map_err(|message| {
        let flag = arg.map_or("--output".to_owned(), |a| a.to_string());
        clap::Error::raw(
            clap::error::ErrorKind::InvalidValue,
            format!("invalid value '{text}' for '{flag}': {message}\n"),
        )
        .with_cmd(cmd)
    })
}

/// What completion offers for `-o` (templates continue after `=`).
const OUTPUT_CHOICES: &[&str] = &[
    "json",
    "yaml",
    "name",
    "wide",
    "jsonpath=",
    "jsonpath-file=",
    "custom-columns=",
    "custom-columns-file=",
];

fn format_values(object_only: bool) -> Box<dyn Iterator<Item = PossibleValue>> {
    Box::new(
        OUTPUT_CHOICES
            .iter()
            .filter(move |c| !object_only || c.starts_with("json") || **c == "yaml")
            .map(|c| PossibleValue::new(*c)),
    )
}

impl TypedValueParser for OutputParser {
    type Value = OutputFormat;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<OutputFormat, clap::Error> {
        parse_os(cmd, arg, value, parse_output)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(format_values(false))
    }
}

impl TypedValueParser for ObjectFormatParser {
    type Value = ObjectFormat;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<ObjectFormat, clap::Error> {
        parse_os(cmd, arg, value, parse_object_format)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(format_values(true))
    }
}

#[cfg(test)]
#[path = "common_tests.rs"]
mod tests;
