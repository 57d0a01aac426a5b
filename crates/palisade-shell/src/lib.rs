//! Shell analysis: command text -> simple commands -> effects.
#![deny(missing_docs)]

mod effect;
mod knowledge;
mod model;
mod options;
mod parse;
mod unwrap;
mod word;

pub use effect::{effects, Effect};
pub use model::{Analysis, Origin, PipelinePos, Redirect, RedirectOp, SimpleCommand, Word};
pub use parse::analyze;
