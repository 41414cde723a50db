//! Reusable widgets: labelled form fields with their error beside them,
//! form-level messages, the pager.

mod fields;
mod pager;

pub use fields::{problem_of, FormMessage, PasswordField, SelectField, TextField};
pub use pager::Pager;
