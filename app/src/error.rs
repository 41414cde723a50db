//! The one error type that crosses the wire between server functions and pages.
//!
//! It carries codes, never sentences: the page turns a [`Problem`] into words in
//! its own language, and internal failures reach the browser only as a request id.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// What is wrong with one value the user gave, as a code the i18n layer translates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Problem {
    Required,
    TooLong { max: u32 },
    EmailInvalid,
    EmailTaken,
    PasswordTooShort { min: u32 },
    PasswordTooLong { max: u32 },
    PasswordTooCommon,
    PasswordContainsEmail,
    NotInList,
    CannotChangeOwnAccount,
    AlreadyEnrolled,
    EnrolmentNotOpenYet,
    EnrolmentClosed,
    CourseNotPublished,
    ClassFull,
    TransitionNotAllowed,
    OnlyTraineesEnrol,
    DuplicateInFile { line: u32 },
    CsvUnreadable,
    CsvNoRows,
    CsvMissingColumn,
    ImportHasErrors,
    LinkInvalid,
    CodeInvalid,
    CodeTaken,
    NumberOutOfRange { min: i64, max: i64 },
    DateInvalid,
    EndsBeforeStart,
    ClosesBeforeOpens,
    CapacityBelowSeats { seats: i64 },
    TooMany { max: u32 },
    OptionIncomplete,
    TooFewOptions,
    AnswerNotAnOption,
    SingleNeedsOneAnswer,
    KindCannotChange,
    SamePromptInFile { line: u32 },
    SamePromptInBank,
    JsonUnreadable,
    BankColumnsMissing,
    NotEnoughQuestions { tag_available: u32 },
    NoQuestions,
    ExamNotOpenYet,
    ExamClosed,
    NotApprovedForClass,
    NoAttemptsLeft,
    AttemptClosed,
    ResultsNotReleased,
    NotGradable,
    DrawInvalid,
    CertificateNumberInvalid,
    DeciderTaughtClass,
    CertificateChangeNotAllowed,
    PrefixInvalid,
    PrefixTaken,
    PrefixFixed,
    NotEligible { count: u32 },
    NoCandidatesChosen,
    DateInPast,
    DateInFuture,
}

/// Field name → problem, in the order the form shows its fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<(String, Problem)>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, problem: Problem) {
        if self.get(field).is_none() {
            self.0.push((field.to_owned(), problem));
        }
    }

    pub fn get(&self, field: &str) -> Option<Problem> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, p)| *p)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was added, otherwise the validation error.
    pub fn into_result(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self))
        }
    }

    /// Records the problem of a parse result under `field` and keeps the value.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, Problem>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(problem) => {
                self.add(field, problem);
                None
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No session, or it has ended: the user must sign in.
    #[error("sign-in required")]
    Unauthorized,
    /// Wrong email or password; deliberately says nothing about which.
    #[error("wrong email or password")]
    BadCredentials,
    /// The right password for an account an administrator has deactivated.
    #[error("account deactivated")]
    AccountDisabled,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Validation(FieldErrors),
    /// The request is well-formed but the record's state does not allow it.
    #[error("conflict: {0:?}")]
    Conflict(Problem),
    #[error("too many attempts, retry in {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    /// The server cannot take this now (its hashing queue is full, its disk
    /// is full or read-only): nothing was done; retry later.
    #[error("unavailable, retry in {retry_after_secs} s")]
    Unavailable { retry_after_secs: u64 },
    /// Something failed on the server; the details are in its log under this id.
    #[error("internal error (request {request_id})")]
    Internal { request_id: String },
    /// The request never reached a server function, or its answer was unreadable.
    #[error("request failed: {0}")]
    Transport(String),
}

impl AppError {
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Unauthorized | AppError::BadCredentials => 401,
            AppError::Forbidden | AppError::AccountDisabled => 403,
            AppError::NotFound => 404,
            AppError::Validation(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::Throttled { .. } => 429,
            AppError::Unavailable { .. } => 503,
            AppError::Internal { .. } => 500,
            AppError::Transport(_) => 400,
        }
    }

    pub fn field(field: &str, problem: Problem) -> Self {
        let mut errors = FieldErrors::new();
        errors.add(field, problem);
        AppError::Validation(errors)
    }

    /// The problem recorded for one form field, if this is a validation error.
    pub fn field_problem(&self, field: &str) -> Option<Problem> {
        match self {
            AppError::Validation(errors) => errors.get(field),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}
