//! The parts of pages that live in the browser. Everything else renders on
//! the server; an island is compiled to wasm too and hydrates where the
//! page's loader script finds it.
//!
//! An island sees no context from the server components around it: what it
//! needs comes as serde props (serialised into the page), and the page's
//! language from `<html lang>` (see `i18n::use_lang`). Router hooks and
//! `<A>` are not available inside islands; links are plain `<a>`.

mod decision;
mod exam;
mod form;
mod grading;
mod question;

pub use decision::{CertificationDecision, DecisionText};
pub use exam::{ExamSitting, SittingQuestion, SittingText};
pub use form::PostBack;
pub use grading::{GradeCard, GradeText};
pub use question::{EditorText, QuestionEditor};
