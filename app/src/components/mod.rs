//! Reusable parts of server-rendered pages: forms that post to their page,
//! labelled fields with their error beside them, the pager.

mod fields;
mod form;
mod pager;

pub use fields::{FieldError, PasswordField, SelectField, TextArea, TextField};
pub use form::{use_form, Form, FormMessage, FormState};
pub use pager::Pager;
