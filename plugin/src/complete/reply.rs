//! The Cobra `__complete` answer: candidates and a directive.

/// Cobra directives.
pub mod directive {
    /// Do not add a space after the completion.
    pub const NO_SPACE: u32 = 2;
    /// Do not fall back to file completion.
    pub const NO_FILE_COMP: u32 = 4;
    /// Default shell behaviour (file completion).
    pub const DEFAULT: u32 = 0;
}

/// The answer to one completion request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// `(candidate, description)`.
    pub candidates: Vec<(String, String)>,
    /// Cobra directive.
    pub directive: u32,
}

impl Completion {
    pub(super) fn new(candidates: Vec<(String, String)>, directive: u32) -> Self {
        Self {
            candidates,
            directive,
        }
    }

    /// Cobra `__complete` output.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (value, description) in &self.candidates {
            out.push_str(value);
            if !description.is_empty() {
                out.push('\t');
                out.push_str(&description.replace(['\n', '\t'], " "));
            }
            out.push('\n');
        }
        out.push_str(&format!(":{}\n", self.directive));
        out
    }
}
